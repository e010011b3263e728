package cognitotest

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestRateLimitThrottlesBeyondTheRate(t *testing.T) {
	s, id, tok := faultEnv(t)
	s.SetRateLimit(5, 3) // 5 per second, 3 at once
	in := input(id, tok())
	throttled := 0
	// 10 requests at once: the burst passes, the rest is throttled with
	// Cognito's modeled error, recorded like any answer.
	for range 10 {
		_, err := refresh(t, s, in)
		switch {
		case err == nil:
		case isA[*types.TooManyRequestsException](err):
			if status, _ := httpStatus(t, err); status != 400 {
				t.Errorf("throttle answered HTTP %d, want 400", status)
			}
			throttled++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	// The burst (3), plus what refilled while the 10 ran (well under 1 s:
	// at most a few).
	if throttled < 4 || throttled > 7 {
		t.Errorf("%d of 10 back-to-back requests throttled, want about 7", throttled)
	}
	recs := s.Requests()
	if last := recs[len(recs)-1]; last.ErrorType != ErrTooManyRequests || last.Status != 400 {
		t.Errorf("last request recorded as %d %q", last.Status, last.ErrorType)
	}

	// After a second the bucket holds 3 again (not 5: the burst caps it).
	time.Sleep(time.Second)
	ok := 0
	for range 5 {
		if _, err := refresh(t, s, in); err == nil {
			ok++
		}
	}
	if ok != 3 {
		t.Errorf("after a second's pause %d of 5 requests passed, want the burst of 3", ok)
	}

	// Removed: nothing is throttled.
	s.SetRateLimit(0, 0)
	for range 5 {
		if _, err := refresh(t, s, in); err != nil {
			t.Fatalf("without a limit: %v", err)
		}
	}
}

func TestRateLimitSustainsTheRate(t *testing.T) {
	// Paced at the rate, every request passes; the SDK's retries (which
	// back off) ride out a burst over it.
	s, id, tok := faultEnv(t)
	s.SetRateLimit(20, 0)
	in := input(id, tok())
	for range 10 {
		if _, err := refresh(t, s, in); err != nil {
			t.Fatalf("paced request throttled: %v", err)
		}
		time.Sleep(60 * time.Millisecond)
	}
	// The 40 go at once, so they beat the rate however slow the machine is.
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Go(func() {
			if _, err := sdkClient(s, 10).GetTokensFromRefreshToken(context.Background(), &in); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("with retries: %v", err)
	}
	if n := s.RequestCount(); n <= 50 {
		t.Errorf("%d requests for 50 calls: the burst of 40 was never throttled", n)
	}
}

func TestRateLimitLeavesJWKSAlone(t *testing.T) {
	s, id, tok := faultEnv(t)
	s.SetRateLimit(0.001, 1) // one request, then (practically) none
	for range 3 {
		resp, err := http.Get(s.URL + "/" + s.PoolID() + "/.well-known/jwks.json")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("JWKS answered %d under the rate limit", resp.StatusCode)
		}
	}
	// The one request the bucket holds is still there, and a queued fault
	// waits for a request that gets past the limit.
	s.InjectFault(Fault{ErrorType: ErrInternalError, Times: 2})
	in := input(id, tok())
	if _, err := refresh(t, s, in); !isA[*types.InternalErrorException](err) {
		t.Fatalf("first request: %v, want the queued fault", err)
	}
	if _, err := refresh(t, s, in); !isA[*types.TooManyRequestsException](err) {
		t.Fatalf("second request: %v, want throttling", err)
	}
	if s.PendingFaults() != 1 {
		t.Errorf("pending faults %d, want 1: a throttled request consumed one", s.PendingFaults())
	}
}

// The token endpoint is rate-limited too, in its own bucket, and answers
// HTTP 429 in JSON when over it.
func TestRateLimitCoversTheTokenEndpoint(t *testing.T) {
	s, id, tok := faultEnv(t)
	s.AddResourceServer(ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
	c := s.AddClientCredentialsClient(ClientCredentialsClient{Scopes: []string{"platform/deploy"}})
	grant := url.Values{"grant_type": {"client_credentials"}}
	s.SetRateLimit(5, 3)
	throttled := 0
	for range 10 {
		switch status, out := tokenCall(t, s, basic(c.ID, c.Secret), grant); status {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			if _, hasCode := out["error"]; hasCode || out["message"] != "Rate exceeded" {
				t.Errorf("throttled answer %v", out)
			}
			throttled++
		default:
			t.Fatalf("HTTP %d %v", status, out)
		}
	}
	if throttled < 4 || throttled > 7 {
		t.Errorf("%d of 10 back-to-back token requests throttled, want about 7", throttled)
	}
	if recs := s.Requests(); recs[len(recs)-1].Status != http.StatusTooManyRequests {
		t.Errorf("last token request recorded as %d", recs[len(recs)-1].Status)
	}
	// A bucket of its own: the API's quota is untouched.
	if _, err := refresh(t, s, input(id, tok())); err != nil {
		t.Errorf("API request after the token endpoint's burst: %v", err)
	}
	s.SetRateLimit(0, 0)
	for range 5 {
		if status, out := tokenCall(t, s, basic(c.ID, c.Secret), grant); status != http.StatusOK {
			t.Fatalf("without a limit: HTTP %d %v", status, out)
		}
	}
}
