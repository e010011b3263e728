package acctest_test

// TestAccNoSecretLeaks for cognito_client_credentials_token: every success
// and OAuth-error scenario through a real CLI at TF_LOG=TRACE, the provider
// as its own process, and everything the run left behind searched for the
// client id, the client secret and every issued token.

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

const clientCredentialsAddress = "data.cognito_client_credentials_token.test"

// echoingErrorScenario answers invalid_client with an error_description
// that echoes the client id, and the credentials altered as a proxy might
// (issue 17): the Basic value without padding and URL-encoded, the decoded
// form-escaped pair, the id upper-cased and the secret cut short. The
// diagnostic scrubs them all and the logs never carry them (the provider
// does not log the body).
func echoingErrorScenario() acctest.ClientCredentialsScenario {
	return acctest.ClientCredentialsScenario{
		Name: "error description echoing the client id", OwnPool: true,
		ExpectError: regexp.MustCompile(`Client credentials not accepted[\s\S]*client\s+\*\*\*\s+is\s+not\s+known;\s+you\s+sent\s+\*\*\*`),
		Arrange: func(p *acctest.Pool) (acctest.ClientCredentialsInputs, []string) {
			in := p.ClientCredentials(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy"}})
			pair := url.QueryEscape(in.ClientID) + ":" + url.QueryEscape(in.ClientSecret)
			basic := base64.StdEncoding.EncodeToString([]byte(pair))
			p.InjectFault(cognitotest.Fault{Status: 400, ContentType: "application/json",
				Body: `{"error":"invalid_client","error_description":"client ` + in.ClientID + ` is not known; you sent ` + strings.Join([]string{
					strings.TrimRight(basic, "="), strings.ReplaceAll(basic, "=", "%3D"), pair, strings.ToUpper(in.ClientID), in.ClientSecret[3:30],
				}, " / ") + `"}`})
			return in, nil
		},
	}
}

// clientCredentialsLeakControl: with masking compiled out, the echoed
// client id still reaches no log, because the provider logs status, error
// code and body length of a failed request, never the body. (The refreshed
// tokens' control proves the same detector finds what the logs do carry.)
func clientCredentialsLeakControl(t *testing.T, cli *acctest.CLI) {
	t.Run("masking disabled: the answer's body is not logged", func(t *testing.T) {
		t.Parallel()
		p := acctest.NewPool(t, cognitotest.PoolConfig{})
		dir := runClientCredentialsLeakScenario(t, cli, acctest.Unmasked, "ephemeral", p, echoingErrorScenario())
		logs := acctest.ReadAll(t, dir, ".log")
		if !strings.Contains(logs, "Cognito client-credentials token request failed") || !strings.Contains(logs, "body_length=") {
			t.Errorf("the TRACE logs lack the failure's DEBUG line, so they prove nothing")
		}
	})
}

// runClientCredentialsLeakScenario runs sc through the CLI, fails the test on any leak and
// returns the working directory.
func runClientCredentialsLeakScenario(t *testing.T, cli *acctest.CLI, build, kind string, p *acctest.Pool, sc acctest.ClientCredentialsScenario) string {
	in, providerArgs := sc.Arrange(p)
	tap := acctest.NewTokenTap(t, p.URL)
	if in.TokenURL != "" { // else GetClientToken, through the provider's endpoint: the tap
		in.TokenURL = tap.URL + cognitotest.TokenPath
	}

	dir := t.TempDir()
	hcl, vars := clientCredentialsLeakConfig(kind, tap.URL, providerArgs, in)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) bool { return cli.Run(t, build, dir, vars, name, args...) }
	ok := planAndApply(t, kind, run)
	var cliSensitive map[string]bool
	if kind == "data source" && ok {
		cliSensitive = sensitiveValuesShown(t, cli, build, dir, clientCredentialsAddress)
		if !cliSensitive["access_token"] {
			t.Errorf("show -json does not report %s.access_token as sensitive", clientCredentialsAddress)
		}
	}

	stderr := acctest.ReadAll(t, dir, ".stderr")
	checkOutcome(t, kind, ok, sc.ExpectError, stderr)
	if tap.RequestCount() == 0 {
		t.Error("no request reached the double")
	}
	secrets := map[string]string{"client_id": in.ClientID, "client_secret": in.ClientSecret}
	for i, token := range tap.Issued() {
		secrets[fmt.Sprintf("issued token #%d", i+1)] = token
	}
	if sc.ExpectError == nil && len(tap.Issued()) == 0 {
		t.Error("the double issued no tokens, so none could be checked")
	}
	for _, l := range acctest.FindLeaks(t, dir, kind, secrets, cliSensitive) {
		t.Errorf("leak: %s", l)
	}
	return dir
}

// clientCredentialsLeakConfig takes client_id and client_secret from variables (ephemeral
// ones for the ephemeral resource), so the configuration holds neither.
func clientCredentialsLeakConfig(kind, endpoint string, providerArgs []string, in acctest.ClientCredentialsInputs) (string, map[string]string) {
	vars := map[string]string{"client_id": in.ClientID, "client_secret": in.ClientSecret}
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    cognito = { source = \"cognito-tokens/cognito\" }\n  }\n}\n\n")
	for _, name := range []string{"client_id", "client_secret"} {
		fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n", name)
		if kind == "ephemeral" {
			b.WriteString("  ephemeral = true\n")
		}
		b.WriteString("}\n\n")
	}
	literal := in
	literal.ClientID, literal.ClientSecret = "", ""
	literal.Extra = append([]string{"client_id = var.client_id", "client_secret = var.client_secret"}, in.Extra...)
	b.WriteString(acctest.ProviderHCL(endpoint, "eu-west-1", providerArgs...))
	if kind == "ephemeral" {
		b.WriteString(`
ephemeral "cognito_client_credentials_token" "test" {
` + literal.HCL() + `}

resource "terraform_data" "observed" {
  input = "token checked"
  lifecycle {
    precondition {
      condition     = length(ephemeral.cognito_client_credentials_token.test.access_token) > 0 && ephemeral.cognito_client_credentials_token.test.token_type == "Bearer"
      error_message = "The ephemeral resource returned no token."
    }
  }
}
`)
	} else {
		b.WriteString(`
data "cognito_client_credentials_token" "test" {
` + literal.HCL() + `}

output "access_token" {
  value     = data.cognito_client_credentials_token.test.access_token
  sensitive = true
}

output "granted_scopes" {
  value = data.cognito_client_credentials_token.test.granted_scopes
}
`)
	}
	return b.String(), vars
}
