package provider

// The fault table for cognito_client_credentials_token: faults injected into
// the double's token endpoint, measured through clientCredentialsToken (the
// shared Open/Read logic) with the real HTTP client and retry policy.

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/clientcredentials"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

func newM2MFaultProvider(retries int, timeout time.Duration, mode aws.RetryMode) *providerData {
	env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: "eu-west-1", MaxRetries: &retries, RetryMode: mode, Timeout: timeout})
	if err != nil {
		panic(err)
	}
	return &providerData{env: env, tokenSource: clientcredentials.New(env)}
}

func m2mFaultModel(in m2mInputs) *clientCredentialsTokenModel {
	return &clientCredentialsTokenModel{
		Domain:         types.StringNull(),
		TokenURL:       types.StringValue(in.TokenURL),
		ClientID:       types.StringValue(in.ClientID),
		ClientSecret:   types.StringValue(in.ClientSecret),
		Scopes:         types.SetNull(types.StringType),
		ClientMetadata: types.MapNull(types.StringType),
	}
}

// m2mFaultCases run a few faults through clientCredentialsToken: the
// outputs a failure leaves unset, a diagnostic without a secret, the
// cancellation handed down, and the provider's HTTP client, which follows
// no redirect. Every fault's retries, reason and facts are
// internal/clientcredentials' fault table (fault_test.go there); the words,
// the provider's one wording table (diagnostics_test.go).
func m2mFaultCases() []faultCase {
	fault := func(f cognitotest.Fault) []cognitotest.Fault { return []cognitotest.Fault{f} }
	const jwt = `eyJraWQiOiJrIiwiYWxnIjoiUlMyNTYifQ.eyJzY29wZSI6InBsYXRmb3JtL2RlcGxveSJ9.c2ln`
	return []faultCase{
		{name: "throttled once", retries: 2, faults: fault(cognitotest.Fault{Status: 429}), wantRequests: 2},
		{name: "throttled on every attempt", retries: 2, faults: fault(cognitotest.Fault{Status: 429, Times: 3}),
			wantError: regexp.MustCompile(`Cognito throttled the token request[\s\S]*HTTP 429 \(3 attempts\)[\s\S]*max_retries`), wantRequests: 3},
		{name: "endpoint not listening", retries: 2, endpoint: "dead",
			wantError: regexp.MustCompile(`Could not reach the token endpoint[\s\S]*127\.0\.0\.1[\s\S]*3 attempts`), wantRequests: -1},
		{name: "Ctrl-C during a slow call", retries: 2, cancelAfter: 300 * time.Millisecond, faults: fault(cognitotest.Fault{Delay: time.Minute}),
			wantError: regexp.MustCompile(`Token request cancelled[\s\S]*Ctrl-C`), wantRequests: -1},
		{name: "redirect is not followed", faults: fault(cognitotest.Fault{Status: 302, Body: " "}),
			wantError: regexp.MustCompile(`Unexpected response from the token endpoint[\s\S]*HTTP 302`), wantRequests: 1},
		{name: "no expires_in", faults: fault(cognitotest.Fault{Body: `{"access_token":"` + jwt + `","token_type":"Bearer"}`, ContentType: "application/json;charset=UTF-8"}),
			wantError: regexp.MustCompile(`without a positive whole expires_in`), wantRequests: 1},
	}
}

func TestFaultsClientCredentials(t *testing.T) {
	for _, mode := range []aws.RetryMode{aws.RetryModeStandard, aws.RetryModeAdaptive} {
		for _, tc := range m2mFaultCases() {
			t.Run(string(mode)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				p := newPool(t, cognitotest.PoolConfig{})
				p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
				in := p.m2mClient(cognitotest.M2MClient{Scopes: []string{"platform/deploy"}})
				for _, f := range tc.faults {
					p.InjectFault(f)
				}
				if tc.endpoint == "dead" {
					in.TokenURL = deadEndpoint(t) + cognitotest.TokenPath
				}
				timeout := tc.timeout
				if timeout == 0 {
					timeout = 30 * time.Second
				}
				data := newM2MFaultProvider(tc.retries, timeout, mode)

				model := m2mFaultModel(in)
				diags := callWithinSanityLimit(t, "the token request", tc.cancelAfter, func(ctx context.Context) diag.Diagnostics {
					return clientCredentialsToken(ctx, data, model)
				})

				text := diagText(diags)
				switch {
				case tc.wantError == nil && diags.HasError():
					t.Fatalf("want success, got:\n%s", text)
				case tc.wantError == nil:
					claims, err := cognitotest.VerifyJWT(model.AccessToken.ValueString(), p.JWKS())
					if err != nil || claims["client_id"] != in.ClientID {
						t.Errorf("access token does not verify: %v", err)
					}
					if model.ExpiresAt.IsNull() || model.GrantedScopes.IsNull() || model.TokenType.ValueString() != "Bearer" {
						t.Error("a successful request left outputs unset")
					}
				case !diags.HasError():
					t.Fatalf("want an error matching %s, got success", tc.wantError)
				case !tc.wantError.MatchString(text):
					t.Errorf("diagnostics do not match %s:\n%s", tc.wantError, text)
				default:
					for name, v := range map[string]interface{ IsNull() bool }{
						"access_token": model.AccessToken, "token_type": model.TokenType, "expires_in": model.ExpiresIn,
						"expires_at": model.ExpiresAt, "granted_scopes": model.GrantedScopes,
					} {
						if !v.IsNull() {
							t.Errorf("a failed request set %s", name)
						}
					}
					for _, d := range diags {
						if d.Summary() == "" || len(d.Detail()) < 40 {
							t.Errorf("diagnostic too terse: %q / %q", d.Summary(), d.Detail())
						}
					}
				}
				if tc.wantRequests >= 0 {
					if got := settledRequestCount(p, tc.wantRequests); got != tc.wantRequests {
						t.Errorf("the double saw %d requests, want %d", got, tc.wantRequests)
					}
				}
				for _, secret := range []string{in.ClientID, in.ClientSecret} {
					if strings.Contains(text, secret) {
						t.Error("a diagnostic contains a secret")
					}
				}
			})
		}
	}
}

// TestClientCredentialsErrorAttributes: each OAuth error is scoped to the
// attribute that fixes it, and an error_description that echoes the client
// id or secret is shown scrubbed.
func TestClientCredentialsErrorAttributes(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	in := p.m2mClient(cognitotest.M2MClient{})
	for code, want := range map[string]string{
		cognitotest.OAuthInvalidClient: "client_secret", cognitotest.OAuthUnauthorizedClient: "client_id",
		cognitotest.OAuthInvalidScope: "scopes", cognitotest.OAuthInvalidGrant: "scopes",
		cognitotest.OAuthUnsupportedGrantType: "token_url", cognitotest.OAuthInvalidRequest: "token_url",
	} {
		p.InjectFault(cognitotest.Fault{Status: 400, ContentType: "application/json",
			Body: `{"error":"` + code + `","error_description":"client ` + in.ClientID + ` secret ` + in.ClientSecret + `"}`})
		diags := clientCredentialsToken(t.Context(), newM2MFaultProvider(0, 10*time.Second, aws.RetryModeStandard), m2mFaultModel(in))
		if len(diags) != 1 {
			t.Fatalf("%s: want one diagnostic, got:\n%s", code, diagText(diags))
		}
		withPath, ok := diags[0].(diag.DiagnosticWithPath)
		if !ok || !withPath.Path().Equal(path.Root(want)) {
			t.Errorf("%s: diagnostic %q is not scoped to %s", code, diags[0].Summary(), want)
		}
		text := diagText(diags)
		if strings.Contains(text, in.ClientID) || strings.Contains(text, in.ClientSecret) || !strings.Contains(text, `client *** secret ***`) {
			t.Errorf("%s: error_description not shown scrubbed:\n%s", code, text)
		}
	}
	// With domain set, the request goes to https://<domain>/oauth2/token
	// and endpoint errors point at domain.
	source := &recordingTokenSource{err: &failure.Error{Reason: failure.NoTokenEndpoint, Input: failure.TokenURL, Status: 404}}
	model := m2mFaultModel(in)
	model.TokenURL, model.Domain = types.StringNull(), types.StringValue("auth.example.com")
	diags := clientCredentialsToken(t.Context(), &providerData{tokenSource: source}, model)
	if withPath, ok := diags[0].(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root("domain")) {
		t.Errorf("with domain set, %q is not scoped to domain", diags[0].Summary())
	}
	if source.got.TokenURL != "https://auth.example.com/oauth2/token" {
		t.Errorf("domain auth.example.com requested %q", source.got.TokenURL)
	}
}

type recordingTokenSource struct {
	got clientcredentials.Request
	err error
}

func (s *recordingTokenSource) Token(_ context.Context, req clientcredentials.Request) (clientcredentials.Token, error) {
	s.got = req
	return clientcredentials.Token{}, s.err
}
