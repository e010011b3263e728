package cognito

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// faultSanityLimit is no timing assertion: a refresh that takes longer than
// this hangs, whatever the machine's load.
const faultSanityLimit = 90 * time.Second

type faultCase struct {
	name    string
	faults  []cognitotest.Fault
	retries int           // attempts = retries + 1
	timeout time.Duration // default 30s
	// cancelAfter cancels the context (Ctrl-C) after this long.
	cancelAfter time.Duration
	// fails says whether the refresh fails; want then holds the reason and
	// the facts checked (Missing, Status, Code when set).
	fails bool
	want  failure.Error
	// wantRequests is what the double must have seen (-1: don't check).
	wantRequests int
}

// faultCases are faults injected into the double, and the retries,
// reasons and facts they must end in.
func faultCases() []faultCase {
	fault := func(f cognitotest.Fault) []cognitotest.Fault { return []cognitotest.Fault{f} }
	body := func(b string) []cognitotest.Fault { return fault(cognitotest.Fault{Body: b}) }
	unreadable := failure.Error{Reason: failure.Unreadable, Attempts: 1}
	missing := func(what string) failure.Error {
		return failure.Error{Reason: failure.Incomplete, Missing: what, Attempts: 1}
	}
	return []faultCase{
		{name: "throttled once, 3 attempts", retries: 2, faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests}), wantRequests: 2},
		{name: "throttled twice, 3 attempts", retries: 2, faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2}), wantRequests: 3},
		{name: "throttled 4 times, 5 attempts", retries: 4, faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 4}), wantRequests: 5},
		{name: "throttled on every attempt", retries: 2, faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 3}),
			fails: true, want: failure.Error{Reason: failure.Throttled, Code: cognitotest.ErrTooManyRequests, Attempts: 3}, wantRequests: 3},
		{name: "internal error once", retries: 2, faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError}), wantRequests: 2},
		{name: "internal error on every attempt", retries: 2, faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError, Times: 3}),
			fails: true, want: failure.Error{Reason: failure.InternalError, Code: cognitotest.ErrInternalError, Attempts: 3}, wantRequests: 3},
		{name: "HTTP 500 once", retries: 2, faults: fault(cognitotest.Fault{Status: 500}), wantRequests: 2},
		{name: "HTTP 502 once", retries: 2, faults: fault(cognitotest.Fault{Status: 502}), wantRequests: 2},
		{name: "HTTP 503 twice", retries: 2, faults: fault(cognitotest.Fault{Status: 503, Times: 2}), wantRequests: 3},
		{name: "HTTP 500 on every attempt", retries: 2, faults: fault(cognitotest.Fault{Status: 500, Times: 3}),
			fails: true, want: failure.Error{Reason: failure.Unavailable, Status: 500, Attempts: 3}, wantRequests: 3},
		{name: "HTTP 502 on every attempt", retries: 1, faults: fault(cognitotest.Fault{Status: 502, Times: 2}),
			fails: true, want: failure.Error{Reason: failure.Unavailable, Status: 502, Attempts: 2}, wantRequests: 2},
		{name: "HTTP 503 on every attempt", retries: 0, faults: fault(cognitotest.Fault{Status: 503}),
			fails: true, want: failure.Error{Reason: failure.Unavailable, Status: 503, Attempts: 1}, wantRequests: 1},
		{name: "connection reset once", retries: 2, faults: fault(cognitotest.Fault{ResetConnection: true}), wantRequests: 2},
		{name: "connection reset mid-response once", retries: 2,
			faults: fault(cognitotest.Fault{ResetConnection: true, Body: `{"AuthenticationResult":{"AccessToken":"eyJhbGciOi","ExpiresIn":3600}}`}), wantRequests: 2},
		{name: "response lost after processing, then retried", retries: 2,
			faults: fault(cognitotest.Fault{ResetConnection: true, AfterProcessing: true}), wantRequests: 2},
		{name: "connection reset on every attempt", retries: 2, faults: fault(cognitotest.Fault{ResetConnection: true, Times: 3}),
			fails: true, want: failure.Error{Reason: failure.Unreachable, Attempts: 3}, wantRequests: 3},
		// A refused connection: attempt_test.go's short budget.
		{name: "server slower than the timeout", retries: 2, timeout: time.Second,
			faults: fault(cognitotest.Fault{Delay: time.Minute, Times: 3}),
			fails:  true, want: failure.Error{Reason: failure.Timeout, Timeout: time.Second}, wantRequests: -1},
		{name: "Ctrl-C during a slow call", retries: 2, cancelAfter: 300 * time.Millisecond,
			faults: fault(cognitotest.Fault{Delay: time.Minute}),
			fails:  true, want: failure.Error{Reason: failure.Canceled}, wantRequests: -1},
		{name: "malformed JSON", faults: body(`{"AuthenticationResult": {"AccessToken": "abc`), fails: true, want: unreadable, wantRequests: 1},
		{name: "not JSON at all", faults: body(`Service Unavailable`), fails: true, want: unreadable, wantRequests: 1},
		{name: "JSON null", faults: body(`null`), fails: true, want: missing("an AuthenticationResult"), wantRequests: 1},
		{name: "JSON array", faults: body(`[1,2,3]`), fails: true, want: unreadable, wantRequests: 1},
		{name: "AuthenticationResult of the wrong type", faults: body(`{"AuthenticationResult":"yes"}`), fails: true, want: unreadable, wantRequests: 1},
		{name: "ExpiresIn of the wrong type", faults: body(`{"AuthenticationResult":{"AccessToken":"a","IdToken":"b","ExpiresIn":"soon"}}`), fails: true, want: unreadable, wantRequests: 1},
		{name: "truncated body", faults: body(`{"AuthenticationResult":{"AccessToken":"eyJ`), fails: true, want: unreadable, wantRequests: 1},
		{name: "wrong content type (HTML)", faults: fault(cognitotest.Fault{Body: "<html><body>Welcome to nginx</body></html>", ContentType: "text/html"}),
			fails: true, want: unreadable, wantRequests: 1},
		{name: "empty body", faults: fault(cognitotest.Fault{Body: " "}), fails: true, want: missing("an AuthenticationResult"), wantRequests: 1},
		{name: "no AuthenticationResult", faults: body(`{}`), fails: true, want: missing("an AuthenticationResult"), wantRequests: 1},
		{name: "empty AuthenticationResult", faults: body(`{"AuthenticationResult":{}}`), fails: true, want: missing("an access token"), wantRequests: 1},
		{name: "missing AccessToken", faults: body(`{"AuthenticationResult":{"IdToken":"x","ExpiresIn":3600,"TokenType":"Bearer"}}`),
			fails: true, want: missing("an access token"), wantRequests: 1},
		{name: "empty AccessToken", faults: body(`{"AuthenticationResult":{"AccessToken":"","IdToken":"x","ExpiresIn":3600}}`),
			fails: true, want: missing("an access token"), wantRequests: 1},
		{name: "missing IdToken", faults: body(`{"AuthenticationResult":{"AccessToken":"x","ExpiresIn":3600,"TokenType":"Bearer"}}`),
			fails: true, want: missing("an ID token"), wantRequests: 1},
		{name: "ExpiresIn zero", faults: body(`{"AuthenticationResult":{"AccessToken":"x","IdToken":"y","TokenType":"Bearer"}}`),
			fails: true, want: missing("a positive ExpiresIn"), wantRequests: 1},
		{name: "ExpiresIn negative", faults: body(`{"AuthenticationResult":{"AccessToken":"x","IdToken":"y","ExpiresIn":-5}}`),
			fails: true, want: missing("a positive ExpiresIn"), wantRequests: 1},
		{name: "unknown error type", faults: fault(cognitotest.Fault{Status: 400, ContentType: "application/x-amz-json-1.1",
			Body: `{"__type":"com.amazon.coral.service#NewFancyException","message":"something new"}`}),
			fails: true, want: failure.Error{Reason: failure.Other, Code: "NewFancyException", Message: "something new", Attempts: 1}, wantRequests: 1},
	}
}

// settledRequestCount is the double's request count once it reaches want
// or stops changing: the double records a reset connection after the reset,
// which the client may see first.
func settledRequestCount(srv *cognitotest.Server, want int) int {
	got := srv.RequestCount()
	for deadline := time.Now().Add(5 * time.Second); got < want && time.Now().Before(deadline); got = srv.RequestCount() {
		time.Sleep(10 * time.Millisecond)
	}
	return got
}

func TestFaults(t *testing.T) {
	isolate(t, "")
	for _, tc := range faultCases() {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
			t.Cleanup(srv.Close)
			srv.AddUser(cognitotest.User{Username: "alice"})
			client := srv.AddClient(cognitotest.AppClient{})
			for _, f := range tc.faults {
				srv.InjectFault(f)
			}
			endpoint := srv.URL
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 30 * time.Second
			}
			c, err := load(context.Background(), Config{Region: "eu-west-1", Endpoint: endpoint, MaxRetries: &tc.retries, Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), faultSanityLimit)
			defer cancel()
			if tc.cancelAfter > 0 {
				time.AfterFunc(tc.cancelAfter, cancel)
			}
			tokens, err := c.Refresh(ctx, Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
			if ctx.Err() != nil && tc.cancelAfter == 0 {
				t.Fatalf("the refresh hung for %s", faultSanityLimit)
			}
			var e *Error
			switch {
			case !tc.fails && err != nil:
				t.Fatalf("want success, got %v", err)
			case !tc.fails:
				if tokens.AccessToken == "" || tokens.IDToken == "" || tokens.Attempts != tc.wantRequests {
					t.Errorf("tokens %+v after %d requests", tokens, tc.wantRequests)
				}
			case !errors.As(err, &e):
				t.Fatalf("want a %s failure, got %v", tc.want.Reason, err)
			default:
				checkFacts(t, e, tc.want)
			}
			if tc.wantRequests >= 0 {
				if got := settledRequestCount(srv, tc.wantRequests); got != tc.wantRequests {
					t.Errorf("the double saw %d requests, want %d", got, tc.wantRequests)
				}
			}
		})
	}
}

// checkFacts compares the reason and every fact want sets.
func checkFacts(t *testing.T, got *Error, want failure.Error) {
	t.Helper()
	if got.Reason != want.Reason ||
		want.Code != "" && got.Code != want.Code ||
		want.Message != "" && got.Message != want.Message ||
		want.Status != 0 && got.Status != want.Status ||
		want.Missing != "" && got.Missing != want.Missing ||
		want.Attempts != 0 && got.Attempts != want.Attempts ||
		want.Timeout != 0 && got.Timeout != want.Timeout ||
		got.NeverReached != want.NeverReached {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
