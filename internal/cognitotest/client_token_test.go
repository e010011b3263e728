package cognitotest

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// m2mPool is a double with two resource servers and a GetClientToken client.
func m2mPool(t *testing.T, cfg PoolConfig) (*Server, ClientCredentialsClient) {
	t.Helper()
	s := newTestServer(t, cfg)
	s.AddResourceServer(ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
	s.AddResourceServer(ResourceServer{Identifier: "https://api.example.com", Scopes: []string{"write"}})
	c := s.AddClientCredentialsClient(ClientCredentialsClient{
		ExplicitAuthFlows: []string{AllowClientTokenAuth},
		Scopes:            []string{"platform/deploy", "https://api.example.com/write"}, AccessTokenValidity: 5 * time.Minute,
	})
	return s, c
}

func clientToken(s *Server, in cip.GetClientTokenInput) (*cip.GetClientTokenOutput, error) {
	return sdkClient(s, 1).GetClientToken(context.Background(), &in)
}

func TestGetClientToken(t *testing.T) {
	s, c := m2mPool(t, PoolConfig{Region: "eu-west-1", PreTokenGeneration: func(TriggerEvent) error { return nil }})

	t.Run("all the client's scopes when none are asked", func(t *testing.T) {
		out, err := clientToken(s, cip.GetClientTokenInput{ClientId: aws.String(c.ID), Secret: aws.String(c.Secret)})
		if err != nil {
			t.Fatal(err)
		}
		res := out.ClientAuthenticationResult
		if res == nil || res.ExpiresIn != 300 || aws.ToString(res.TokenType) != "Bearer" {
			t.Fatalf("result %+v; want ExpiresIn 300, TokenType Bearer", res)
		}
		claims := mustVerify(t, aws.ToString(res.AccessToken), s.JWKS())
		if claims["scope"] != "platform/deploy https://api.example.com/write" || claims["sub"] != c.ID ||
			claims["client_id"] != c.ID || claims["token_use"] != "access" || claims["iss"] != s.Issuer() {
			t.Errorf("claims %v", claims)
		}
		if _, ok := claims["username"]; ok {
			t.Error("a machine token has no username")
		}
	})
	t.Run("requested scopes and ClientMetadata reach the trigger", func(t *testing.T) {
		s.Reset()
		out, err := clientToken(s, cip.GetClientTokenInput{
			ClientId: aws.String(c.ID), Secret: aws.String(c.Secret),
			Scopes: []string{"platform/deploy"}, ClientMetadata: map[string]string{"pipeline": "nightly"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if claims := mustVerify(t, aws.ToString(out.ClientAuthenticationResult.AccessToken), s.JWKS()); claims["scope"] != "platform/deploy" {
			t.Errorf("scope %v", claims["scope"])
		}
		events := s.TriggerEvents()
		if len(events) != 1 || events[0].TriggerSource != "TokenGeneration_ClientCredentials" ||
			events[0].ClientMetadata["pipeline"] != "nightly" || !slices.Equal(events[0].Scopes, []string{"platform/deploy"}) {
			t.Errorf("trigger events %+v", events)
		}
		if got := s.Requests(); len(got) != 1 || got[0].Target != TargetGetClientToken || got[0].Input.Secret != c.Secret {
			t.Errorf("recorded %+v", got)
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		s.Reset()
		if _, err := clientToken(s, cip.GetClientTokenInput{ClientId: aws.String(c.ID), Secret: aws.String(c.Secret)}); err != nil {
			t.Fatal(err)
		}
		if h := s.Requests()[0].Header.Get("Authorization"); h != "" {
			t.Errorf("Authorization %q with anonymous credentials", h)
		}
	})
}

func TestGetClientTokenErrors(t *testing.T) {
	s, c := m2mPool(t, PoolConfig{})
	public := s.AddClientCredentialsClient(ClientCredentialsClient{NoSecret: true, ExplicitAuthFlows: []string{AllowClientTokenAuth}, Scopes: []string{"platform/read"}})
	noFlow := s.AddClientCredentialsClient(ClientCredentialsClient{Scopes: []string{"platform/read"}})
	mixed := s.AddClientCredentialsClient(ClientCredentialsClient{ExplicitAuthFlows: []string{AllowClientTokenAuth, "ALLOW_REFRESH_TOKEN_AUTH"}, Scopes: []string{"platform/read"}})
	noScopes := s.AddClientCredentialsClient(ClientCredentialsClient{ExplicitAuthFlows: []string{AllowClientTokenAuth}})
	in := func(id, secret string, scopes ...string) cip.GetClientTokenInput {
		return cip.GetClientTokenInput{ClientId: aws.String(id), Secret: aws.String(secret), Scopes: scopes}
	}
	for _, tc := range []struct {
		name, code, message string
		in                  cip.GetClientTokenInput
	}{
		// The SDK refuses a nil Secret itself; an empty one reaches the double.
		{"empty secret", ErrInvalidParameter, "Value at 'secret' failed", in(c.ID, "")},
		{"secret too short", ErrInvalidParameter, "Value at 'secret' failed to satisfy constraint: Member must have length greater than or equal to 24", in(c.ID, "short")},
		{"unknown client", ErrResourceNotFound, "does not exist", in("nosuchclient", c.Secret)},
		{"wrong secret", ErrNotAuthorized, "Unable to verify secret", in(c.ID, strings.Repeat("x", 30))},
		{"client without a secret", ErrInvalidParameter, MsgClientTokenNoSecret, in(public.ID, strings.Repeat("x", 30))},
		{"ALLOW_CLIENT_TOKEN_AUTH missing", ErrInvalidParameter, MsgClientTokenFlowNotEnabled, in(noFlow.ID, noFlow.Secret)},
		{"other flows besides it", ErrInvalidParameter, MsgClientTokenFlowNotEnabled, in(mixed.ID, mixed.Secret)},
		{"scope of no resource server", ErrInvalidParameter, MsgClientTokenInvalidScope, in(c.ID, c.Secret, "billing/read")},
		{"scope the client is not allowed", ErrInvalidParameter, MsgClientTokenInvalidScope, in(c.ID, c.Secret, "platform/read")},
		{"malformed scope", ErrInvalidParameter, "scopes.1.member", in(c.ID, c.Secret, "has space")},
		{"client with no scopes", ErrInvalidParameter, MsgClientTokenNoScopes, in(noScopes.ID, noScopes.Secret)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := clientToken(s, tc.in)
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tc.code || !strings.Contains(apiErr.ErrorMessage(), tc.message) {
				t.Fatalf("got %v; want %s containing %q", err, tc.code, tc.message)
			}
			if strings.Contains(apiErr.ErrorMessage(), c.Secret) {
				t.Error("the message echoes the secret")
			}
		})
	}
}

func TestGetClientTokenPoolAndFaults(t *testing.T) {
	t.Run("WAF", func(t *testing.T) {
		s, c := m2mPool(t, PoolConfig{Forbid: func(_ *http.Request, in GetTokensInput) bool { return in.ClientMetadata["waf"] == "block" }})
		_, err := clientToken(s, cip.GetClientTokenInput{ClientId: aws.String(c.ID), Secret: aws.String(c.Secret), ClientMetadata: map[string]string{"waf": "block"}})
		if !isA[*types.ForbiddenException](err) {
			t.Fatalf("got %v; want ForbiddenException", err)
		}
	})
	t.Run("operation not enabled", func(t *testing.T) {
		s, c := m2mPool(t, PoolConfig{OperationNotEnabled: true})
		_, err := clientToken(s, cip.GetClientTokenInput{ClientId: aws.String(c.ID), Secret: aws.String(c.Secret)})
		if !isA[*types.OperationNotEnabledException](err) {
			t.Fatalf("got %v; want OperationNotEnabledException", err)
		}
	})
	t.Run("trigger failure", func(t *testing.T) {
		s, c := m2mPool(t, PoolConfig{PreTokenGeneration: func(TriggerEvent) error { return &LambdaValidationError{Message: "no"} }})
		_, err := clientToken(s, cip.GetClientTokenInput{ClientId: aws.String(c.ID), Secret: aws.String(c.Secret)})
		if !isA[*types.UserLambdaValidationException](err) {
			t.Fatalf("got %v; want UserLambdaValidationException", err)
		}
	})
	t.Run("faults and throttling apply", func(t *testing.T) {
		s, c := m2mPool(t, PoolConfig{})
		s.InjectFault(Fault{ErrorType: ErrTooManyRequests})
		_, err := clientToken(s, cip.GetClientTokenInput{ClientId: aws.String(c.ID), Secret: aws.String(c.Secret)})
		if !isA[*types.TooManyRequestsException](err) {
			t.Fatalf("got %v; want TooManyRequestsException", err)
		}
		s.InjectFault(Fault{ErrorType: ErrInternalError})
		if _, err := clientToken(s, cip.GetClientTokenInput{ClientId: aws.String(c.ID), Secret: aws.String(c.Secret)}); !isA[*types.InternalErrorException](err) {
			t.Fatalf("got %v; want InternalErrorException", err)
		}
		s.SetRateLimit(1, 1)
		var throttled int
		for range 3 {
			if _, err := clientToken(s, cip.GetClientTokenInput{ClientId: aws.String(c.ID), Secret: aws.String(c.Secret)}); isA[*types.TooManyRequestsException](err) {
				throttled++
			}
		}
		if throttled == 0 {
			t.Error("the rate limit did not apply")
		}
	})
}
