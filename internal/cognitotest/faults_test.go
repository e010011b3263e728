package cognitotest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

func faultEnv(t *testing.T) (*Server, string, func() string) {
	s := newTestServer(t, PoolConfig{})
	c := s.AddClient(AppClient{})
	s.AddUser(User{Username: "alice"})
	return s, c.ID, func() string { return s.IssueRefreshToken(c.ID, "alice") }
}

func TestThrottleConsumedBySDKRetries(t *testing.T) {
	s, id, tok := faultEnv(t)
	s.InjectFault(Fault{ErrorType: ErrTooManyRequests, Times: 2})
	in := input(id, tok())
	// The standard retryer treats TooManyRequestsException as a throttle:
	// two throttles, then success on the third attempt.
	if _, err := sdkClient(s, 3).GetTokensFromRefreshToken(context.Background(), &in); err != nil {
		t.Fatalf("with retries: %v", err)
	}
	if n := s.RequestCount(); n != 3 {
		t.Errorf("requests %d, want 3", n)
	}
	s.InjectFault(Fault{ErrorType: ErrTooManyRequests, Times: 2})
	if _, err := refresh(t, s, in); !isA[*types.TooManyRequestsException](err) {
		t.Fatalf("no retries: %v", err)
	}
	if rec := s.Requests(); rec[len(rec)-1].Input.RefreshToken != *in.RefreshToken {
		t.Error("faulted request's input not recorded")
	}
	if s.PendingFaults() != 1 {
		t.Errorf("pending %d, want 1", s.PendingFaults())
	}
	s.ClearFaults()
	mustRefresh(t, s, in)
}

func TestRawFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, out *struct{ access *string }, err error)
	}{
		{"502 from load balancer", Fault{Status: 502}, func(t *testing.T, _ *struct{ access *string }, err error) {
			if st, _ := httpStatus(t, err); st != 502 {
				t.Errorf("status %d", st)
			}
		}},
		{"503 empty body", Fault{Status: 503, Body: " "}, func(t *testing.T, _ *struct{ access *string }, err error) {
			if st, _ := httpStatus(t, err); st != 503 {
				t.Errorf("status %d", st)
			}
		}},
		{"malformed json", Fault{Body: `{"AuthenticationResult": {"AccessToken": "abc`}, func(t *testing.T, _ *struct{ access *string }, err error) {
			var de *smithy.DeserializationError
			if !errors.As(err, &de) {
				t.Errorf("want DeserializationError, got %T %v", err, err)
			}
		}},
		{"empty object", Fault{Body: `{}`}, func(t *testing.T, out *struct{ access *string }, err error) {
			if err != nil || out != nil {
				t.Errorf("want nil AuthenticationResult, got %v %v", out, err)
			}
		}},
		{"missing access token", Fault{Body: `{"AuthenticationResult":{"IdToken":"x","ExpiresIn":3600,"TokenType":"Bearer"}}`},
			func(t *testing.T, out *struct{ access *string }, err error) {
				if err != nil || out == nil || out.access != nil {
					t.Errorf("want result without AccessToken, got %v %v", out, err)
				}
			}},
		{"wrong content type", Fault{Body: "<html>hi</html>", ContentType: "text/html"}, func(t *testing.T, _ *struct{ access *string }, err error) {
			if err == nil {
				t.Error("want error")
			}
		}},
		{"reset before answering", Fault{ResetConnection: true}, func(t *testing.T, _ *struct{ access *string }, err error) {
			var api smithy.APIError
			if err == nil || errors.As(err, &api) {
				t.Errorf("want transport error, got %v", err)
			}
		}},
		{"reset mid-response", Fault{ResetConnection: true, Body: `{"AuthenticationResult":{"AccessToken":"aaaaaaaaaaaaaaaa"}}`},
			func(t *testing.T, _ *struct{ access *string }, err error) {
				if err == nil {
					t.Error("want error")
				}
			}},
	}
	s, id, tok := faultEnv(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.InjectFault(tc.fault)
			out, err := refresh(t, s, input(id, tok()))
			var res *struct{ access *string }
			if err == nil && out.AuthenticationResult != nil {
				res = &struct{ access *string }{out.AuthenticationResult.AccessToken}
			}
			tc.check(t, res, err)
			mustRefresh(t, s, input(id, tok())) // fault consumed, server healthy
		})
	}
}

func TestDelayFault(t *testing.T) {
	s, id, tok := faultEnv(t)

	s.InjectFault(Fault{Delay: 50 * time.Millisecond})
	start := time.Now()
	mustRefresh(t, s, input(id, tok())) // delay only: then a normal answer
	if time.Since(start) < 50*time.Millisecond {
		t.Error("delay not applied")
	}

	// A client deadline shorter than the delay wins, and Close is prompt
	// even while a delayed request is pending.
	s.InjectFault(Fault{Delay: time.Minute, Times: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	in := input(id, tok())
	if _, err := sdkClient(s, 1).GetTokensFromRefreshToken(ctx, &in); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want deadline exceeded, got %v", err)
	}
	go func() { _, _ = sdkClient(s, 1).GetTokensFromRefreshToken(context.Background(), &in) }()
	time.Sleep(50 * time.Millisecond)
	start = time.Now()
	s.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
}

// AfterProcessing loses the response of a call that did rotate: the client
// retries with the old token, which works only inside the grace period.
func TestLostResponseAfterRotation(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	c := s.AddClient(AppClient{Rotation: true, GracePeriod: 30 * time.Second})
	s.AddUser(User{Username: "alice"})
	rt := s.IssueRefreshToken(c.ID, "alice")

	s.InjectFault(Fault{ResetConnection: true, AfterProcessing: true})
	if _, err := refresh(t, s, input(c.ID, rt)); err == nil {
		t.Fatal("want transport error")
	}
	mustRefresh(t, s, input(c.ID, rt))
	s.Advance(31 * time.Second)
	if _, err := refresh(t, s, input(c.ID, rt)); !isA[*types.RefreshTokenReuseException](err) {
		t.Fatalf("after grace: %v", err)
	}
}

// A held request waits for its release, then gets a normal answer; a
// client that gives up first is let go, and Close is prompt.
func TestHoldFault(t *testing.T) {
	s, id, tok := faultEnv(t)

	release := make(chan struct{})
	s.InjectFault(Fault{Hold: release})
	done := make(chan error, 1)
	in := input(id, tok())
	go func() {
		_, err := sdkClient(s, 1).GetTokensFromRefreshToken(context.Background(), &in)
		done <- err
	}()
	for s.PendingFaults() > 0 {
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("the held request was answered before its release: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("released request: %v", err)
	}

	s.InjectFault(Fault{Hold: make(chan struct{}), Times: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	in = input(id, tok())
	if _, err := sdkClient(s, 1).GetTokensFromRefreshToken(ctx, &in); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want deadline exceeded, got %v", err)
	}
	go func() { _, _ = sdkClient(s, 1).GetTokensFromRefreshToken(context.Background(), &in) }()
	for s.PendingFaults() > 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	s.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
}

// Hold with AfterProcessing holds the answer, not the request: the token
// is rotated even if the client gives up while the answer is held.
func TestHoldAfterProcessingRotatesFirst(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	c := s.AddClient(AppClient{Rotation: true})
	s.AddUser(User{Username: "alice"})
	rt := s.IssueRefreshToken(c.ID, "alice")
	s.InjectFault(Fault{Hold: make(chan struct{}), AfterProcessing: true})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for s.PendingFaults() > 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	in := input(c.ID, rt)
	if _, err := sdkClient(s, 1).GetTokensFromRefreshToken(ctx, &in); !errors.Is(err, context.Canceled) {
		t.Fatalf("want the client's cancellation, got %v", err)
	}
	if _, err := refresh(t, s, input(c.ID, rt)); !isA[*types.RefreshTokenReuseException](err) {
		t.Fatalf("the held call did not rotate the token: %v", err)
	}
}
