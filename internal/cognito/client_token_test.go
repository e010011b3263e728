package cognito

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// m2mDouble is a double with a resource server and a GetClientToken client.
func m2mDouble(t *testing.T, cfg cognitotest.PoolConfig) (*cognitotest.Server, cognitotest.ClientCredentialsClient) {
	t.Helper()
	srv := cognitotest.NewServer(cfg)
	t.Cleanup(srv.Close)
	srv.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
	client := srv.AddClientCredentialsClient(cognitotest.ClientCredentialsClient{
		ExplicitAuthFlows: []string{cognitotest.AllowClientTokenAuth}, Scopes: []string{"platform/deploy", "platform/read"},
	})
	return srv, client
}

func clientTokenClient(t *testing.T, srv *cognitotest.Server, retries int) *Client {
	t.Helper()
	c, err := load(context.Background(), Config{Region: "eu-west-1", Endpoint: srv.URL, MaxRetries: &retries, Backoff: cognitotest.QuickBackoff})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientToken(t *testing.T) {
	isolate(t, "")
	srv, m2m := m2mDouble(t, cognitotest.PoolConfig{Region: "eu-west-1", PreTokenGeneration: func(cognitotest.TriggerEvent) error { return nil }})
	c := clientTokenClient(t, srv, 2)
	issued := time.Date(2026, 11, 26, 10, 0, 0, 500, time.FixedZone("CET", 3600))
	c.now = func() time.Time { return issued }

	token, err := c.ClientToken(context.Background(), ClientTokenRequest{ClientID: m2m.ID, ClientSecret: m2m.Secret})
	if err != nil {
		t.Fatal(err)
	}
	// ExpiresIn from the request's start, whole seconds, in UTC.
	if want := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC); !token.ExpiresAt.Equal(want) || token.ExpiresAt.Location() != time.UTC {
		t.Errorf("ExpiresAt = %v, want %v in UTC", token.ExpiresAt, want)
	}
	if token.TokenType != "Bearer" || token.ExpiresIn != 3600 || token.Attempts != 1 || token.RequestID == "" ||
		!slices.Equal(token.GrantedScopes, []string{"platform/deploy", "platform/read"}) || token.ExpiresAt.IsZero() {
		t.Errorf("token %+v; want every allowed scope, Bearer, 3600 s, 1 attempt", token)
	}

	token, err = c.ClientToken(context.Background(), ClientTokenRequest{
		ClientID: m2m.ID, ClientSecret: m2m.Secret, Scopes: []string{"platform/read"}, ClientMetadata: map[string]string{"run": "42"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(token.GrantedScopes, []string{"platform/read"}) {
		t.Errorf("granted %v", token.GrantedScopes)
	}
	events := srv.TriggerEvents()
	if len(events) != 2 || events[1].ClientMetadata["run"] != "42" {
		t.Errorf("trigger events %+v", events)
	}
	for _, r := range srv.Requests() {
		if r.Target != cognitotest.TargetGetClientToken || r.Header.Get("Authorization") != "" {
			t.Errorf("request %s with Authorization %q; want GetClientToken, unsigned", r.Target, r.Header.Get("Authorization"))
		}
	}
}

func TestClientTokenRidesOutThrottling(t *testing.T) {
	isolate(t, "")
	srv, m2m := m2mDouble(t, cognitotest.PoolConfig{})
	srv.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2})
	token, err := clientTokenClient(t, srv, 2).ClientToken(context.Background(), ClientTokenRequest{ClientID: m2m.ID, ClientSecret: m2m.Secret})
	if err != nil || token.Attempts != 3 {
		t.Fatalf("got %+v, %v; want a token after 3 attempts", token, err)
	}
}

// TestClientTokenErrors runs every error of the API reference's list, and
// the client settings it does not map to one, through the double.
func TestClientTokenErrors(t *testing.T) {
	isolate(t, "")
	for _, tc := range []struct {
		name    string
		pool    cognitotest.PoolConfig
		client  cognitotest.ClientCredentialsClient
		req     func(m2m cognitotest.ClientCredentialsClient) ClientTokenRequest
		fault   *cognitotest.Fault
		reason  failure.Reason
		input   failure.Input
		retries int
	}{
		{name: "ForbiddenException", pool: cognitotest.PoolConfig{Forbid: func(*http.Request, cognitotest.GetTokensInput) bool { return true }},
			reason: failure.BlockedByFirewall},
		{name: "InternalErrorException", fault: &cognitotest.Fault{ErrorType: cognitotest.ErrInternalError, Times: 3}, reason: failure.InternalError},
		{name: "InvalidParameterException", fault: &cognitotest.Fault{ErrorType: cognitotest.ErrInvalidParameter}, reason: failure.InvalidParameter},
		{name: "NotAuthorizedException, wrong secret", req: func(m cognitotest.ClientCredentialsClient) ClientTokenRequest {
			return ClientTokenRequest{ClientID: m.ID, ClientSecret: strings.Repeat("w", 40)}
		}, reason: failure.ClientSecretRejected, input: failure.ClientSecret},
		{name: "NotAuthorizedException, other", fault: &cognitotest.Fault{ErrorType: cognitotest.ErrNotAuthorized}, reason: failure.ClientRejected, input: failure.ClientID},
		{name: "OperationNotEnabledException", pool: cognitotest.PoolConfig{OperationNotEnabled: true}, reason: failure.OperationNotEnabled},
		{name: "ResourceNotFoundException", req: func(m cognitotest.ClientCredentialsClient) ClientTokenRequest {
			return ClientTokenRequest{ClientID: "nosuchclient", ClientSecret: m.Secret}
		}, reason: failure.ClientNotFound, input: failure.ClientID},
		{name: "TooManyRequestsException", fault: &cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 3}, reason: failure.Throttled},
		{name: "no ALLOW_CLIENT_TOKEN_AUTH", client: cognitotest.ClientCredentialsClient{Scopes: []string{"platform/read"}},
			reason: failure.GrantNotAllowed, input: failure.ClientID},
		{name: "other flows besides it", client: cognitotest.ClientCredentialsClient{
			ExplicitAuthFlows: []string{cognitotest.AllowClientTokenAuth, "ALLOW_USER_SRP_AUTH"}, Scopes: []string{"platform/read"}},
			reason: failure.GrantNotAllowed, input: failure.ClientID},
		{name: "client without a secret", client: cognitotest.ClientCredentialsClient{NoSecret: true,
			ExplicitAuthFlows: []string{cognitotest.AllowClientTokenAuth}, Scopes: []string{"platform/read"}},
			req: func(m cognitotest.ClientCredentialsClient) ClientTokenRequest {
				return ClientTokenRequest{ClientID: m.ID, ClientSecret: strings.Repeat("s", 40)}
			}, reason: failure.ClientSecretRejected, input: failure.ClientSecret},
		{name: "scope not allowed", req: func(m cognitotest.ClientCredentialsClient) ClientTokenRequest {
			return ClientTokenRequest{ClientID: m.ID, ClientSecret: m.Secret, Scopes: []string{"billing/read"}}
		}, reason: failure.ScopeNotAllowed, input: failure.Scopes},
		{name: "trigger rejects", pool: cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error {
			return &cognitotest.LambdaValidationError{Message: "not today"}
		}}, reason: failure.TriggerRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, m2m := m2mDouble(t, tc.pool)
			if tc.client.Scopes != nil || tc.client.NoSecret {
				m2m = srv.AddClientCredentialsClient(tc.client)
			}
			if tc.fault != nil {
				srv.InjectFault(*tc.fault)
			}
			req := ClientTokenRequest{ClientID: m2m.ID, ClientSecret: m2m.Secret}
			if tc.req != nil {
				req = tc.req(m2m)
			}
			_, err := clientTokenClient(t, srv, 2).ClientToken(context.Background(), req)
			var e *Error
			if !errors.As(err, &e) || e.Reason != tc.reason || e.Input != tc.input {
				t.Fatalf("got %#v; want reason %v on input %v", err, tc.reason, tc.input)
			}
			if strings.Contains(e.Error(), req.ClientSecret) || strings.Contains(e.Message, req.ClientID) && req.ClientID != "" {
				t.Errorf("error text %q holds a secret", e.Error())
			}
		})
	}
}

func TestClientTokenIncompleteAnswers(t *testing.T) {
	isolate(t, "")
	for _, tc := range []struct {
		body    string
		missing failure.Part
	}{
		{`{}`, failure.ClientAuthenticationResult},
		{`{"ClientAuthenticationResult":{"ExpiresIn":3600,"TokenType":"Bearer"}}`, failure.AccessToken},
		{`{"ClientAuthenticationResult":{"AccessToken":"a.b.c","TokenType":"Bearer"}}`, failure.ExpiresIn},
		{`{"ClientAuthenticationResult":{"AccessToken":"not-a-jwt","ExpiresIn":3600}}`, failure.AccessTokenJWT},
	} {
		srv, m2m := m2mDouble(t, cognitotest.PoolConfig{})
		srv.InjectFault(cognitotest.Fault{Body: tc.body})
		_, err := clientTokenClient(t, srv, 0).ClientToken(context.Background(), ClientTokenRequest{ClientID: m2m.ID, ClientSecret: m2m.Secret})
		var e *Error
		if !errors.As(err, &e) || e.Reason != failure.Incomplete || e.Missing != tc.missing || e.Attempts != 1 {
			t.Errorf("%s: got %#v; want incomplete, missing %s", tc.body, err, tc.missing)
		}
	}
}
