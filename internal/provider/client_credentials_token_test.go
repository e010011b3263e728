package provider

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// m2mInputs are the cognito_client_credentials_token arguments of one test.
type m2mInputs struct {
	Domain, TokenURL, ClientID, ClientSecret string
	Scopes                                   []string
	ClientMetadata                           map[string]string
	// Raw HCL lines added to the block.
	Extra []string
}

func (in m2mInputs) hcl() string {
	var b strings.Builder
	for _, a := range [][2]string{{"domain", in.Domain}, {"token_url", in.TokenURL}, {"client_id", in.ClientID}, {"client_secret", in.ClientSecret}} {
		if a[1] != "" {
			fmt.Fprintf(&b, "  %s = %q\n", a[0], a[1])
		}
	}
	if in.Scopes != nil {
		quoted := make([]string, len(in.Scopes))
		for i, s := range in.Scopes {
			quoted[i] = fmt.Sprintf("%q", s)
		}
		fmt.Fprintf(&b, "  scopes = [%s]\n", strings.Join(quoted, ", "))
	}
	if in.ClientMetadata != nil {
		b.WriteString("  client_metadata = {\n")
		for _, k := range slices.Sorted(maps.Keys(in.ClientMetadata)) {
			fmt.Fprintf(&b, "    %q = %q\n", k, in.ClientMetadata[k])
		}
		b.WriteString("  }\n")
	}
	for _, line := range in.Extra {
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

func clientCredentialsEphemeralHCL(provider string, in m2mInputs) string {
	return provider + `
ephemeral "cognito_client_credentials_token" "test" {
` + in.hcl() + `}

provider "echo" {
  data = ephemeral.cognito_client_credentials_token.test
}

resource "echo" "test" {}
`
}

func clientCredentialsDataSourceHCL(provider string, in m2mInputs) string {
	return provider + `
data "cognito_client_credentials_token" "test" {
` + in.hcl() + `}
`
}

// newM2MPool is a double with a resource server "platform" (scopes deploy and
// read) and a pre token generation trigger, shared by the scenarios that
// inject no fault: each makes its own app client, so their requests stay
// apart.
func newM2MPool(t *testing.T) *pool {
	t.Helper()
	p := newPool(t, cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error { return nil }})
	p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
	p.AddResourceServer(cognitotest.ResourceServer{Identifier: "https://billing.example.com", Scopes: []string{"invoices.read"}})
	return p
}

// m2mClient adds an app client and returns inputs that use it.
func (p *pool) m2mClient(c cognitotest.M2MClient) m2mInputs {
	c = p.AddM2MClient(c)
	return m2mInputs{TokenURL: p.TokenURL(), ClientID: c.ID, ClientSecret: c.Secret}
}

// tokenRequests returns the token endpoint requests of one app client.
func tokenRequests(p *pool, clientID string) []cognitotest.RecordedRequest {
	var out []cognitotest.RecordedRequest
	for _, r := range p.Requests() {
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

// m2mScenario is one behaviour both types share. The leak suite runs those
// that reach the token endpoint through a real CLI from its own copy
// (internal/acctest/leak_scenarios_test.go): change both together.
type m2mScenario struct {
	name string
	// ownPool: the scenario injects faults, so it gets a double of its own.
	ownPool      bool
	arrange      func(p *pool) (m2mInputs, []string)
	outputs      func(p *pool, in m2mInputs) map[string]knownvalue.Check
	expectError  *regexp.Regexp
	wantRequests int // token requests of the scenario's client; -1: don't check
	wire         func(t *testing.T, p *pool, in m2mInputs)
}

func m2mScenarios() []m2mScenario {
	client := func(c cognitotest.M2MClient, change func(in *m2mInputs)) func(p *pool) (m2mInputs, []string) {
		return func(p *pool) (m2mInputs, []string) {
			in := p.m2mClient(c)
			if change != nil {
				change(&in)
			}
			return in, nil
		}
	}
	deployer := cognitotest.M2MClient{Scopes: []string{"platform/deploy", "platform/read"}, AccessTokenValidity: 10 * time.Minute}
	fault := func(f cognitotest.Fault, providerArgs ...string) func(p *pool) (m2mInputs, []string) {
		return func(p *pool) (m2mInputs, []string) {
			p.InjectFault(f)
			return p.m2mClient(deployer), providerArgs
		}
	}
	invalid := func(name, pattern string, change func(in *m2mInputs)) m2mScenario {
		return m2mScenario{name: name, expectError: regexp.MustCompile(pattern),
			arrange: func(p *pool) (m2mInputs, []string) {
				in := p.m2mClient(deployer)
				change(&in)
				return in, nil
			}}
	}
	return []m2mScenario{
		{
			name: "requested scopes and client metadata",
			arrange: client(deployer, func(in *m2mInputs) {
				in.Scopes = []string{"platform/deploy"}
				in.ClientMetadata = map[string]string{"pipeline": "ci", "run": "42"}
			}),
			outputs: func(p *pool, in m2mInputs) map[string]knownvalue.Check {
				return map[string]knownvalue.Check{
					"access_token":   p.clientCredentialsJWT(in.ClientID, "platform/deploy"),
					"token_type":     knownvalue.StringExact("Bearer"),
					"expires_in":     knownvalue.Int64Exact(600),
					"expires_at":     expiresAtAbout(10 * time.Minute),
					"granted_scopes": stringSet("platform/deploy"),
				}
			},
			wantRequests: -1,
			wire: func(t *testing.T, p *pool, in m2mInputs) {
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
		},
		{
			name:    "no scopes requested: every allowed scope",
			arrange: client(cognitotest.M2MClient{Scopes: []string{"platform/read", "https://billing.example.com/invoices.read"}}, nil),
			outputs: func(p *pool, in m2mInputs) map[string]knownvalue.Check {
				return map[string]knownvalue.Check{
					"access_token":   p.clientCredentialsJWT(in.ClientID, "platform/read https://billing.example.com/invoices.read"),
					"expires_in":     knownvalue.Int64Exact(3600),
					"granted_scopes": stringSet("https://billing.example.com/invoices.read", "platform/read"),
				}
			},
			wantRequests: -1,
			wire: func(t *testing.T, p *pool, in m2mInputs) {
				form, _ := url.ParseQuery(string(tokenRequests(p, in.ClientID)[0].Body))
				if form.Has("scope") || form.Has("aws_client_metadata") || form.Has("client_secret") {
					t.Errorf("unset inputs reached the wire: %v", form)
				}
			},
		},
		// Each OAuth error, as the double answers it, with its diagnostic.
		{name: "wrong client secret", expectError: regexp.MustCompile(`Client credentials not accepted[\s\S]*invalid_client[\s\S]*client_secret. is its current secret`),
			arrange: client(deployer, func(in *m2mInputs) { in.ClientSecret = strings.Repeat("x", 51) }), wantRequests: 1},
		{name: "unknown app client", expectError: regexp.MustCompile(`Client credentials not accepted[\s\S]*client_id. names an app client`),
			arrange: client(deployer, func(in *m2mInputs) { in.ClientID = "nosuchclient0000000000000" }), wantRequests: -1},
		{name: "client without the client-credentials grant", expectError: regexp.MustCompile(`App client may not use the client-credentials grant[\s\S]*unauthorized_client[\s\S]*AllowedOAuthFlows`),
			arrange: client(cognitotest.M2MClient{Scopes: deployer.Scopes, AllowedOAuthFlows: []string{"code"}}, nil), wantRequests: 1},
		{name: "scope not allowed", expectError: regexp.MustCompile(`Scope not allowed[\s\S]*invalid_scope[\s\S]*AllowedOAuthScopes`),
			arrange: client(deployer, func(in *m2mInputs) { in.Scopes = []string{"platform/admin"} }), wantRequests: 1},
		{name: "client with no custom scope", expectError: regexp.MustCompile(`Scope not allowed[\s\S]*fails when it has none`),
			arrange: client(cognitotest.M2MClient{}, nil), wantRequests: 1},
		{name: "invalid_request", ownPool: true, expectError: regexp.MustCompile(`Token request rejected as malformed[\s\S]*invalid_request`),
			arrange: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidRequest}), wantRequests: 1},
		{name: "unsupported_grant_type", ownPool: true, expectError: regexp.MustCompile(`Endpoint does not support the client-credentials grant[\s\S]*token_url`),
			arrange: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthUnsupportedGrantType}), wantRequests: 1},
		{name: "invalid_grant", ownPool: true, expectError: regexp.MustCompile(`Grant refused[\s\S]*invalid_grant`),
			arrange: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidGrant}), wantRequests: 1},
		{name: "throttled beyond retries", ownPool: true, expectError: regexp.MustCompile(`Cognito throttled the token request[\s\S]*HTTP 429 \(2\s+attempts\)`),
			arrange: fault(cognitotest.Fault{Status: 429, Body: `{"message":"Rate exceeded"}`, Times: 2}, "max_retries = 1"), wantRequests: 2},
		// Validation: before any request.
		invalid("both domain and token_url", `Invalid Attribute Combination[\s\S]*Exactly one of these attributes must be configured: \[domain,token_url\]`, func(in *m2mInputs) { in.Domain = "x.auth.eu-west-1.amazoncognito.com" }),
		invalid("neither domain nor token_url", `Missing Attribute Configuration[\s\S]*Exactly one of these attributes must be configured: \[domain,token_url\]`, func(in *m2mInputs) { in.TokenURL = "" }),
		invalid("domain with a scheme", `Invalid domain[\s\S]*without\s+.https`, func(in *m2mInputs) { in.TokenURL, in.Domain = "", "https://x.auth.eu-west-1.amazoncognito.com" }),
		invalid("plain http to a remote host", `Invalid token_url[\s\S]*unencrypted`, func(in *m2mInputs) { in.TokenURL = "http://auth.example.com/oauth2/token" }),
		invalid("token_url with a password", `Invalid token_url[\s\S]*user name or password`, func(in *m2mInputs) { in.TokenURL = "https://u:hunter2hunter2@auth.example.com/oauth2/token" }),
		invalid("scope without a resource server", `Invalid scopes[\s\S]*resource-server-identifier`, func(in *m2mInputs) { in.Scopes = []string{"deploy"} }),
		invalid("empty scopes", `scopes[\s\S]*at least 1`, func(in *m2mInputs) { in.Extra = []string{"scopes = []"} }),
		invalid("client id with a dash", `Invalid client_id`, func(in *m2mInputs) { in.ClientID = "abc-def" }),
		invalid("client metadata with a null value", `Null value in client_metadata`, func(in *m2mInputs) { in.Extra = []string{"client_metadata = { stage = null }"} }),
	}
}

// runClientCredentialsScenarios runs every scenario as a parallel acceptance test of one
// type, on one shared double unless a scenario injects faults.
func runClientCredentialsScenarios(t *testing.T, step func(p *pool, sc m2mScenario, in m2mInputs, providerArgs []string) resource.TestStep, versionChecks ...tfversion.TerraformVersionCheck) {
	shared := newM2MPool(t)
	for _, sc := range m2mScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			var p *pool
			if sc.ownPool {
				p = newPool(t, cognitotest.PoolConfig{})
				p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
			} else {
				p = shared
			}
			in, providerArgs := sc.arrange(p)
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
			case sc.expectError != nil && sc.wantRequests == 0 && got != 0:
				t.Errorf("validation let %d requests through", got)
			case sc.wantRequests > 0 && got != sc.wantRequests:
				t.Errorf("the double saw %d token requests, want %d", got, sc.wantRequests)
			case sc.expectError == nil && got == 0:
				t.Error("no token request reached the double")
			}
			if sc.wire != nil && !t.Failed() {
				sc.wire(t, p, in)
			}
		})
	}
}

func TestAccClientCredentialsTokenEphemeralResource(t *testing.T) {
	runClientCredentialsScenarios(t, func(p *pool, sc m2mScenario, in m2mInputs, providerArgs []string) resource.TestStep {
		step := resource.TestStep{
			Config:      clientCredentialsEphemeralHCL(providerHCL(p.URL, "eu-west-1", providerArgs...), in),
			ExpectError: sc.expectError,
		}
		if sc.outputs != nil {
			step.ConfigStateChecks = echoedOutputChecks(sc.outputs(p, in))
		}
		return step
	}, tfversion.SkipBelow(tfversion.Version1_10_0))
}

func TestAccClientCredentialsTokenDataSource(t *testing.T) {
	const address = "data.cognito_client_credentials_token.test"
	runClientCredentialsScenarios(t, func(p *pool, sc m2mScenario, in m2mInputs, providerArgs []string) resource.TestStep {
		step := resource.TestStep{
			Config:      clientCredentialsDataSourceHCL(providerHCL(p.URL, "eu-west-1", providerArgs...), in),
			ExpectError: sc.expectError,
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
