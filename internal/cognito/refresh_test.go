package cognito

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

func newTestClient(t *testing.T, srv *cognitotest.Server, retries int) *Client {
	t.Helper()
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	client, err := load(context.Background(), Config{Region: srv.Region(), Endpoint: srv.URL, MaxRetries: &retries})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func TestRefreshMapsEveryErrorType(t *testing.T) {
	// Each of the 12 error types the SDK knows for the operation becomes
	// its reason, about the right input, with the request id and Cognito's
	// message without its echo of the client id.
	cases := []struct {
		errorType, message string
		reason             failure.Reason
		input              failure.Input
	}{
		{cognitotest.ErrNotAuthorized, "Invalid Refresh Token", failure.RefreshTokenInvalid, failure.RefreshToken},
		{cognitotest.ErrNotAuthorized, "Client CLIENTID is configured with secret but SECRET_HASH was not received", failure.ClientSecretRejected, failure.ClientSecret},
		{cognitotest.ErrNotAuthorized, "Invalid device key given.", failure.DeviceKeyRejected, failure.DeviceKey},
		{cognitotest.ErrRefreshTokenReuse, "Refresh Token has been reused", failure.RefreshTokenReused, failure.RefreshToken},
		{cognitotest.ErrResourceNotFound, "User pool client CLIENTID does not exist.", failure.ClientNotFound, failure.ClientID},
		{cognitotest.ErrUserNotFound, "User does not exist.", failure.UserNotFound, failure.RefreshToken},
		{cognitotest.ErrTooManyRequests, "Rate exceeded", failure.Throttled, failure.NoInput},
		{cognitotest.ErrInternalError, "Internal server error.", failure.InternalError, failure.NoInput},
		{cognitotest.ErrInvalidParameter, "1 validation error detected", failure.InvalidParameter, failure.NoInput},
		{cognitotest.ErrInvalidParameter, "Client CLIENTID is not configured for secret but secret was received", failure.ClientSecretRejected, failure.ClientSecret},
		{cognitotest.ErrForbidden, "Request not allowed due to WAF block.", failure.BlockedByFirewall, failure.NoInput},
		{cognitotest.ErrOperationNotEnabled, "not enabled", failure.OperationNotEnabled, failure.NoInput},
		{cognitotest.ErrInvalidLambdaResponse, "Invalid PreTokenGeneration Lambda response.", failure.TriggerInvalidResponse, failure.NoInput},
		{cognitotest.ErrUnexpectedLambda, "PreTokenGeneration invocation failed due to error AccessDeniedException.", failure.TriggerFailed, failure.NoInput},
		{cognitotest.ErrUserLambdaValidation, "PreTokenGeneration failed with error frozen.", failure.TriggerRejected, failure.NoInput},
	}
	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{})
	token := srv.IssueRefreshToken(client.ID, "alice")
	c := newTestClient(t, srv, 0)

	for _, tc := range cases {
		t.Run(tc.errorType+"/"+tc.reason.String(), func(t *testing.T) {
			srv.InjectFault(cognitotest.Fault{ErrorType: tc.errorType, Message: strings.ReplaceAll(tc.message, "CLIENTID", client.ID)})
			_, err := c.Refresh(context.Background(), Request{RefreshToken: token, ClientID: client.ID})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if e.Reason != tc.reason || e.Input != tc.input || e.Code != tc.errorType || e.Region != "eu-west-1" || e.Attempts != 1 {
				t.Errorf("got reason %s input %s code %q region %q attempts %d", e.Reason, e.Input, e.Code, e.Region, e.Attempts)
			}
			if e.RequestID == "" || e.Message != strings.ReplaceAll(tc.message, "CLIENTID", "***") {
				t.Errorf("request id %q, message %q", e.RequestID, e.Message)
			}
			if strings.Contains(e.Error(), client.ID) || strings.Contains(e.Error(), token) {
				t.Errorf("diagnostic leaks a secret: %s", e)
			}
			if e.Attempts != 1 || e.RequestID == "" {
				t.Errorf("attempts %d, request id %q", e.Attempts, e.RequestID)
			}
		})
	}
}

func TestRefreshTokensAndExpiry(t *testing.T) {
	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{Rotation: true, GracePeriod: time.Minute, AccessTokenValidity: 5 * time.Minute, IDTokenValidity: time.Hour})
	c := newTestClient(t, srv, 0)
	issued := time.Date(2026, 11, 26, 10, 0, 0, 500, time.FixedZone("CET", 3600))
	c.now = func() time.Time { return issued }

	tokens, err := c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 26, 9, 5, 0, 0, time.UTC); !tokens.ExpiresAt.Equal(want) || tokens.ExpiresAt.Location() != time.UTC {
		t.Errorf("ExpiresAt = %v, want %v in UTC", tokens.ExpiresAt, want)
	}
	if tokens.ExpiresIn != 300 || tokens.TokenType != "Bearer" || tokens.NewRefreshToken == "" ||
		tokens.NewDeviceKey != "" || tokens.NewDeviceGroupKey != "" || tokens.RequestID == "" || tokens.Attempts != 1 {
		t.Errorf("unexpected tokens %+v", tokens)
	}
	if got := len(tokens.Secrets()); got != 3 {
		t.Errorf("Secrets() has %d values, want access, ID and refresh token", got)
	}
}

func TestRefreshRetriesThenSucceeds(t *testing.T) {
	srv := cognitotest.NewServer(cognitotest.PoolConfig{})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{})
	srv.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2})
	c := newTestClient(t, srv, 2)

	tokens, err := c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
	if err != nil {
		t.Fatal(err)
	}
	if tokens.Attempts != 3 || srv.RequestCount() != 3 {
		t.Errorf("attempts %d, requests %d; want 3 and 3", tokens.Attempts, srv.RequestCount())
	}
}

func TestRefreshNeedsARegion(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	c, err := load(context.Background(), Config{Endpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Refresh(context.Background(), Request{RefreshToken: "a", ClientID: "b"})
	if e := (*Error)(nil); !errors.As(err, &e) || !errors.Is(err, ErrNoRegion) || e.Reason != failure.NoRegion {
		t.Errorf("got %v, want a region error", err)
	}
}

func TestClientPerRegionIsShared(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	c, err := load(context.Background(), Config{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	a, _, _ := c.sdkClient("")
	b, _, _ := c.sdkClient("eu-west-1")
	other, region, _ := c.sdkClient("us-east-1")
	if a != b || a == other || region != "us-east-1" {
		t.Error("want one SDK client per region, reused across calls")
	}
}

func TestTokensFromRejectsIncompleteResults(t *testing.T) {
	full := func() *types.AuthenticationResultType {
		return &types.AuthenticationResultType{AccessToken: aws.String("a"), IdToken: aws.String("i"), ExpiresIn: 60, TokenType: aws.String("Bearer")}
	}
	cases := map[string]*cip.GetTokensFromRefreshTokenOutput{
		"no result":       {},
		"no access token": {AuthenticationResult: func() *types.AuthenticationResultType { r := full(); r.AccessToken = nil; return r }()},
		"no ID token":     {AuthenticationResult: func() *types.AuthenticationResultType { r := full(); r.IdToken = aws.String(""); return r }()},
		"no expiry":       {AuthenticationResult: func() *types.AuthenticationResultType { r := full(); r.ExpiresIn = 0; return r }()},
	}
	for name, out := range cases {
		tokens, err := tokensFrom(out, time.Now())
		if err == nil || tokens != (Tokens{}) {
			t.Errorf("%s: got %+v, %v; want an error and no tokens", name, tokens, err)
		}
	}
	if _, err := tokensFrom(&cip.GetTokensFromRefreshTokenOutput{AuthenticationResult: full()}, time.Now()); err != nil {
		t.Errorf("complete result rejected: %v", err)
	}
}

// TestDefaultPolicy: without max_retries the environment's AWS_MAX_ATTEMPTS
// (attempts, the first included) applies, else the documented default; an
// explicit max_retries wins over both. The defaults are literals on purpose:
// they are documented in the provider schema, so changing one must be seen.
func TestDefaultPolicy(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	five, zero := 5, 0
	for _, tc := range []struct {
		env        string
		maxRetries *int
		want       int
	}{
		{"", nil, 26},
		{"7", nil, 7},
		{"7", &five, 6},
		{"7", &zero, 1},
		{"", &zero, 1},
	} {
		t.Setenv("AWS_MAX_ATTEMPTS", tc.env)
		c, err := load(context.Background(), Config{Region: "eu-west-1", MaxRetries: tc.maxRetries})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Policy().MaxAttempts; got != tc.want {
			t.Errorf("AWS_MAX_ATTEMPTS=%q, max_retries %v: %d attempts, want %d", tc.env, tc.maxRetries, got, tc.want)
		}
		if c.Policy().Timeout != 10*time.Minute {
			t.Errorf("timeout %s, want the default 10m", c.Policy().Timeout)
		}
	}
}

func TestScrub(t *testing.T) {
	got := redact.Scrub("client abc123 and token xyz, abc123 again", []string{"abc123", "xyz"})
	if got != "client *** and token ***, *** again" {
		t.Errorf("scrub = %q", got)
	}
}
