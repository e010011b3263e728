package clientcredentials

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// faultSanityLimit is no timing assertion: a request that takes longer
// than this hangs, whatever the machine's load.
const faultSanityLimit = 90 * time.Second

type faultCase struct {
	name    string
	faults  []cognitotest.Fault
	retries int           // attempts = retries + 1
	timeout time.Duration // default 30s
	// cancelAfter cancels the context (Ctrl-C) after this long.
	cancelAfter time.Duration
	// fails says whether the request fails; want then holds the reason and
	// the facts checked (Status, Code, Missing when set).
	fails bool
	want  failure.Error
	// wantRequests is what the double must have seen (-1: don't check).
	wantRequests int
}

// faultCases are faults injected into the double's token endpoint, and the
// retries, reasons and facts they must end in.
func faultCases() []faultCase {
	fault := func(f cognitotest.Fault) []cognitotest.Fault { return []cognitotest.Fault{f} }
	body := func(b string) []cognitotest.Fault {
		return fault(cognitotest.Fault{Body: b, ContentType: "application/json;charset=UTF-8"})
	}
	unreadable := failure.Error{Reason: failure.Unreadable, Attempts: 1}
	missing := func(what string) failure.Error {
		return failure.Error{Reason: failure.Incomplete, Missing: what, Attempts: 1}
	}
	const jwt = `eyJraWQiOiJrIiwiYWxnIjoiUlMyNTYifQ.eyJzY29wZSI6InBsYXRmb3JtL2RlcGxveSJ9.c2ln`
	return []faultCase{
		{name: "throttled once", retries: 2, faults: fault(cognitotest.Fault{Status: 429}), wantRequests: 2},
		{name: "throttled twice", retries: 2, faults: fault(cognitotest.Fault{Status: 429, Times: 2}), wantRequests: 3},
		{name: "throttled on every attempt", retries: 2, faults: fault(cognitotest.Fault{Status: 429, Times: 3}),
			fails: true, want: failure.Error{Reason: failure.Throttled, Status: 429, Attempts: 3}, wantRequests: 3},
		{name: "HTTP 500 once", retries: 2, faults: fault(cognitotest.Fault{Status: 500}), wantRequests: 2},
		{name: "HTTP 502 and 503", retries: 2, faults: []cognitotest.Fault{{Status: 502}, {Status: 503}}, wantRequests: 3},
		{name: "HTTP 503 on every attempt", retries: 1, faults: fault(cognitotest.Fault{Status: 503, Times: 2}),
			fails: true, want: failure.Error{Reason: failure.Unavailable, Status: 503, Attempts: 2}, wantRequests: 2},
		{name: "connection reset once", retries: 2, faults: fault(cognitotest.Fault{ResetConnection: true}), wantRequests: 2},
		{name: "connection reset mid-response once", retries: 2,
			faults: fault(cognitotest.Fault{ResetConnection: true, Body: `{"access_token":"eyJhbGciOi","expires_in":3600,"token_type":"Bearer"}`}), wantRequests: 2},
		{name: "response lost after processing, then retried", retries: 2,
			faults: fault(cognitotest.Fault{ResetConnection: true, AfterProcessing: true}), wantRequests: 2},
		{name: "connection reset on every attempt", retries: 2, faults: fault(cognitotest.Fault{ResetConnection: true, Times: 3}),
			fails: true, want: failure.Error{Reason: failure.Unreachable, Attempts: 3}, wantRequests: 3},
		{name: "server slower than the timeout", retries: 2, timeout: time.Second, faults: fault(cognitotest.Fault{Delay: time.Minute, Times: 3}),
			fails: true, want: failure.Error{Reason: failure.Timeout, Timeout: time.Second}, wantRequests: -1},
		{name: "Ctrl-C during a slow call", retries: 2, cancelAfter: 300 * time.Millisecond, faults: fault(cognitotest.Fault{Delay: time.Minute}),
			fails: true, want: failure.Error{Reason: failure.Canceled}, wantRequests: -1},
		// OAuth answers are final: never retried.
		{name: "invalid_client is not retried", retries: 2, faults: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidClient, Times: 3}),
			fails: true, want: failure.Error{Reason: failure.ClientRejected, Input: failure.ClientSecret, Code: "invalid_client", Attempts: 1}, wantRequests: 1},
		{name: "invalid_scope with HTTP 401 is not retried", retries: 2, faults: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidScope, Status: 401, Times: 3}),
			fails: true, want: failure.Error{Reason: failure.ScopeNotAllowed, Input: failure.Scopes, Status: 401, Attempts: 1}, wantRequests: 1},
		{name: "unknown OAuth error code", faults: fault(cognitotest.Fault{ErrorType: "slow_down"}),
			fails: true, want: failure.Error{Reason: failure.Other, Code: "slow_down", Attempts: 1}, wantRequests: 1},
		{name: "HTTP 404", faults: fault(cognitotest.Fault{Status: 404, Body: "Not Found", ContentType: "text/plain"}),
			fails: true, want: failure.Error{Reason: failure.NoTokenEndpoint, Input: failure.TokenURL, Status: 404, Attempts: 1}, wantRequests: 1},
		{name: "not JSON at all", faults: fault(cognitotest.Fault{Body: "<html>Welcome to nginx</html>", ContentType: "text/html"}), fails: true, want: unreadable, wantRequests: 1},
		{name: "JSON null", faults: body(`null`), fails: true, want: unreadable, wantRequests: 1},
		{name: "truncated body", faults: body(`{"access_token":"eyJ`), fails: true, want: unreadable, wantRequests: 1},
		{name: "no access_token", faults: body(`{"expires_in":3600,"token_type":"Bearer"}`), fails: true, want: unreadable, wantRequests: 1},
		{name: "no expires_in", faults: body(`{"access_token":"` + jwt + `","token_type":"Bearer"}`),
			fails: true, want: missing("a positive whole expires_in"), wantRequests: 1},
		{name: "expires_in a string", faults: body(`{"access_token":"` + jwt + `","expires_in":"3600","token_type":"Bearer"}`),
			fails: true, want: missing("a positive whole expires_in"), wantRequests: 1},
		{name: "expires_in negative", faults: body(`{"access_token":"` + jwt + `","expires_in":-5,"token_type":"Bearer"}`),
			fails: true, want: missing("a positive whole expires_in"), wantRequests: 1},
		{name: "not a bearer token", faults: body(`{"access_token":"` + jwt + `","expires_in":3600,"token_type":"mac"}`),
			fails: true, want: missing("token_type Bearer"), wantRequests: 1},
		{name: "access token not a JWT", faults: body(`{"access_token":"opaque","expires_in":3600,"token_type":"Bearer"}`),
			fails: true, want: missing("an access token in JWT form"), wantRequests: 1},
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
	for _, mode := range []aws.RetryMode{aws.RetryModeStandard, aws.RetryModeAdaptive} {
		for _, tc := range faultCases() {
			t.Run(string(mode)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				srv := cognitotest.NewServer(cognitotest.PoolConfig{})
				t.Cleanup(srv.Close)
				srv.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
				client := srv.AddClientCredentialsClient(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy"}})
				for _, f := range tc.faults {
					srv.InjectFault(f)
				}
				timeout := tc.timeout
				if timeout == 0 {
					timeout = 30 * time.Second
				}
				endpoint := newEndpoint(&http.Client{}, retrypolicy.Policy{MaxAttempts: tc.retries + 1, Mode: mode, Timeout: timeout})
				ctx, cancel := context.WithTimeout(context.Background(), faultSanityLimit)
				defer cancel()
				if tc.cancelAfter > 0 {
					time.AfterFunc(tc.cancelAfter, cancel)
				}
				token, err := endpoint.Token(ctx, Request{TokenURL: srv.TokenURL(), ClientID: client.ID, ClientSecret: client.Secret})
				if ctx.Err() != nil && tc.cancelAfter == 0 {
					t.Fatalf("the request hung for %s", faultSanityLimit)
				}
				var e *Error
				switch {
				case !tc.fails && err != nil:
					t.Fatalf("want success, got %v", err)
				case !tc.fails:
					if token.AccessToken == "" || token.Attempts != tc.wantRequests {
						t.Errorf("token %+v after %d requests", token, tc.wantRequests)
					}
				case !errors.As(err, &e):
					t.Fatalf("want a %s failure, got %v", tc.want.Reason, err)
				case e.Reason != tc.want.Reason || e.Input != tc.want.Input ||
					tc.want.Code != "" && e.Code != tc.want.Code ||
					tc.want.Status != 0 && e.Status != tc.want.Status ||
					tc.want.Missing != "" && e.Missing != tc.want.Missing ||
					tc.want.Attempts != 0 && e.Attempts != tc.want.Attempts ||
					tc.want.Timeout != 0 && e.Timeout != tc.want.Timeout:
					t.Errorf("got %+v\nwant %+v", e, tc.want)
				}
				if tc.wantRequests >= 0 {
					if got := settledRequestCount(srv, tc.wantRequests); got != tc.wantRequests {
						t.Errorf("the double saw %d requests, want %d", got, tc.wantRequests)
					}
				}
			})
		}
	}
}
