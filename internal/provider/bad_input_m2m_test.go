package provider

// Bad configurations of cognito_client_credentials_token, driven through the
// protocol server like TestBadInput: each ends in an attribute-scoped
// diagnostic that says what to change, echoes no sensitive value, and comes
// before any request reaches the token endpoint.

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

func m2mBadInputs() []badInput {
	res := func(name string, value any, attribute, want string) badInput {
		return badInput{name: name, resource: map[string]any{attribute: value}, attribute: attribute, want: regexp.MustCompile(want)}
	}
	domain := func(name, value string) badInput {
		return badInput{name: name, resource: map[string]any{"token_url": nil, "domain": value}, attribute: "domain",
			want: regexp.MustCompile(`(?s)Invalid domain.*must be a host name such as`)}
	}
	const (
		urlMsg    = `(?s)Invalid token_url.*must be an absolute .https://. URL`
		idMsg     = `(?s)Invalid client_id.*must be an app client ID`
		secretMsg = `(?s)Invalid client_secret.*must be an app client secret`
		scopeMsg  = `(?s)Invalid scopes.*must be a custom scope .<resource-server-identifier>/<scope-name>.`
	)
	return []badInput{
		domain("domain empty", ""),
		domain("domain with a scheme", "https://auth.example.com"),
		domain("domain with a path", "auth.example.com/oauth2/token"),
		domain("domain with a port", "auth.example.com:443"),
		domain("domain with a space", "auth.example.com "),
		domain("domain of one label", "localhost"),
		domain("domain non-ASCII", "äuth.example.com"),
		{name: "domain and token_url both set", resource: map[string]any{"domain": "auth.example.com"}, attribute: "domain",
			want: regexp.MustCompile(`(?s)Invalid Attribute Combination.*Exactly one of these attributes must be configured: \[domain,token_url\]`)},
		res("token_url empty", "", "token_url", urlMsg+`.*not an absolute URL`),
		res("token_url relative", "/oauth2/token", "token_url", urlMsg+`.*not an absolute URL`),
		res("token_url without a scheme", "auth.example.com/oauth2/token", "token_url", urlMsg),
		res("token_url ftp", "ftp://auth.example.com/oauth2/token", "token_url", urlMsg+`.*neither .https. nor .http.`),
		res("token_url plain http to a host", "http://auth.example.com/oauth2/token", "token_url", urlMsg+`.*unencrypted`),
		res("token_url plain http to a private address", "http://10.0.0.1/oauth2/token", "token_url", urlMsg+`.*unencrypted`),
		res("token_url with credentials", "https://deploy:s3cr3tpassw0rd@auth.example.com/oauth2/token", "token_url", urlMsg+`.*user name or password`),
		res("token_url with a query", "https://auth.example.com/oauth2/token?client_secret=x", "token_url", urlMsg+`.*query or fragment`),
		res("token_url with a fragment", "https://auth.example.com/oauth2/token#x", "token_url", urlMsg+`.*query or fragment`),
		res("client_id empty", "", "client_id", `(?s)client_id string length must be between 1 and 128`),
		res("client_id with a dash", "abcdefghij-klmnopqrstuvwxyz", "client_id", idMsg),
		res("client_id too long", strings.Repeat("a", 129), "client_id", `(?s)client_id string length must be between 1 and 128`),
		res("client_secret empty", "", "client_secret", `(?s)client_secret string length must be between 1 and 64`),
		res("client_secret too long", strings.Repeat("s", 65), "client_secret", `(?s)client_secret string length must be between 1 and 64`),
		res("client_secret with a symbol", strings.Repeat("s", 30)+"!", "client_secret", secretMsg),
		res("client_secret with a newline", strings.Repeat("s", 30)+"\n", "client_secret", secretMsg),
		res("scopes empty", []string{}, "scopes", `(?s)scopes.*at least 1`),
		res("scope without a resource server", []string{"deploy"}, "scopes", scopeMsg),
		res("scope with a space", []string{"platform/deploy read"}, "scopes", scopeMsg),
		res("scope with a trailing slash", []string{"platform/"}, "scopes", scopeMsg),
		res("scope empty", []string{""}, "scopes", scopeMsg),
		res("scopes space-joined", []string{"platform/deploy platform/read"}, "scopes", scopeMsg),
		{name: "client_metadata with a null value", resource: map[string]any{"client_metadata": map[string]*string{"stage": nil}},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)Null value in client_metadata`)},
		{name: "client_metadata with 51 entries", resource: map[string]any{"client_metadata": manyValues(51, 1)},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)client_metadata.*at most 50`)},
		// Unknown values: the CLIs wait for apply; opened or read anyway,
		// the provider refuses without a request (see unknownRow).
		unknownRow("token_url", unknown),
		unknownRow("client_secret", unknown),
		unknownRow("scopes", unknown),
		// Not errors: valid input is asked.
		{name: "valid, with scopes", resource: map[string]any{"scopes": []string{"platform/deploy"}}, requests: 1},
		{name: "token_url on localhost over http", requests: 1},
		// The domain carries the region: the provider needs none.
		{name: "provider without region or endpoint", provider: map[string]any{"region": nil, "endpoint": nil}, requests: 1},
	}
}

func TestBadInputClientCredentials(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, tc := range append(m2mBadInputs(), badInput{name: "neither domain nor token_url"}) {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				tap := newTokenTap(t, p.URL)
				in := p.m2mClient(cognitotest.M2MClient{Scopes: []string{"platform/deploy"}})
				resourceValues := map[string]any{"token_url": tap.URL + cognitotest.TokenPath, "client_id": in.ClientID, "client_secret": in.ClientSecret}
				for k, v := range tc.resource {
					resourceValues[k] = v
				}
				if tc.name == "neither domain nor token_url" {
					delete(resourceValues, "token_url")
				}
				providerValues := map[string]any{"region": "eu-west-1", "endpoint": tap.URL}
				for k, v := range tc.provider {
					providerValues[k] = v
				}
				diags := protocolRunType(t, kind, "cognito_client_credentials_token", providerValues, resourceValues)
				if tc.name == "neither domain nor token_url" {
					// The block as a whole is wrong: the diagnostic has no
					// attribute, and the CLI points at the block.
					if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError ||
						!strings.Contains(diags[0].Detail, "Exactly one of these attributes must be configured: [domain,token_url]") {
						t.Errorf("want one error naming domain and token_url, got %v", diags)
					}
				} else {
					// checkBadInputDiagnostics never lets a diagnostic show
					// tokenInputs' RefreshToken and ClientID: here the
					// secret and the client id.
					checkBadInputDiagnostics(t, tc, diags, tokenInputs{RefreshToken: in.ClientSecret, ClientID: in.ClientID})
				}
				if n := tap.requestCount(); n != tc.requests {
					t.Errorf("the token endpoint saw %d requests, want %d: bad input must be caught before Cognito is asked", n, tc.requests)
				}
			})
		}
	}
}
