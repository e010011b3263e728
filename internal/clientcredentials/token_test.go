package clientcredentials

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

const (
	testJWT      = "eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6InBsYXRmb3JtL2RlcGxveSJ9.c2ln"
	testResponse = `{"access_token":"` + testJWT + `","expires_in":3600,"token_type":"Bearer"}`
)

var testRequest = Request{ClientID: "testclientid", ClientSecret: "testclientsecret0000000000"}

// endpointAnswering serves answers[i] to the i-th request (the last one
// from then on) and counts the requests.
func endpointAnswering(t *testing.T, answers ...func(http.ResponseWriter)) (string, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := int(n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/oauth2/token", &n
}

func answer(status int, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// cutShortAnswer announces a whole token answer but closes the connection
// cleanly after half of it: the client reads io.ErrUnexpectedEOF.
func cutShortAnswer(w http.ResponseWriter) {
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hijacker.Hijack()
	if err != nil {
		return
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(testResponse)) + "\r\n\r\n" + testResponse[:len(testResponse)/2])
	_ = buf.Flush()
	_ = conn.Close()
}

func policy(retries int, timeout time.Duration) retrypolicy.Policy {
	return retrypolicy.Policy{MaxAttempts: retries + 1, Mode: aws.RetryModeStandard, Timeout: timeout}
}

func tokenFromEndpoint(t *testing.T, e *Endpoint, url string) (Token, *Error) {
	t.Helper()
	req := testRequest
	req.TokenURL = url
	token, err := e.Token(context.Background(), req)
	if err == nil {
		return token, nil
	}
	var tokenErr *Error
	if !errors.As(err, &tokenErr) {
		t.Fatalf("error is %T, not *Error: %v", err, err)
	}
	return token, tokenErr
}

func TestAnswerCutShortIsRetried(t *testing.T) {
	url, requests := endpointAnswering(t, cutShortAnswer, answer(200, testResponse))
	token, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, policy(2, 10*time.Second)), url)
	if err != nil {
		t.Fatalf("not retried: %v", err)
	}
	if token.AccessToken != testJWT || token.Attempts != 2 || requests.Load() != 2 {
		t.Errorf("token %q after %d attempts (%d requests), want the second answer's", token.AccessToken, token.Attempts, requests.Load())
	}
}

func TestAnswerCutShortEveryTimeCouldNotReach(t *testing.T) {
	url, requests := endpointAnswering(t, cutShortAnswer)
	_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, policy(1, 10*time.Second)), url)
	if err == nil || requests.Load() != 2 {
		t.Fatalf("err %v after %d requests, want a failure after 2", err, requests.Load())
	}
	if err.Reason != failure.Unreachable || !strings.Contains(err.RootCause, "unexpected EOF") {
		t.Errorf("got %s: %q", err.Reason, err.RootCause)
	}
}

func TestCutShort(t *testing.T) {
	for err, want := range map[error]bool{
		errors.New("oauth2: cannot fetch token: unexpected EOF"): true,
		fmt.Errorf("reading: %w", io.ErrUnexpectedEOF):           true,
		io.EOF: false,
		errors.New("oauth2: cannot fetch token: unexpected EOF!"): false,
		errors.New("oauth2: cannot fetch token: 400 Bad Request"): false,
	} {
		if got := cutShort(err); got != want {
			t.Errorf("cutShort(%q) = %v, want %v", err, got, want)
		}
		if got := isRetryable.IsErrorRetryable(err) == aws.TrueTernary; got != want {
			t.Errorf("isRetryable(%q) = %v, want %v", err, got, want)
		}
	}
}

// countingRetryer counts the attempts it is asked to admit.
type countingRetryer struct {
	aws.RetryerV2
	attempts atomic.Int32
}

func (r *countingRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	r.attempts.Add(1)
	return r.RetryerV2.GetAttemptToken(ctx)
}

// The retryer New builds serves every request, so adaptive mode's rate
// state outlives one request.
func TestOneRetryerServesEveryRequest(t *testing.T) {
	url, _ := endpointAnswering(t, answer(429, `{}`), answer(200, testResponse))
	p := policy(2, 10*time.Second)
	p.Mode = aws.RetryModeAdaptive
	e := newEndpoint(&http.Client{}, p)
	built, ok := e.retryer.(aws.RetryerV2)
	if !ok {
		t.Fatalf("New built %T, no adaptive RetryerV2", e.retryer)
	}
	counting := &countingRetryer{RetryerV2: built}
	e.retryer = counting
	for range 2 {
		if _, err := tokenFromEndpoint(t, e, url); err != nil {
			t.Fatal(err)
		}
	}
	if got := counting.attempts.Load(); got != 3 {
		t.Errorf("the endpoint's retryer admitted %d attempts, want 3 (429 and 200, then 200)", got)
	}
}

// When the timeout ends the backoff while the endpoint keeps answering with
// an error, that answer is the reason, not the network; only a request
// without any answer is a Timeout.
func TestTimeoutAfterPersistentAnswers(t *testing.T) {
	// Several attempts of 100 ms backoff fit in the timeout, far fewer than
	// the retries; the slow answer comes after it.
	const timeout = 500 * time.Millisecond
	slow := func(w http.ResponseWriter) { time.Sleep(3 * timeout); answer(200, testResponse)(w) }
	for _, tc := range []struct {
		name      string
		answer    func(http.ResponseWriter)
		reason    failure.Reason
		status    int
		persisted bool
	}{
		{"HTTP 429", answer(429, `{}`), failure.Throttled, 429, true},
		{"HTTP 503", answer(503, `<html>503</html>`), failure.Unavailable, 503, true},
		{"no answer", slow, failure.Timeout, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, requests := endpointAnswering(t, tc.answer)
			p := policy(25, timeout)
			p.Backoff = cognitotest.FixedBackoff(100 * time.Millisecond)
			_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, p), url)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Reason != tc.reason || err.Status != tc.status || err.Persisted != tc.persisted || err.Timeout != timeout {
				t.Errorf("got %+v", err)
			}
			if err.Attempts != int(requests.Load()) || err.Attempts < 1 {
				t.Errorf("attempts %d, requests %d", err.Attempts, requests.Load())
			}
		})
	}
}

func TestSecretsCoverTheBasicAuthCredentials(t *testing.T) {
	// x/oauth2 URL-escapes id and secret before base64 (RFC 6749 §2.3.1).
	req := Request{ClientID: "id+1", ClientSecret: "s/2?"}
	want := []string{"id+1", "s/2?", "id%2B1:s%2F2%3F", // base64 of that, in every variant:
		"aWQlMkIxOnMlMkYyJTNG", "aWQlMkIxOnMlMkYyJTNG", "aWQlMkIxOnMlMkYyJTNG", "aWQlMkIxOnMlMkYyJTNG"}
	if got := req.Secrets(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Secrets() = %q, want %q", got, want)
	}
	for _, partial := range []Request{{ClientID: "id"}, {ClientSecret: "secret"}} {
		if got := partial.Secrets(); len(got) != 1 {
			t.Errorf("Secrets() of %+v = %q, want only the value set", partial, got)
		}
	}
}

// TestBasicHeaderIsPinned: the exact Authorization header x/oauth2 sends for
// an id and a secret with `+`, `/` and `=`: form-escaped inside the base64
// (basicCredentials). Whether Cognito decodes that escaping is undocumented,
// so a library change must not slip by: this test then fails.
func TestBasicHeaderIsPinned(t *testing.T) {
	var header string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header = r.Header.Get("Authorization")
		answer(http.StatusOK, testResponse)(w)
	}))
	defer srv.Close()
	req := Request{TokenURL: srv.URL + "/oauth2/token", ClientID: "id+/=7", ClientSecret: "Se+cr/et=9"}
	if _, err := newEndpoint(&http.Client{}, policy(0, 10*time.Second)).Token(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	// base64("id%2B%2F%3D7:Se%2Bcr%2Fet%3D9")
	const want = "Basic aWQlMkIlMkYlM0Q3OlNlJTJCY3IlMkZldCUzRDk="
	if header != want {
		t.Errorf("Authorization = %q, want %q", header, want)
	}
}

// TestAlteredEchoesOfTheCredentialsAreScrubbed: an answer that echoes the
// credentials altered (the Basic value without padding, URL-encoded,
// decoded, cut short, upper-cased) shows them in no diagnostic.
func TestAlteredEchoesOfTheCredentialsAreScrubbed(t *testing.T) {
	const id, secret = "echo+client1", "secret+Value_0123456789abcdef"
	basic := "ZWNobyUyQmNsaWVudDE6c2VjcmV0JTJCVmFsdWVfMDEyMzQ1Njc4OWFiY2RlZg==" // as sent
	for name, echoed := range map[string]string{
		"unpadded":         strings.TrimRight(basic, "="),
		"URL-encoded":      strings.ReplaceAll(basic, "=", "%3D"),
		"decoded":          "echo%2Bclient1:secret%2BValue_0123456789abcdef",
		"cut short":        basic[10:40],
		"upper-cased":      strings.ToUpper(basic),
		"secret truncated": secret[3:20],
		"id upper-cased":   strings.ToUpper(id),
	} {
		t.Run(name, func(t *testing.T) {
			var sent string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				sent = r.Header.Get("Authorization")
				answer(400, `{"error":"invalid_client","error_description":"you sent `+echoed+`."}`)(w)
			}))
			defer srv.Close()
			_, err := newEndpoint(&http.Client{}, policy(0, 10*time.Second)).Token(context.Background(),
				Request{TokenURL: srv.URL + "/oauth2/token", ClientID: id, ClientSecret: secret})
			var tokenErr *Error
			if !errors.As(err, &tokenErr) || sent != "Basic "+basic {
				t.Fatalf("err %v, sent %q", err, sent)
			}
			if tokenErr.Message != "you sent ***." {
				t.Errorf("message shows %q: %q", echoed, tokenErr.Message)
			}
		})
	}
}

// TestTokenURLIsNotShown: a token_url's path may hold a key; diagnostics
// name its scheme and host only.
func TestTokenURLIsNotShown(t *testing.T) {
	const key = "p4thK3yValue0123"
	url, _ := endpointAnswering(t, answer(http.StatusNotFound, "no"))
	_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, policy(0, 10*time.Second)), strings.TrimSuffix(url, "/oauth2/token")+"/"+key+"/oauth2/token")
	if err == nil || strings.Contains(err.Endpoint+err.Error(), key) || !strings.Contains(err.Endpoint, "127.0.0.1") {
		t.Errorf("endpoint: %v", err)
	}
}

// An answer that echoes the Authorization header shows in no diagnostic.
func TestEchoedAuthorizationHeaderIsScrubbed(t *testing.T) {
	var header string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header = strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"error":"invalid_client","error_description":"you sent `+header+`"}`)
	}))
	defer srv.Close()
	_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, policy(0, 10*time.Second)), srv.URL+"/oauth2/token")
	if err == nil || header == "" {
		t.Fatalf("err %v, header %q", err, header)
	}
	if err.Message != "you sent ***" {
		t.Errorf("message shows the Authorization header's credentials: %q", err.Message)
	}
	if err.BodyLength != len(`{"error":"invalid_client","error_description":"you sent `+header+`"}`) {
		t.Errorf("BodyLength %d", err.BodyLength)
	}
}
