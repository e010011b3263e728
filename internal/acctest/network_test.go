package acctest_test

// Through a real CLI, for both token types: a request that reaches no server
// gets a short budget, a lost answer the full one, a hung attempt is
// abandoned and retried, and an unusable AWS profile stops the provider only
// when it is the sole source of the region.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// tokenTypeHCL opens one ephemeral token of the given type and requires an
// access token from it.
func tokenTypeHCL(provider, kind, arguments string) string {
	return `terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}
` + provider + `
ephemeral "` + kind + `" "test" {
` + arguments + `}

resource "terraform_data" "observed" {
  lifecycle {
    precondition {
      condition     = length(ephemeral.` + kind + `.test.access_token) > 0
      error_message = "no access token"
    }
  }
}
`
}

// planWith runs plan in dir with extra environment variables and returns
// whether it succeeded and its output; a plan still running after 90
// seconds fails the test.
func planWith(t *testing.T, cli *acctest.CLI, dir string, env map[string]string) (bool, string) {
	t.Helper()
	ok, out, _ := cli.RunWithEnv(t, dir, env, 90*time.Second, "plan", "-no-color", "-input=false")
	return ok, out
}

// tokenType is one of the provider's token types, set up against a double.
type tokenType struct {
	name string
	// config returns the configuration for p with extra provider
	// arguments; an endpoint of "" keeps the double's.
	config func(p *acctest.Pool, endpoint string, providerArgs ...string) string
	// unreachable is the summary of the "reached no server" diagnostic.
	unreachable string
}

func tokenTypes() []tokenType {
	return []tokenType{
		{name: "refreshed tokens", unreachable: "Could not reach Cognito",
			config: func(p *acctest.Pool, endpoint string, providerArgs ...string) string {
				in := p.SignIn(cognitotest.AppClient{})
				if endpoint == "" {
					endpoint = p.URL
				}
				return tokenTypeHCL(acctest.ProviderHCL(endpoint, "eu-west-1", providerArgs...), "cognito_refreshed_tokens", in.HCL())
			}},
		{name: "client credentials", unreachable: "Could not reach the token endpoint",
			config: func(p *acctest.Pool, endpoint string, providerArgs ...string) string {
				p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
				in := p.ClientCredentials(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy"}})
				if endpoint != "" {
					in.TokenURL = endpoint + cognitotest.TokenPath
				}
				return tokenTypeHCL(acctest.ProviderHCL("", "eu-west-1", providerArgs...), "cognito_client_credentials_token", in.HCL())
			}},
	}
}

func TestAccNetworkBudgets(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	for _, tt := range tokenTypes() {
		t.Run(tt.name, func(t *testing.T) {
			t.Run("closed port fails fast with the default budget", func(t *testing.T) {
				t.Parallel()
				p := acctest.NewPool(t, cognitotest.PoolConfig{})
				dir := acctest.WriteConfig(t, tt.config(p, acctest.DeadEndpoint(t)))
				started := time.Now()
				ok, out := planWith(t, cli, dir, nil)
				// A bound the default budget (25 retries, minutes of
				// backoff) cannot meet, not a speed measure.
				if elapsed := time.Since(started); elapsed > time.Minute {
					t.Errorf("plan took %s against a closed port", elapsed)
				}
				want := regexp.MustCompile(regexp.QuoteMeta(tt.unreachable) + `[\s\S]*` + fmt.Sprintf(`\(%d\s+attempts\)`, retrypolicy.UnreachableAttempts) + `[\s\S]*reached\s+no\s+server`)
				if ok || !want.MatchString(out) {
					t.Errorf("want a failure matching %s, got:\n%s", want, out)
				}
			})
			t.Run("reset after connecting rides every configured retry", func(t *testing.T) {
				t.Parallel()
				const retries = 4 // more than the short budget
				p := acctest.NewPool(t, cognitotest.PoolConfig{})
				dir := acctest.WriteConfig(t, tt.config(p, "", fmt.Sprintf("max_retries = %d", retries)))
				p.InjectFault(cognitotest.Fault{ResetConnection: true, Times: retries + 1})
				ok, out := planWith(t, cli, dir, nil)
				want := regexp.MustCompile(regexp.QuoteMeta(tt.unreachable) + fmt.Sprintf(`[\s\S]*\(%d\s+attempts\)`, retries+1))
				if ok || !want.MatchString(out) || strings.Contains(out, "reached no server") {
					t.Errorf("want a failure matching %s, got:\n%s", want, out)
				}
				if got := p.SettledRequestCount(retries + 1); got != retries+1 {
					t.Errorf("the double saw %d requests, want %d", got, retries+1)
				}
			})
			t.Run("hung attempt is retried within the timeout", func(t *testing.T) {
				t.Parallel()
				p := acctest.NewPool(t, cognitotest.PoolConfig{})
				// timeout covers one abandoned attempt and its retry; without
				// the attempt bound the hung attempt would use all of it.
				dir := acctest.WriteConfig(t, tt.config(p, "", `timeout = "50s"`))
				p.InjectFault(cognitotest.Fault{Delay: time.Hour})
				ok, out := planWith(t, cli, dir, nil)
				if !ok {
					t.Errorf("a hung first attempt failed the plan:\n%s", out)
				}
				if got := p.SettledRequestCount(2); got != 2 {
					t.Errorf("the double saw %d requests, want 2", got)
				}
			})
		})
	}
}

func TestAccUnusableAWSProfile(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	broken := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(broken, []byte("[default]\nmax_attempts = many\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		env       map[string]string
		region    string
		wantError bool
		wantText  string
	}{
		{name: "AWS_PROFILE=nonexistent, region set", env: map[string]string{"AWS_PROFILE": "nonexistent"}, region: "eu-west-1", wantText: "nonexistent"},
		{name: "broken AWS_CONFIG_FILE, region set", env: map[string]string{"AWS_CONFIG_FILE": broken}, region: "eu-west-1", wantText: "max_attempts"},
		{name: "AWS_PROFILE=nonexistent, no region", env: map[string]string{"AWS_PROFILE": "nonexistent"}, wantError: true, wantText: "nonexistent"},
		{name: "broken AWS_CONFIG_FILE, no region", env: map[string]string{"AWS_CONFIG_FILE": broken}, wantError: true, wantText: "max_attempts"},
	}
	for _, tt := range tokenTypes() {
		for _, tc := range cases {
			t.Run(tt.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				p := acctest.NewPool(t, cognitotest.PoolConfig{})
				config := tt.config(p, "")
				if tc.region == "" {
					config = strings.Replace(config, `  region = "eu-west-1"`+"\n", "", 1)
				}
				ok, out := planWith(t, cli, acctest.WriteConfig(t, config), tc.env)
				switch {
				case tc.wantError && (ok || !regexp.MustCompile(`Error: Cannot use the AWS profile[\s\S]*`+tc.wantText).MatchString(out)):
					t.Errorf("want the profile error naming %s, got:\n%s", tc.wantText, out)
				case !tc.wantError && (!ok || !regexp.MustCompile(`Warning: AWS profile ignored[\s\S]*`+tc.wantText).MatchString(out)):
					t.Errorf("want success with a warning naming %s, got:\n%s", tc.wantText, out)
				case strings.Contains(out, "set `region`"):
					t.Errorf("the diagnostic tells to set region:\n%s", out)
				}
			})
		}
	}
}
