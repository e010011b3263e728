package cognito

import (
	"context"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure/failuretest"
)

// faultCases are faults injected into the double, and the retries,
// reasons and facts they must end in.
func faultCases() []failuretest.FaultCase {
	fault := func(f cognitotest.Fault) []cognitotest.Fault { return []cognitotest.Fault{f} }
	body := func(b string) []cognitotest.Fault { return fault(cognitotest.Fault{Body: b}) }
	unreadable := failure.Error{Reason: failure.Unreadable, Attempts: 1}
	missing := func(what failure.Part) failure.Error {
		return failure.Error{Reason: failure.Incomplete, Missing: what, Attempts: 1}
	}
	return []failuretest.FaultCase{
		{Name: "throttled once, 3 attempts", Retries: 2, Faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests}), WantRequests: 2},
		{Name: "throttled twice, 3 attempts", Retries: 2, Faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2}), WantRequests: 3},
		{Name: "throttled 4 times, 5 attempts", Retries: 4, Faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 4}), WantRequests: 5},
		{Name: "throttled on every attempt", Retries: 2, Faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 3}),
			Fails: true, Want: failure.Error{Reason: failure.Throttled, Code: cognitotest.ErrTooManyRequests, Attempts: 3}, WantRequests: 3},
		{Name: "internal error once", Retries: 2, Faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError}), WantRequests: 2},
		{Name: "internal error on every attempt", Retries: 2, Faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError, Times: 3}),
			Fails: true, Want: failure.Error{Reason: failure.InternalError, Code: cognitotest.ErrInternalError, Attempts: 3}, WantRequests: 3},
		{Name: "HTTP 500 once", Retries: 2, Faults: fault(cognitotest.Fault{Status: 500}), WantRequests: 2},
		{Name: "HTTP 502 once", Retries: 2, Faults: fault(cognitotest.Fault{Status: 502}), WantRequests: 2},
		{Name: "HTTP 503 twice", Retries: 2, Faults: fault(cognitotest.Fault{Status: 503, Times: 2}), WantRequests: 3},
		{Name: "HTTP 500 on every attempt", Retries: 2, Faults: fault(cognitotest.Fault{Status: 500, Times: 3}),
			Fails: true, Want: failure.Error{Reason: failure.Unavailable, Status: 500, Attempts: 3}, WantRequests: 3},
		{Name: "HTTP 502 on every attempt", Retries: 1, Faults: fault(cognitotest.Fault{Status: 502, Times: 2}),
			Fails: true, Want: failure.Error{Reason: failure.Unavailable, Status: 502, Attempts: 2}, WantRequests: 2},
		{Name: "HTTP 503 on every attempt", Retries: 0, Faults: fault(cognitotest.Fault{Status: 503}),
			Fails: true, Want: failure.Error{Reason: failure.Unavailable, Status: 503, Attempts: 1}, WantRequests: 1},
		{Name: "connection reset once", Retries: 2, Faults: fault(cognitotest.Fault{ResetConnection: true}), WantRequests: 2},
		{Name: "connection reset mid-response once", Retries: 2,
			Faults: fault(cognitotest.Fault{ResetConnection: true, Body: `{"AuthenticationResult":{"AccessToken":"eyJhbGciOi","ExpiresIn":3600}}`}), WantRequests: 2},
		{Name: "response lost after processing, then retried", Retries: 2,
			Faults: fault(cognitotest.Fault{ResetConnection: true, AfterProcessing: true}), WantRequests: 2},
		{Name: "connection reset on every attempt", Retries: 2, Faults: fault(cognitotest.Fault{ResetConnection: true, Times: 3}),
			Fails: true, Want: failure.Error{Reason: failure.Unreachable, Attempts: 3}, WantRequests: 3},
		// A refused connection: attempt_test.go's short budget.
		{Name: "server slower than the timeout", Retries: 2, Timeout: time.Second,
			Faults: fault(cognitotest.Fault{Delay: time.Minute, Times: 3}),
			Fails:  true, Want: failure.Error{Reason: failure.Timeout, Timeout: time.Second}, WantRequests: -1},
		{Name: "Ctrl-C during a slow call", Retries: 2, CancelAfter: 300 * time.Millisecond,
			Faults: fault(cognitotest.Fault{Delay: time.Minute}),
			Fails:  true, Want: failure.Error{Reason: failure.Canceled}, WantRequests: -1},
		{Name: "malformed JSON", Faults: body(`{"AuthenticationResult": {"AccessToken": "abc`), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "not JSON at all", Faults: body(`Service Unavailable`), Fails: true, Want: unreadable, WantRequests: 1},
		// Since cognitoidentityprovider v1.71.0 ("schema-based (de)serialization")
		// a 200 whose body is no JSON object (null, nothing) fails to
		// deserialize; before, it decoded as an empty answer.
		{Name: "JSON null", Faults: body(`null`), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "JSON array", Faults: body(`[1,2,3]`), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "AuthenticationResult of the wrong type", Faults: body(`{"AuthenticationResult":"yes"}`), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "ExpiresIn of the wrong type", Faults: body(`{"AuthenticationResult":{"AccessToken":"a","IdToken":"b","ExpiresIn":"soon"}}`), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "truncated body", Faults: body(`{"AuthenticationResult":{"AccessToken":"eyJ`), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "wrong content type (HTML)", Faults: fault(cognitotest.Fault{Body: "<html><body>Welcome to nginx</body></html>", ContentType: "text/html"}),
			Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "empty body", Faults: fault(cognitotest.Fault{Body: " "}), Fails: true, Want: unreadable, WantRequests: 1},
		{Name: "no AuthenticationResult", Faults: body(`{}`), Fails: true, Want: missing(failure.AuthenticationResult), WantRequests: 1},
		{Name: "empty AuthenticationResult", Faults: body(`{"AuthenticationResult":{}}`), Fails: true, Want: missing(failure.AccessToken), WantRequests: 1},
		{Name: "missing AccessToken", Faults: body(`{"AuthenticationResult":{"IdToken":"x","ExpiresIn":3600,"TokenType":"Bearer"}}`),
			Fails: true, Want: missing(failure.AccessToken), WantRequests: 1},
		{Name: "empty AccessToken", Faults: body(`{"AuthenticationResult":{"AccessToken":"","IdToken":"x","ExpiresIn":3600}}`),
			Fails: true, Want: missing(failure.AccessToken), WantRequests: 1},
		{Name: "missing IdToken", Faults: body(`{"AuthenticationResult":{"AccessToken":"x","ExpiresIn":3600,"TokenType":"Bearer"}}`),
			Fails: true, Want: missing(failure.IDToken), WantRequests: 1},
		{Name: "ExpiresIn zero", Faults: body(`{"AuthenticationResult":{"AccessToken":"x","IdToken":"y","TokenType":"Bearer"}}`),
			Fails: true, Want: missing(failure.ExpiresIn), WantRequests: 1},
		{Name: "ExpiresIn negative", Faults: body(`{"AuthenticationResult":{"AccessToken":"x","IdToken":"y","ExpiresIn":-5}}`),
			Fails: true, Want: missing(failure.ExpiresIn), WantRequests: 1},
		{Name: "unknown error type", Faults: fault(cognitotest.Fault{Status: 400, ContentType: "application/x-amz-json-1.1",
			Body: `{"__type":"com.amazon.coral.service#NewFancyException","message":"something new"}`}),
			Fails: true, Want: failure.Error{Reason: failure.Other, Code: "NewFancyException", Message: "something new", Attempts: 1}, WantRequests: 1},
	}
}

func TestFaults(t *testing.T) {
	isolate(t, "")
	for _, tc := range faultCases() {
		t.Run(tc.Name, func(t *testing.T) {
			srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
			t.Cleanup(srv.Close)
			srv.AddUser(cognitotest.User{Username: "alice"})
			client := srv.AddClient(cognitotest.AppClient{})
			failuretest.RunFault(t, srv, tc, func(ctx context.Context, timeout time.Duration) (bool, int, error) {
				c, err := load(context.Background(), Config{Region: "eu-west-1", Endpoint: srv.URL, MaxRetries: &tc.Retries, Timeout: timeout, Backoff: cognitotest.QuickBackoff})
				if err != nil {
					t.Fatal(err)
				}
				tokens, err := c.Refresh(ctx, Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
				return tokens.AccessToken != "" && tokens.IDToken != "", tokens.Attempts, err
			})
		})
	}
}
