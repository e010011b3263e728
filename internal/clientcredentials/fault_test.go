package clientcredentials

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure/failuretest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// faultCases are faults injected into the double's token endpoint, and the
// retries, reasons and facts they must end in.
func faultCases() []failuretest.FaultCase {
	fault := func(f cognitotest.Fault) []cognitotest.Fault { return []cognitotest.Fault{f} }
	body := func(b string) []cognitotest.Fault {
		return fault(cognitotest.Fault{Body: b, ContentType: "application/json;charset=UTF-8"})
	}
	unreadable := failure.Error{Reason: failure.Unreadable, Attempts: 1}
	missing := func(what failure.Part) failure.Error {
		return failure.Error{Reason: failure.Incomplete, Missing: what, Attempts: 1}
	}
	const jwt = `eyJraWQiOiJrIiwiYWxnIjoiUlMyNTYifQ.eyJzY29wZSI6InBsYXRmb3JtL2RlcGxveSJ9.c2ln`
	return []failuretest.FaultCase{
		{Name: "throttled once", Retries: 2, Faults: fault(cognitotest.Fault{Status: 429}), WantRequests: 2},
		{Name: "throttled twice", Retries: 2, Faults: fault(cognitotest.Fault{Status: 429, Times: 2}), WantRequests: 3},
		{Name: "throttled on every attempt", Retries: 2, Faults: fault(cognitotest.Fault{Status: 429, Times: 3}),
			Fails: true, Want: failure.Error{Reason: failure.Throttled, Status: 429, Attempts: 3}, WantRequests: 3},
		{Name: "HTTP 500 once", Retries: 2, Faults: fault(cognitotest.Fault{Status: 500}), WantRequests: 2},
		{Name: "HTTP 502 and 503", Retries: 2, Faults: []cognitotest.Fault{{Status: 502}, {Status: 503}}, WantRequests: 3},
		{Name: "HTTP 503 on every attempt", Retries: 1, Faults: fault(cognitotest.Fault{Status: 503, Times: 2}),
			Fails: true, Want: failure.Error{Reason: failure.Unavailable, Status: 503, Attempts: 2}, WantRequests: 2},
		{Name: "connection reset once", Retries: 2, Faults: fault(cognitotest.Fault{ResetConnection: true}), WantRequests: 2},
		{Name: "connection reset mid-response once", Retries: 2,
			Faults: fault(cognitotest.Fault{ResetConnection: true, Body: `{"access_token":"eyJhbGciOi","expires_in":3600,"token_type":"Bearer"}`}), WantRequests: 2},
		{Name: "response lost after processing, then retried", Retries: 2,
			Faults: fault(cognitotest.Fault{ResetConnection: true, AfterProcessing: true}), WantRequests: 2},
		{Name: "connection reset on every attempt", Retries: 2, Faults: fault(cognitotest.Fault{ResetConnection: true, Times: 3}),
			Fails: true, Want: failure.Error{Reason: failure.Unreachable, Attempts: 3}, WantRequests: 3},
		{Name: "server slower than the timeout", Retries: 2, Timeout: time.Second, Faults: fault(cognitotest.Fault{Delay: time.Minute, Times: 3}),
			Fails: true, Want: failure.Error{Reason: failure.Timeout, Timeout: time.Second}, WantRequests: -1},
		{Name: "Ctrl-C during a slow call", Retries: 2, CancelAfter: 300 * time.Millisecond, Faults: fault(cognitotest.Fault{Delay: time.Minute}),
			Fails: true, Want: failure.Error{Reason: failure.Canceled}, WantRequests: -1},
		// OAuth answers are final: never retried.
		{Name: "invalid_client is not retried", Retries: 2, Faults: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidClient, Times: 3}),
			Fails: true, Want: failure.Error{Reason: failure.ClientRejected, Input: failure.ClientSecret, Code: "invalid_client", Attempts: 1}, WantRequests: 1},
		{Name: "invalid_scope with HTTP 401 is not retried", Retries: 2, Faults: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidScope, Status: 401, Times: 3}),
			Fails: true, Want: failure.Error{Reason: failure.ScopeNotAllowed, Input: failure.Scopes, Status: 401, Attempts: 1}, WantRequests: 1},
		{Name: "unknown OAuth error code", Faults: fault(cognitotest.Fault{ErrorType: "slow_down"}),
			Fails: true, Want: failure.Error{Reason: failure.Other, Code: "slow_down", Attempts: 1}, WantRequests: 1},
		{Name: "HTTP 404", Faults: fault(cognitotest.Fault{Status: 404, Body: "Not Found", ContentType: "text/plain"}),
			Fails: true, Want: failure.Error{Reason: failure.NoTokenEndpoint, Input: failure.TokenURL, Status: 404, Attempts: 1}, WantRequests: 1},
		{Name: "not JSON at all", Faults: fault(cognitotest.Fault{Body: "<html>Welcome to nginx</html>", ContentType: "text/html"}), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "JSON null", Faults: body(`null`), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "truncated body", Faults: body(`{"access_token":"eyJ`), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "no access_token", Faults: body(`{"expires_in":3600,"token_type":"Bearer"}`), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "no expires_in", Faults: body(`{"access_token":"` + jwt + `","token_type":"Bearer"}`),
			Fails: true, Want: missing(failure.ExpiresIn), WantRequests: 1},
		{Name: "expires_in a string", Faults: body(`{"access_token":"` + jwt + `","expires_in":"3600","token_type":"Bearer"}`),
			Fails: true, Want: missing(failure.ExpiresIn), WantRequests: 1},
		{Name: "expires_in negative", Faults: body(`{"access_token":"` + jwt + `","expires_in":-5,"token_type":"Bearer"}`),
			Fails: true, Want: missing(failure.ExpiresIn), WantRequests: 1},
		{Name: "not a bearer token", Faults: body(`{"access_token":"` + jwt + `","expires_in":3600,"token_type":"mac"}`),
			Fails: true, Want: missing(failure.BearerTokenType), WantRequests: 1},
		{Name: "access token not a JWT", Faults: body(`{"access_token":"opaque","expires_in":3600,"token_type":"Bearer"}`),
			Fails: true, Want: missing(failure.AccessTokenJWT), WantRequests: 1},
	}
}

func TestFaults(t *testing.T) {
	for _, mode := range []aws.RetryMode{aws.RetryModeStandard, aws.RetryModeAdaptive} {
		for _, tc := range faultCases() {
			t.Run(string(mode)+"/"+tc.Name, func(t *testing.T) {
				t.Parallel()
				srv := cognitotest.NewServer(cognitotest.PoolConfig{})
				t.Cleanup(srv.Close)
				srv.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
				client := srv.AddClientCredentialsClient(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy"}})
				failuretest.RunFault(t, srv, tc, func(ctx context.Context, timeout time.Duration) (bool, int, error) {
					endpoint := newEndpoint(&http.Client{}, retrypolicy.Policy{MaxAttempts: tc.Retries + 1, Mode: mode, Timeout: timeout, Backoff: cognitotest.QuickBackoff})
					token, err := endpoint.Token(ctx, Request{TokenURL: srv.TokenURL(), ClientID: client.ID, ClientSecret: client.Secret})
					return token.AccessToken != "", token.Attempts, err
				})
			})
		}
	}
}
