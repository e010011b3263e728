package cognito

import (
	"context"
	"errors"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// TestNonRetryableErrorsAreNotRetried: with a retry budget to spend, an
// answer that retrying cannot change (a bad token, an unknown client, a
// rejected parameter, a Lambda's verdict) costs exactly one request. So does
// a malformed 200: Cognito may already have rotated the token, and a retry
// would present the rotated one again.
func TestNonRetryableErrorsAreNotRetried(t *testing.T) {
	nonRetryable := []string{
		cognitotest.ErrNotAuthorized, cognitotest.ErrRefreshTokenReuse, cognitotest.ErrResourceNotFound,
		cognitotest.ErrUserNotFound, cognitotest.ErrInvalidParameter, cognitotest.ErrForbidden,
		cognitotest.ErrOperationNotEnabled, cognitotest.ErrInvalidLambdaResponse, cognitotest.ErrUnexpectedLambda,
		cognitotest.ErrUserLambdaValidation,
	}
	faults := map[string]cognitotest.Fault{}
	for _, errorType := range nonRetryable {
		faults[errorType] = cognitotest.Fault{ErrorType: errorType}
	}
	for name, body := range map[string]string{
		"200 without AuthenticationResult": `{}`,
		"200 with an empty result":         `{"AuthenticationResult":{}}`,
		"200 without an ID token":          `{"AuthenticationResult":{"AccessToken":"a","ExpiresIn":3600,"TokenType":"Bearer"}}`,
		"200 with a zero lifetime":         `{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","ExpiresIn":0}}`,
		"200 with a wrong-typed field":     `{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","ExpiresIn":"soon"}}`,
	} {
		faults[name] = cognitotest.Fault{Status: 200, Body: body}
	}

	const retries = 3
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
			defer srv.Close()
			srv.AddUser(cognitotest.User{Username: "alice"})
			client := srv.AddClient(cognitotest.AppClient{})
			token := srv.IssueRefreshToken(client.ID, "alice")
			// Queue the fault for every request the budget allows, so a
			// retry would meet it again rather than succeed.
			fault.Times = retries + 1
			srv.InjectFault(fault)
			budget := retries
			c, err := load(context.Background(), Config{Region: srv.Region(), Endpoint: srv.URL, MaxRetries: &budget})
			if err != nil {
				t.Fatal(err)
			}

			tokens, err := c.Refresh(context.Background(), Request{RefreshToken: token, ClientID: client.ID})
			var e *Error
			if !errors.As(err, &e) || tokens != (Tokens{}) {
				t.Fatalf("got %+v, %v; want an *Error and no tokens", tokens, err)
			}
			if n := srv.RequestCount(); n != 1 {
				t.Errorf("the double saw %d requests with %d retries allowed, want 1: this answer must not be retried", n, retries)
			}
		})
	}
}

// TestServerFaultPages: a 5xx answer that is not a Cognito error (a load
// balancer's HTML page) is an outage, from HTTP 500 up; a 4xx page is not.
func TestServerFaultPages(t *testing.T) {
	for status, want := range map[int]failure.Reason{500: failure.Unavailable, 503: failure.Unavailable, 499: failure.Unreadable} {
		srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
		srv.AddUser(cognitotest.User{Username: "alice"})
		client := srv.AddClient(cognitotest.AppClient{})
		srv.InjectFault(cognitotest.Fault{Status: status, Body: "<html>down</html>", ContentType: "text/html"})
		_, err := newTestClient(t, srv, 0).Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
		var e *Error
		if !errors.As(err, &e) || e.Reason != want {
			t.Errorf("HTTP %d: got %v, want %s", status, err, want)
		}
		srv.Close()
	}
}
