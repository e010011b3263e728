package provider

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/clientcredentials"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

func clientCredentialsEphemeralHCL(provider string, in acctest.ClientCredentialsInputs) string {
	return provider + `
ephemeral "cognito_client_credentials_token" "test" {
` + in.HCL() + `}

provider "echo" {
  data = ephemeral.cognito_client_credentials_token.test
}

resource "echo" "test" {}
`
}

func clientCredentialsDataSourceHCL(provider string, in acctest.ClientCredentialsInputs) string {
	return provider + `
data "cognito_client_credentials_token" "test" {
` + in.HCL() + `}
`
}

// newClientCredentialsPool is acctest.NewClientCredentialsPool with this
// package's checks, shared by the scenarios that inject no fault.
func newClientCredentialsPool(t *testing.T) *pool {
	t.Helper()
	return &pool{Pool: acctest.NewClientCredentialsPool(t)}
}

// tokenRequests returns the token endpoint and GetClientToken requests of
// one app client.
func tokenRequests(p *pool, clientID string) []cognitotest.RecordedRequest {
	var out []cognitotest.RecordedRequest
	for _, r := range p.Requests() {
		if r.Target == cognitotest.TargetGetClientToken && r.Input.ClientId == clientID {
			out = append(out, r)
			continue
		}
		if r.Path != cognitotest.TokenPath {
			continue
		}
		if id, _ := basicAuth(r.Header.Get("Authorization")); id == clientID {
			out = append(out, r)
		}
	}
	return out
}

// basicAuth decodes an HTTP Basic header ("" when it is not one).
func basicAuth(header string) (id, secret string) {
	encoded, found := strings.CutPrefix(header, "Basic ")
	if !found {
		return "", ""
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return "", ""
	}
	id, secret, _ = strings.Cut(string(raw), ":")
	return id, secret
}

// clientCredentialsJWT checks an access token issued to a client: signed by the pool's
// keys (the JWKS the double serves), client-credentials claims, and the scope claim.
func (p *pool) clientCredentialsJWT(clientID, scope string) knownvalue.Check {
	return knownvalue.StringFunc(func(token string) error {
		claims, err := cognitotest.VerifyJWT(token, p.JWKS())
		if err != nil {
			return fmt.Errorf("access token does not verify against the pool's JWKS: %w", err)
		}
		want := map[string]any{"iss": p.Issuer(), "token_use": "access", "sub": clientID, "client_id": clientID, "scope": scope}
		for claim, value := range want {
			if claims[claim] != value {
				return fmt.Errorf("claim %s = %v, want %v", claim, claims[claim], value)
			}
		}
		if _, ok := claims["username"]; ok {
			return fmt.Errorf("a client-credentials token has a username claim")
		}
		return nil
	})
}

func stringSet(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

// clientCredentialsScenario is one behaviour both types share: acctest's
// shared table of those that reach the token endpoint (which the leak suite
// runs through a real CLI too), or one of the validation scenarios below,
// with the checks these in-process tests add, keyed by its name.
type clientCredentialsScenario struct {
	acctest.ClientCredentialsScenario
	outputs      func(p *pool, in acctest.ClientCredentialsInputs) map[string]knownvalue.Check
	wantRequests int // token requests of the scenario's client; -1: don't check
	wire         func(t *testing.T, p *pool, in acctest.ClientCredentialsInputs)
}

func clientCredentialsScenarios() []clientCredentialsScenario {
	outputs := map[string]func(p *pool, in acctest.ClientCredentialsInputs) map[string]knownvalue.Check{
		"requested scopes and client metadata": func(p *pool, in acctest.ClientCredentialsInputs) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{
				"access_token":   p.clientCredentialsJWT(in.ClientID, "platform/deploy"),
				"token_type":     knownvalue.StringExact("Bearer"),
				"expires_in":     knownvalue.Int64Exact(600),
				"expires_at":     expiresAtAbout(10 * time.Minute),
				"granted_scopes": stringSet("platform/deploy"),
			}
		},
		"no scopes requested: every allowed scope": func(p *pool, in acctest.ClientCredentialsInputs) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{
				"access_token":   p.clientCredentialsJWT(in.ClientID, "platform/read https://billing.example.com/invoices.read"),
				"expires_in":     knownvalue.Int64Exact(3600),
				"granted_scopes": stringSet("https://billing.example.com/invoices.read", "platform/read"),
			}
		},
		"GetClientToken: requested scopes and client metadata": func(p *pool, in acctest.ClientCredentialsInputs) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{
				"access_token":   p.clientCredentialsJWT(in.ClientID, "platform/deploy"),
				"token_type":     knownvalue.StringExact("Bearer"),
				"expires_in":     knownvalue.Int64Exact(600),
				"expires_at":     expiresAtAbout(10 * time.Minute),
				"granted_scopes": stringSet("platform/deploy"),
			}
		},
		"GetClientToken: no scopes requested: every allowed scope": func(p *pool, in acctest.ClientCredentialsInputs) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{
				"access_token":   p.clientCredentialsJWT(in.ClientID, "platform/deploy platform/read"),
				"granted_scopes": stringSet("platform/deploy", "platform/read"),
			}
		},
		"GetClientToken: throttled, ridden out": func(p *pool, in acctest.ClientCredentialsInputs) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"access_token": p.clientCredentialsJWT(in.ClientID, "platform/deploy platform/read")}
		},
	}
	wire := map[string]func(t *testing.T, p *pool, in acctest.ClientCredentialsInputs){
		"requested scopes and client metadata": func(t *testing.T, p *pool, in acctest.ClientCredentialsInputs) {
			req := tokenRequests(p, in.ClientID)[0]
			if id, secret := basicAuth(req.Header.Get("Authorization")); id != in.ClientID || secret != in.ClientSecret {
				t.Error("the client did not authenticate with HTTP Basic client_id:client_secret")
			}
			form, err := url.ParseQuery(string(req.Body))
			if err != nil || req.Method != "POST" || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				t.Fatalf("not a form POST: %s %q", req.Method, req.Header.Get("Content-Type"))
			}
			want := url.Values{"grant_type": {"client_credentials"}, "scope": {"platform/deploy"}, "aws_client_metadata": {`{"pipeline":"ci","run":"42"}`}}
			if !maps.EqualFunc(form, want, slices.Equal) {
				t.Errorf("form = %v, want %v (and no client_secret in the body)", form, want)
			}
			for _, ev := range p.TriggerEvents() {
				if ev.ClientID == in.ClientID && maps.Equal(ev.ClientMetadata, in.ClientMetadata) && ev.TriggerSource == "TokenGeneration_ClientCredentials" {
					return
				}
			}
			t.Error("the pre token generation trigger did not receive the client metadata")
		},
		"GetClientToken: requested scopes and client metadata": func(t *testing.T, p *pool, in acctest.ClientCredentialsInputs) {
			req := tokenRequests(p, in.ClientID)[0]
			if req.Input.Secret != in.ClientSecret || !slices.Equal(req.Input.Scopes, []string{"platform/deploy"}) ||
				!maps.Equal(req.Input.ClientMetadata, in.ClientMetadata) || req.Header.Get("Authorization") != "" {
				t.Errorf("GetClientToken request %+v: want Secret, Scopes, ClientMetadata, unsigned", req.Input)
			}
			for _, ev := range p.TriggerEvents() {
				if ev.ClientID == in.ClientID && maps.Equal(ev.ClientMetadata, in.ClientMetadata) && ev.TriggerSource == "TokenGeneration_ClientCredentials" {
					return
				}
			}
			t.Error("the pre token generation trigger did not receive the client metadata")
		},
		"GetClientToken: no scopes requested: every allowed scope": func(t *testing.T, p *pool, in acctest.ClientCredentialsInputs) {
			if req := tokenRequests(p, in.ClientID)[0]; req.Input.Scopes != nil || req.Input.ClientMetadata != nil {
				t.Errorf("unset inputs reached the wire: %+v", req.Input)
			}
		},
		"no scopes requested: every allowed scope": func(t *testing.T, p *pool, in acctest.ClientCredentialsInputs) {
			form, _ := url.ParseQuery(string(tokenRequests(p, in.ClientID)[0].Body))
			if form.Has("scope") || form.Has("aws_client_metadata") || form.Has("client_secret") {
				t.Errorf("unset inputs reached the wire: %v", form)
			}
		},
	}
	wantRequests := map[string]int{
		"requested scopes and client metadata":        -1,
		"no scopes requested: every allowed scope":    -1,
		"wrong client secret":                         1,
		"unknown app client":                          -1,
		"client without the client-credentials grant": 1,
		"scope not allowed":                           1,
		"client with no custom scope":                 1,
		"invalid_request":                             1,
		"unsupported_grant_type":                      1,
		"invalid_grant":                               1,
		"throttled beyond retries":                    2,
		// GetClientToken
		"GetClientToken: requested scopes and client metadata":     -1,
		"GetClientToken: no scopes requested: every allowed scope": -1,
		"GetClientToken: throttled, ridden out":                    -1,
		"GetClientToken: ForbiddenException":                       1,
		"GetClientToken: InternalErrorException":                   2,
		"GetClientToken: InvalidParameterException":                1,
		"GetClientToken: NotAuthorizedException, wrong secret":     1,
		"GetClientToken: OperationNotEnabledException":             1,
		"GetClientToken: ResourceNotFoundException":                -1,
		"GetClientToken: TooManyRequestsException beyond retries":  2,
		"GetClientToken: client without ALLOW_CLIENT_TOKEN_AUTH":   1,
		"GetClientToken: client with other flows too":              1,
		"GetClientToken: scope not allowed":                        1,
	}
	var all []clientCredentialsScenario
	for _, sc := range acctest.ClientCredentialsScenarios() {
		want, ok := wantRequests[sc.Name]
		if !ok {
			panic(fmt.Sprintf("no wantRequests for scenario %q", sc.Name))
		}
		delete(wantRequests, sc.Name)
		all = append(all, clientCredentialsScenario{ClientCredentialsScenario: sc, outputs: outputs[sc.Name], wantRequests: want, wire: wire[sc.Name]})
	}
	if len(wantRequests) > 0 {
		panic(fmt.Sprintf("checks for scenarios acctest does not have: %v", wantRequests))
	}
	deployer := cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy", "platform/read"}, AccessTokenValidity: 10 * time.Minute}
	invalid := func(name, pattern string, change func(in *acctest.ClientCredentialsInputs)) clientCredentialsScenario {
		return clientCredentialsScenario{ClientCredentialsScenario: acctest.ClientCredentialsScenario{Name: name, ExpectError: regexp.MustCompile(pattern),
			Arrange: func(p *acctest.Pool) (acctest.ClientCredentialsInputs, []string) {
				in := p.ClientCredentials(deployer)
				change(&in)
				return in, nil
			}}}
	}
	// Validation: before any request.
	return append(all,
		invalid("both domain and token_url", `Invalid Attribute Combination[\s\S]*token_url[\s\S]*not\s+both`, func(in *acctest.ClientCredentialsInputs) { in.Domain = "x.auth.eu-west-1.amazoncognito.com" }),
		invalid("domain with a scheme", `Invalid domain[\s\S]*without\s+.https`, func(in *acctest.ClientCredentialsInputs) {
			in.TokenURL, in.Domain = "", "https://x.auth.eu-west-1.amazoncognito.com"
		}),
		invalid("plain http to a remote host", `Invalid token_url[\s\S]*unencrypted`, func(in *acctest.ClientCredentialsInputs) { in.TokenURL = "http://auth.example.com/oauth2/token" }),
		invalid("token_url with a password", `Invalid token_url[\s\S]*user name or password`, func(in *acctest.ClientCredentialsInputs) {
			in.TokenURL = "https://u:hunter2hunter2@auth.example.com/oauth2/token"
		}),
		invalid("scope without a resource server", `Invalid scopes[\s\S]*resource-server-identifier`, func(in *acctest.ClientCredentialsInputs) { in.Scopes = []string{"deploy"} }),
		invalid("empty scopes", `scopes[\s\S]*at least 1`, func(in *acctest.ClientCredentialsInputs) { in.Extra = []string{"scopes = []"} }),
		invalid("client id with a dash", `Invalid client_id`, func(in *acctest.ClientCredentialsInputs) { in.ClientID = "abc-def" }),
		invalid("client metadata with a null value", `Null value in client_metadata`, func(in *acctest.ClientCredentialsInputs) { in.Extra = []string{"client_metadata = { stage = null }"} }),
	)
}

// runClientCredentialsScenarios runs every scenario as a parallel acceptance test of one
// type, on one shared double unless a scenario injects faults.
func runClientCredentialsScenarios(t *testing.T, step func(p *pool, sc clientCredentialsScenario, in acctest.ClientCredentialsInputs, providerArgs []string) resource.TestStep, versionChecks ...tfversion.TerraformVersionCheck) {
	shared := newClientCredentialsPool(t)
	for _, sc := range clientCredentialsScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			var p *pool
			if sc.OwnPool {
				p = newPool(t, cognitotest.PoolConfig{})
				p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
			} else {
				p = shared
			}
			in, providerArgs := sc.Arrange(p.Pool)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				TerraformVersionChecks:   versionChecks,
				Steps:                    []resource.TestStep{step(p, sc, in, providerArgs)},
			})
			if t.Failed() {
				return
			}
			got := len(tokenRequests(p, in.ClientID))
			switch {
			case sc.ExpectError != nil && sc.wantRequests == 0 && got != 0:
				t.Errorf("validation let %d requests through", got)
			case sc.wantRequests > 0 && got != sc.wantRequests:
				t.Errorf("the double saw %d token requests, want %d", got, sc.wantRequests)
			case sc.ExpectError == nil && got == 0:
				t.Error("no token request reached the double")
			}
			if sc.wire != nil && !t.Failed() {
				sc.wire(t, p, in)
			}
		})
	}
}

func TestAccClientCredentialsTokenEphemeralResource(t *testing.T) {
	runClientCredentialsScenarios(t, func(p *pool, sc clientCredentialsScenario, in acctest.ClientCredentialsInputs, providerArgs []string) resource.TestStep {
		step := resource.TestStep{
			Config:      clientCredentialsEphemeralHCL(acctest.ProviderHCL(p.URL, "eu-west-1", providerArgs...), in),
			ExpectError: sc.ExpectError,
		}
		if sc.outputs != nil {
			step.ConfigStateChecks = echoedOutputChecks(sc.outputs(p, in))
		}
		return step
	}, tfversion.SkipBelow(tfversion.Version1_10_0))
}

func TestAccClientCredentialsTokenDataSource(t *testing.T) {
	const address = "data.cognito_client_credentials_token.test"
	runClientCredentialsScenarios(t, func(p *pool, sc clientCredentialsScenario, in acctest.ClientCredentialsInputs, providerArgs []string) resource.TestStep {
		step := resource.TestStep{
			Config:      clientCredentialsDataSourceHCL(acctest.ProviderHCL(p.URL, "eu-west-1", providerArgs...), in),
			ExpectError: sc.ExpectError,
		}
		if sc.outputs != nil {
			step.ConfigStateChecks = stateOutputChecks(address, sc.outputs(p, in))
			for _, attr := range []string{"access_token", "client_id", "client_secret"} {
				step.ConfigStateChecks = append(step.ConfigStateChecks,
					statecheck.ExpectSensitiveValue(address, tfjsonpath.New(attr)))
			}
		}
		return step
	})
}

// The fault table for cognito_client_credentials_token: faults injected into
// the double's token endpoint, measured through clientCredentialsToken (the
// shared Open/Read logic) with the real HTTP client and retry policy.

func newClientCredentialsFaultProvider(retries int, timeout time.Duration, mode aws.RetryMode) *providerData {
	env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: "eu-west-1", MaxRetries: &retries, RetryMode: mode, Timeout: timeout, Backoff: cognitotest.QuickBackoff})
	if err != nil {
		panic(err)
	}
	return &providerData{env: env, tokenSource: clientcredentials.New(env)}
}

func clientCredentialsFaultModel(in acctest.ClientCredentialsInputs) *clientCredentialsTokenModel {
	return &clientCredentialsTokenModel{
		Domain:         types.StringNull(),
		TokenURL:       types.StringValue(in.TokenURL),
		ClientID:       types.StringValue(in.ClientID),
		ClientSecret:   types.StringValue(in.ClientSecret),
		Scopes:         types.SetNull(types.StringType),
		ClientMetadata: types.MapNull(types.StringType),
	}
}

// clientCredentialsFaultCases run a few faults through clientCredentialsToken: the
// outputs a failure leaves unset, a diagnostic without a secret, the
// cancellation handed down, and the provider's HTTP client, which follows
// no redirect. Every fault's retries, reason and facts are
// internal/clientcredentials' fault table (fault_test.go there); the words,
// the provider's one wording table (diagnostics_test.go).
func clientCredentialsFaultCases() []faultCase {
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
		for _, tc := range clientCredentialsFaultCases() {
			t.Run(string(mode)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				p := newPool(t, cognitotest.PoolConfig{})
				p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
				in := p.ClientCredentials(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy"}})
				for _, f := range tc.faults {
					p.InjectFault(f)
				}
				if tc.endpoint == "dead" {
					in.TokenURL = acctest.DeadEndpoint(t) + cognitotest.TokenPath
				}
				timeout := tc.timeout
				if timeout == 0 {
					timeout = 30 * time.Second
				}
				data := newClientCredentialsFaultProvider(tc.retries, timeout, mode)

				model := clientCredentialsFaultModel(in)
				diags := callWithinSanityLimit(t, "the token request", tc.cancelAfter, func(ctx context.Context) diag.Diagnostics {
					return clientCredentialsToken(ctx, data, model)
				})

				checkFaultRow(t, p, diags, tc, in.ClientID, in.ClientSecret)
				if tc.wantError == nil {
					claims, err := cognitotest.VerifyJWT(model.AccessToken.ValueString(), p.JWKS())
					if err != nil || claims["client_id"] != in.ClientID {
						t.Errorf("access token does not verify: %v", err)
					}
					if model.ExpiresAt.IsNull() || model.GrantedScopes.IsNull() || model.TokenType.ValueString() != "Bearer" {
						t.Error("a successful request left outputs unset")
					}
					return
				}
				for name, v := range map[string]interface{ IsNull() bool }{
					"access_token": model.AccessToken, "token_type": model.TokenType, "expires_in": model.ExpiresIn,
					"expires_at": model.ExpiresAt, "granted_scopes": model.GrantedScopes,
				} {
					if !v.IsNull() {
						t.Errorf("a failed request set %s", name)
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
	in := p.ClientCredentials(cognitotest.ClientCredentialsClient{})
	for code, want := range map[string]string{
		cognitotest.OAuthInvalidClient: "client_secret", cognitotest.OAuthUnauthorizedClient: "client_id",
		cognitotest.OAuthInvalidScope: "scopes", cognitotest.OAuthInvalidGrant: "scopes",
		cognitotest.OAuthUnsupportedGrantType: "token_url", cognitotest.OAuthInvalidRequest: "token_url",
	} {
		p.InjectFault(cognitotest.Fault{Status: 400, ContentType: "application/json",
			Body: `{"error":"` + code + `","error_description":"client ` + in.ClientID + ` secret ` + in.ClientSecret + `"}`})
		diags := clientCredentialsToken(t.Context(), newClientCredentialsFaultProvider(0, 10*time.Second, aws.RetryModeStandard), clientCredentialsFaultModel(in))
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
	model := clientCredentialsFaultModel(in)
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

// A proxy that reflects the Authorization header in its error answer puts
// base64(id:secret) in the body: the DEBUG log of a failed machine-token
// request shows status, error code and body length, never the body.
func TestClientCredentialsFailureLogShowsNoBody(t *testing.T) {
	const clientID, secret = "logclientid+7", "LogSecretValue0123456789abcdef"
	for _, tc := range []struct {
		name, code string
		status     int
	}{
		{"OAuth error", "invalid_client", 400},
		{"gateway error", "", 502},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var header string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				header = strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				body, _ := json.Marshal(map[string]string{"error": tc.code, "error_description": "you sent Basic " + header})
				if tc.code == "" {
					body = []byte("<html>upstream said: Authorization: Basic " + header + "</html>")
				}
				_, _ = w.Write(body)
			}))
			defer srv.Close()

			var logs bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &logs)
			data := newClientCredentialsFaultProvider(0, 10*time.Second, aws.RetryModeStandard)
			diags := clientCredentialsToken(ctx, data, clientCredentialsFaultModel(acctest.ClientCredentialsInputs{TokenURL: srv.URL + "/oauth2/token", ClientID: clientID, ClientSecret: secret}))
			if !diags.HasError() {
				t.Fatal("no error")
			}
			text := logs.String()
			if header == "" {
				t.Fatal("no Authorization header seen")
			}
			for _, leaked := range []string{header, clientID, secret, "you sent", "upstream said"} {
				if strings.Contains(text, leaked) {
					t.Errorf("the log shows %q:\n%s", leaked, text)
				}
			}
			var line map[string]any
			for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
				var m map[string]any
				if json.Unmarshal([]byte(l), &m) == nil && m["@message"] == "Cognito client-credentials token request failed" {
					line = m
				}
			}
			if line == nil {
				t.Fatalf("no failure line:\n%s", text)
			}
			if line["status"] != float64(tc.status) || line["error_code"] != tc.code || line["body_length"] == float64(0) || line["body_length"] == nil || line["attempts"] != float64(1) {
				t.Errorf("failure line %v, want status %d, error_code %q, a body length and 1 attempt", line, tc.status, tc.code)
			}
		})
	}
}

func TestFailureFieldsOfAnotherError(t *testing.T) {
	if got := failureFields(errors.New("boom"), clientCredentialsWording("domain")); len(got) != 1 || got["error_type"] != "*errors.errorString" {
		t.Errorf("failureFields = %v", got)
	}
}

// TestClientTokenFromAPI runs the GetClientToken path of the shared
// Open/Read logic in process: outputs set from the answer and the token's
// scope claim, throttling ridden out within the retry budget, outputs left
// unset on failure, and an unconfigured provider refused before any request.
func TestClientTokenFromAPI(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
	in := p.ClientCredentials(acctest.M2MClient)
	model := func() *clientCredentialsTokenModel {
		m := clientCredentialsFaultModel(in)
		m.TokenURL = types.StringNull()
		return m
	}
	data := newClientCredentialsFaultProvider(2, 30*time.Second, aws.RetryModeStandard)
	data.client = cognito.New(data.env, p.URL)

	p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests})
	m := model()
	if diags := clientCredentialsToken(context.Background(), data, m); diags.HasError() {
		t.Fatalf("throttled once: %v", diags)
	}
	if m.TokenType.ValueString() != "Bearer" || m.ExpiresIn.ValueInt64() != 600 || m.AccessToken.ValueString() == "" ||
		m.GrantedScopes.String() != `["platform/deploy","platform/read"]` || len(tokenRequests(p, in.ClientID)) != 2 {
		t.Errorf("outputs %v %v %v after %d requests", m.TokenType, m.ExpiresIn, m.GrantedScopes, len(tokenRequests(p, in.ClientID)))
	}

	m = model()
	m.ClientSecret = types.StringValue(strings.Repeat("w", 40))
	diags := clientCredentialsToken(context.Background(), data, m)
	if !diags.HasError() || !m.AccessToken.IsNull() || diagPath(diags[0]).String() != "client_secret" ||
		strings.Contains(diags[0].Detail(), in.ClientID) {
		t.Errorf("wrong secret: %v, access_token %v", diags, m.AccessToken)
	}

	before := len(tokenRequests(p, in.ClientID))
	diags = fetchConfigured(context.Background(), clientCredentialsTokenType{}, &providerData{tokenSource: data.tokenSource}, model())
	if !diags.HasError() || diags[0].Summary() != "Provider not configured" || len(tokenRequests(p, in.ClientID)) != before {
		t.Errorf("unconfigured Cognito client: %v", diags)
	}
}
