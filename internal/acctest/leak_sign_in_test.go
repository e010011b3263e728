package acctest_test

// cognito_sign_in through a real CLI, its provider a process of its own:
// the leak suite's scenarios (TestAccNoSecretLeaks: the password, the TOTP
// seed, the client's credentials, every issued token and challenge session
// absent from TRACE logs, output, plan file and state), and revoke on
// close, which proves that Terraform and OpenTofu close an ephemeral
// resource in the provider process that opened it.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// signInLeakType is cognito_sign_in for the leak suite: every scenario.
func signInLeakType(cli *acctest.CLI) leakType {
	lt := leakType{name: "sign in"}
	for _, sc := range signInScenarios() {
		lt.cases = append(lt.cases, leakCase{sc.name, func(t *testing.T, kind string) {
			p := acctest.NewPool(t, sc.pool)
			runSignInCLI(t, cli, kind, p, sc, nil)
		}})
	}
	return lt
}

// signInRun is what a run of runSignInCLI left behind.
type signInRun struct {
	dir    string
	in     signInInputs
	tap    *acctest.TokenTap
	output string // stdout and stderr of every command
}

// runSignInCLI runs sc through the CLI (ephemeral resource through a saved
// plan, or data source), fails the test on any leak and returns the run.
func runSignInCLI(t *testing.T, cli *acctest.CLI, kind string, p *acctest.Pool, sc signInScenario, extra []string) signInRun {
	in, providerArgs := sc.arrange(p)
	in.Extra = append(in.Extra, extra...)
	tap := acctest.NewTokenTap(t, p.URL)
	dir := t.TempDir()
	hcl, vars := signInLeakConfig(kind, tap.URL, providerArgs, in)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) bool {
		return cli.RunTracedWithEnv(t, dir, vars, sc.env, name, args...)
	}
	ok := planAndApply(t, kind, run)
	var cliSensitive map[string]bool
	if kind == "data source" && ok {
		cliSensitive = sensitiveValuesShown(t, cli, acctest.Masked, dir, "data.cognito_sign_in.test")
	}
	output := acctest.ReadAll(t, dir, ".stderr") + acctest.ReadAll(t, dir, ".stdout")
	checkOutcome(t, kind, ok, sc.expectError, output)
	if !sc.invalid && !sc.noRequest && tap.RequestCount() == 0 {
		t.Error("no request reached the double")
	}
	if (sc.invalid || sc.noRequest) && tap.RequestCount() != 0 {
		t.Errorf("invalid input reached the double (%d requests)", tap.RequestCount())
	}
	secrets := map[string]string{"password": in.Password, "totp_secret": in.TOTPSecret, "client_id": in.ClientID, "client_secret": in.ClientSecret}
	for i, token := range tap.Issued() {
		secrets[fmt.Sprintf("issued token or session #%d", i+1)] = token
	}
	if sc.expectError == nil && len(tap.Issued()) == 0 {
		t.Error("the double issued no tokens, so none could be checked")
	}
	for _, l := range acctest.FindLeaks(t, dir, kind, secrets, cliSensitive) {
		t.Errorf("leak: %s", l)
	}
	if in.TOTPSecret != "" && sc.expectError == nil && len(tap.Codes()) == 0 {
		t.Error("no TOTP code went through the tap, so none could be checked")
	}
	for _, l := range acctest.FindCodeLeaks(t, dir, tap.Codes()) {
		t.Errorf("leak: %s", l)
	}
	if kind == "ephemeral" && ok {
		// Its address may appear (as a dependency), never an object.
		var state struct{ Resources []struct{ Type string } }
		data, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
		if err == nil {
			err = json.Unmarshal(data, &state)
		}
		if err != nil || slices.ContainsFunc(state.Resources, func(r struct{ Type string }) bool { return r.Type == "cognito_sign_in" }) {
			t.Errorf("the state holds the ephemeral resource (or cannot be read: %v)", err)
		}
	}
	return signInRun{dir: dir, in: in, tap: tap, output: output}
}

// signInLeakConfig takes the secret inputs from variables (ephemeral ones
// for the ephemeral resource), so the configuration holds none of them.
func signInLeakConfig(kind, endpoint string, providerArgs []string, in signInInputs) (string, map[string]string) {
	vars := map[string]string{}
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    cognito = { source = \"cognito-tokens/cognito\" }\n  }\n}\n\n")
	literal := in
	literal.Extra = nil
	for _, v := range []struct {
		name  string
		value *string
	}{{"password", &literal.Password}, {"totp_secret", &literal.TOTPSecret}, {"client_id", &literal.ClientID}, {"client_secret", &literal.ClientSecret}} {
		if *v.value == "" {
			continue
		}
		vars[v.name] = *v.value
		*v.value = ""
		fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n", v.name)
		if kind == "ephemeral" {
			b.WriteString("  ephemeral = true\n")
		}
		b.WriteString("}\n\n")
		literal.Extra = append(literal.Extra, fmt.Sprintf("%s = var.%s", v.name, v.name))
	}
	literal.Extra = append(literal.Extra, in.Extra...)
	b.WriteString(acctest.ProviderHCL(endpoint, "eu-west-1", providerArgs...))
	if kind == "ephemeral" {
		b.WriteString(`
ephemeral "cognito_sign_in" "test" {
` + literal.HCL() + `}

resource "terraform_data" "observed" {
  input = "tokens checked"
  lifecycle {
    precondition {
      condition     = length(ephemeral.cognito_sign_in.test.access_token) > 0 && length(ephemeral.cognito_sign_in.test.refresh_token) > 0 && ephemeral.cognito_sign_in.test.token_type == "Bearer"
      error_message = "The ephemeral resource returned no tokens."
    }
  }
}
`)
	} else {
		b.WriteString(`
data "cognito_sign_in" "test" {
` + literal.HCL() + `}

output "access_token" {
  value     = data.cognito_sign_in.test.access_token
  sensitive = true
}

output "expires_in" {
  value = data.cognito_sign_in.test.expires_in
}
`)
	}
	return b.String(), vars
}

// TestAccSignInRevokeOnCloseCLI: through a real CLI, every refresh token
// the ephemeral resource got (at plan and at apply, each in a provider
// process of its own) is revoked by the time the command ends: so the CLI
// closed it in the process that opened it, which held the token. A client
// with revocation off leaves a warning and a successful apply.
func TestAccSignInRevokeOnCloseCLI(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	t.Run("revoked at close", func(t *testing.T) {
		t.Parallel()
		p := acctest.NewPool(t, cognitotest.PoolConfig{})
		sc := signInScenario{arrange: signInWith(cognitotest.AppClient{GenerateSecret: true}, nil, nil)}
		run := runSignInCLI(t, cli, "ephemeral", p, sc, nil)
		refreshTokens := run.tap.RefreshTokens()
		if len(refreshTokens) < 2 {
			t.Fatalf("%d refresh tokens issued, want one at plan and one at apply", len(refreshTokens))
		}
		for i, token := range refreshTokens {
			if got := refreshFails(p, run.in.ClientID, run.in.ClientSecret, token); got != failure.RefreshTokenRejected {
				t.Errorf("refresh token #%d still refreshes after the run (%v)", i+1, got)
			}
		}
		if strings.Contains(run.output, "not revoked") {
			t.Errorf("a revocation failed:\n%s", run.output)
		}
	})
	t.Run("revocation off for the client: a warning", func(t *testing.T) {
		t.Parallel()
		p := acctest.NewPool(t, cognitotest.PoolConfig{})
		sc := signInScenario{arrange: signInWith(cognitotest.AppClient{DisableTokenRevocation: true}, nil, nil)}
		run := runSignInCLI(t, cli, "ephemeral", p, sc, nil)
		warning := regexp.MustCompile(`Warning: Refresh token not revoked[\s\S]*token\s+revocation\s+is\s+off[\s\S]*Left\s+valid:\s+the\s+refresh\s+token[\s\S]*admin-user-global-sign-out`)
		if !warning.MatchString(run.output) {
			t.Errorf("no warning matching %s:\n%s", warning, run.output)
		}
		for i, token := range run.tap.RefreshTokens() {
			if got := refreshFails(p, run.in.ClientID, "", token); got != refreshWorks {
				t.Errorf("refresh token #%d no longer refreshes: %v", i+1, got)
			}
		}
	})
	t.Run("revoke_on_close = false", func(t *testing.T) {
		t.Parallel()
		p := acctest.NewPool(t, cognitotest.PoolConfig{})
		sc := signInScenario{arrange: signInWith(cognitotest.AppClient{}, nil, nil)}
		run := runSignInCLI(t, cli, "ephemeral", p, sc, []string{"revoke_on_close = false"})
		if n := targetCount(p, cognitotest.TargetRevokeToken); n != 0 {
			t.Errorf("%d revocations", n)
		}
		for i, token := range run.tap.RefreshTokens() {
			if got := refreshFails(p, run.in.ClientID, "", token); got != refreshWorks {
				t.Errorf("refresh token #%d no longer refreshes: %v", i+1, got)
			}
		}
	})
}
