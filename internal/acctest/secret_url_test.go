package acctest_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// Through a real CLI: plain http:// to a host that is not this machine
// stops the run before any request, on the attribute (`endpoint`,
// `token_url`) or, for an endpoint of the environment, naming the variable
// without the URL's credentials or query. The Secrets Manager endpoint is
// refused only where a store would use it.
func TestAccPlaintextEndpointRefused(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	refreshed, clientCredentials := tokenTypes()[0], tokenTypes()[1]
	cases := []struct {
		name     string
		tokens   tokenType
		endpoint string // for the token type's config; "" keeps the double
		// config replaces the token type's configuration.
		config func(p *acctest.Pool) string
		env    map[string]string
		want   string // regexp the output must match
	}{
		{name: "endpoint argument", tokens: refreshed, endpoint: "http://cognito.example.com:9229",
			want: `Error: Cognito endpoint without TLS[\s\S]*endpoint[\s\S]*unencrypted`},
		{name: "token_url", tokens: clientCredentials, endpoint: "http://auth.example.com",
			want: `Error: Invalid token_url[\s\S]*token_url[\s\S]*unencrypted`},
		{name: "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", tokens: clientCredentials,
			env:  map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://envuser:EnvPassw0rd@10.9.8.7:9229/?key=s3cr3tkey"},
			want: `Error: Cognito endpoint without TLS[\s\S]*AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER[\s\S]*http://10\.9\.8\.7:9229[\s\S]*unencrypted`},
		{name: "AWS_ENDPOINT_URL_SECRETS_MANAGER", tokens: refreshed, config: secretsManagerStoreConfig,
			env:  map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://envuser:EnvPassw0rd@sm.example.com:4566"},
			want: `Error: Secrets Manager endpoint without TLS[\s\S]*AWS_ENDPOINT_URL_SECRETS_MANAGER[\s\S]*http://sm\.example\.com:4566[\s\S]*unencrypted`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			config := tc.tokens.config(p, tc.endpoint)
			if tc.config != nil {
				config = tc.config(p)
			}
			ok, out := planWith(t, cli, acctest.WriteConfig(t, config), tc.env)
			if ok || !regexp.MustCompile(tc.want).MatchString(out) {
				t.Errorf("want a failure matching %s, got:\n%s", tc.want, out)
			}
			for _, secret := range []string{"EnvPassw0rd", "envuser", "s3cr3tkey"} {
				if strings.Contains(out, secret) {
					t.Errorf("the output shows %q:\n%s", secret, out)
				}
			}
			if n := p.RequestCount(); n != 0 {
				t.Errorf("the double saw %d requests", n)
			}
		})
	}
	// Loopback, by address and by name, is this machine; and a Secrets
	// Manager endpoint no store uses carries no secret: the run succeeds.
	for name, env := range map[string]map[string]string{
		"loopback endpoints of the environment":      {"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://localhost:4566", "AWS_ENDPOINT_URL": "http://[::1]:1"},
		"a Secrets Manager endpoint without a store": {"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm.example.com:4566"},
	} {
		t.Run(name, func(t *testing.T) {
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			ok, out := planWith(t, cli, acctest.WriteConfig(t, refreshed.config(p, "")), env)
			if !ok {
				t.Errorf("plan failed:\n%s", out)
			}
		})
	}
}

// secretsManagerStoreConfig refreshes a token kept in a Secrets Manager
// secret.
func secretsManagerStoreConfig(p *acctest.Pool) string {
	in := p.SignIn(cognitotest.AppClient{})
	return tokenTypeHCL(acctest.ProviderHCL(p.URL, "eu-west-1"), "cognito_refreshed_tokens",
		fmt.Sprintf("  client_id = %q\n  refresh_token_store = {\n    secretsmanager_secret_id = %q\n  }\n", in.ClientID, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:token"))
}
