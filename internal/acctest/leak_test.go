package acctest_test

// TestAccNoSecretLeaks runs every scenario of the acceptance suite, for both
// token types, through a real Terraform or OpenTofu CLI with TF_LOG=TRACE, the provider running as a
// separate process installed through dev_overrides, and searches everything
// the run left behind for the secrets in play.

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

func TestAccNoSecretLeaks(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	t.Logf("leak-checking against %s (%s)", cli.Version, cli.Path)

	for _, tt := range leakTypes(t, cli) {
		for _, kind := range []string{"ephemeral", "data source"} {
			for _, c := range tt.cases {
				t.Run(tt.name+"/"+kind+"/"+c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, kind)
				})
			}
		}
	}

	// The control: with masking compiled out, the provider's DEBUG line
	// carries Cognito's raw "User pool client <id> does not exist." and the
	// detector must find the client id. Otherwise a green run above would
	// prove nothing.
	t.Run("masking disabled: the detector finds the client id", func(t *testing.T) {
		t.Parallel()
		var unknownClient acctest.Scenario
		for _, sc := range acctest.RefreshedTokensScenarios() {
			if sc.Name == "unknown app client" {
				unknownClient = sc
			}
		}
		if unknownClient.Arrange == nil {
			t.Fatal(`acctest.RefreshedTokensScenarios() has no "unknown app client" scenario`)
		}
		leaks := runLeakScenario(t, cli, acctest.Unmasked, "ephemeral", unknownClient, false)
		found := false
		for _, l := range leaks {
			if l.Secret == "client_id" && strings.HasSuffix(l.File, ".log") {
				found = true
			}
		}
		for _, l := range leaks {
			t.Logf("found as expected: %s", l)
		}
		if !found {
			t.Errorf("with masking disabled the detector found no client id in the TRACE logs (found: %v); the leak test cannot be trusted", leaks)
		}
	})

	// The same control for the altered echoes: unmasked, the DEBUG line
	// carries each of them, and the detector finds every secret.
	t.Run("masking disabled: the detector finds the altered echoes", func(t *testing.T) {
		t.Parallel()
		leaks := runLeakScenario(t, cli, acctest.Unmasked, "ephemeral", alteredEchoScenario(), false)
		found := map[string]bool{}
		for _, l := range leaks {
			if strings.HasSuffix(l.File, ".log") {
				found[l.Secret] = true
			}
		}
		for _, secret := range []string{"refresh_token", "client_id", "client_secret", "device_key"} {
			if !found[secret] {
				t.Errorf("with masking disabled the detector found no altered %s in the TRACE logs (found: %v); the planted echo proves nothing", secret, leaks)
			}
		}
	})

	clientCredentialsLeakControl(t, cli)
}

// leakType is one token type the leak suite checks: its scenarios, each
// run through the CLI for one kind (ephemeral or data source).
type leakType struct {
	name  string
	cases []leakCase
}

type leakCase struct {
	name string
	run  func(t *testing.T, kind string)
}

// leakTypes are the token types with every scenario of theirs; t is the
// suite's, which owns the client-credentials scenarios' shared double.
func leakTypes(t *testing.T, cli *acctest.CLI) []leakType {
	refreshed := leakType{name: "refreshed tokens"}
	for _, sc := range append(acctest.RefreshedTokensScenarios(), alteredEchoScenario()) {
		refreshed.cases = append(refreshed.cases, leakCase{sc.Name, func(t *testing.T, kind string) {
			runLeakScenario(t, cli, acctest.Masked, kind, sc, true)
		}})
	}
	clientCredentials := leakType{name: "client credentials"}
	shared := acctest.NewClientCredentialsPool(t)
	for _, sc := range append(acctest.ClientCredentialsScenarios(), echoingErrorScenario()) {
		clientCredentials.cases = append(clientCredentials.cases, leakCase{sc.Name, func(t *testing.T, kind string) {
			p := shared
			if sc.OwnPool {
				p = acctest.NewPool(t, cognitotest.PoolConfig{})
				p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
			}
			runClientCredentialsLeakScenario(t, cli, acctest.Masked, kind, p, sc)
		}})
	}
	return []leakType{refreshed, clientCredentials, signInLeakType(cli)}
}

// alteredEchoScenario has Cognito's error message echo every request
// secret altered as a proxy might (issue 17): the client id and a piece of
// the secret upper-cased, the refresh token and the device key cut short.
// The diagnostic and the logs must show none of them.
func alteredEchoScenario() acctest.Scenario {
	return acctest.Scenario{
		Name:        "error message echoing altered secrets",
		ExpectError: regexp.MustCompile(`Device key not accepted[\s\S]*Invalid\s+device\s+key:\s+\*\*\*`),
		Arrange: func(p *acctest.Pool) (acctest.TokenInputs, []string) {
			in := p.SignIn(cognitotest.AppClient{GenerateSecret: true})
			// A well-formed key the pool (which does not remember
			// devices) ignores.
			in.DeviceKey = "eu-west-1_0b1c2d3e-4f5a-4b7c-8d9e-" + hex.EncodeToString([]byte(in.ClientID[:6]))
			p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrNotAuthorized, Message: "Invalid device key: " + strings.Join([]string{
				strings.ToUpper(in.ClientID), in.RefreshToken[10:50], strings.ToUpper(in.ClientSecret[3:30]), in.DeviceKey[4:40],
			}, " / ")})
			return in, []string{"max_retries = 0"}
		},
	}
}

// runLeakScenario runs one scenario of one type through the CLI and returns
// the leaks found; with wantClean it fails the test on any.
func runLeakScenario(t *testing.T, cli *acctest.CLI, build, kind string, sc acctest.Scenario, wantClean bool) []acctest.Leak {
	p := acctest.NewPool(t, sc.Pool)
	in, providerArgs := sc.Arrange(p)
	tap := acctest.NewTokenTap(t, p.URL)

	dir := t.TempDir()
	hcl, vars := leakConfig(kind, tap.URL, providerArgs, in)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}

	run := func(name string, args ...string) bool {
		return cli.Run(t, build, dir, vars, name, args...)
	}

	ok := planAndApply(t, kind, run)
	var cliSensitive map[string]bool
	if kind == "data source" && ok {
		cliSensitive = sensitiveValuesShown(t, cli, build, dir, refreshedTokensAddress)
	}

	// The scenario must have done what it is about, or finding no leak
	// proves little.
	stderr := acctest.ReadAll(t, dir, ".stderr")
	checkOutcome(t, kind, ok, sc.ExpectError, stderr)
	if sc.ExpectError == nil && p.RequestCount() == 0 {
		t.Error("no request reached the double")
	}

	secrets := map[string]string{
		"refresh_token": in.RefreshToken,
		"client_id":     in.ClientID,
		"client_secret": in.ClientSecret,
		"device_key":    in.DeviceKey,
	}
	for i, token := range tap.Issued() {
		secrets[fmt.Sprintf("issued token #%d", i+1)] = token
	}
	if sc.ExpectError == nil && len(tap.Issued()) == 0 {
		t.Error("the double issued no tokens, so none could be checked")
	}

	leaks := acctest.FindLeaks(t, dir, kind, secrets, cliSensitive)
	if wantClean {
		for _, l := range leaks {
			t.Errorf("leak: %s", l)
		}
	}
	if t.Failed() {
		t.Logf("working directory %s kept until the test ends", dir)
	}
	return leaks
}

// leakConfig is the scenario's configuration for one type. The secret
// inputs come from variables (ephemeral ones for the ephemeral resource), so
// the configuration itself, which a saved plan embeds, holds none of them.
func leakConfig(kind, endpoint string, providerArgs []string, in acctest.TokenInputs) (string, map[string]string) {
	vars := map[string]string{}
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}

`)
	var refs []string
	for _, v := range []struct{ name, value string }{
		{"refresh_token", in.RefreshToken}, {"client_id", in.ClientID}, {"client_secret", in.ClientSecret}, {"device_key", in.DeviceKey},
	} {
		if v.value == "" {
			continue
		}
		vars[v.name] = v.value
		fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n", v.name)
		if kind == "ephemeral" {
			b.WriteString("  ephemeral = true\n")
		}
		b.WriteString("}\n\n")
		refs = append(refs, fmt.Sprintf("%s = var.%s", v.name, v.name))
	}
	literal := in
	literal.RefreshToken, literal.ClientID, literal.ClientSecret, literal.DeviceKey = "", "", "", ""
	literal.Extra = append(refs, in.Extra...)

	b.WriteString(acctest.ProviderHCL(endpoint, "eu-west-1", providerArgs...))
	if kind == "ephemeral" {
		b.WriteString(`
ephemeral "cognito_refreshed_tokens" "test" {
` + literal.HCL() + `}

# Uses the tokens without storing them: only non-secret facts are checked.
resource "terraform_data" "observed" {
  input = "tokens checked"
  lifecycle {
    precondition {
      condition     = length(ephemeral.cognito_refreshed_tokens.test.access_token) > 0 && length(ephemeral.cognito_refreshed_tokens.test.id_token) > 0 && ephemeral.cognito_refreshed_tokens.test.token_type == "Bearer"
      error_message = "The ephemeral resource returned no tokens."
    }
  }
}
`)
	} else {
		b.WriteString(`
data "cognito_refreshed_tokens" "test" {
` + literal.HCL() + `}

output "access_token" {
  value     = data.cognito_refreshed_tokens.test.access_token
  sensitive = true
}

output "expires_in" {
  value = data.cognito_refreshed_tokens.test.expires_in
}
`)
	}
	return b.String(), vars
}

const refreshedTokensAddress = "data.cognito_refreshed_tokens.test"

// sensitiveValuesShown asks the CLI (`show -json` of the state) which
// attributes of the data source at address it treats as sensitive. The
// output holds the state's values, so it stays in memory and is not
// leak-checked itself: it is a rendering of the state.
func sensitiveValuesShown(t *testing.T, cli *acctest.CLI, build, dir, address string) map[string]bool {
	t.Helper()
	cmd := exec.Command(cli.Path, "show", "-json", "-no-color")
	cmd.Dir = dir
	cmd.Env = acctest.Env(map[string]string{"TF_CLI_CONFIG_FILE": cli.ConfigFile(build)})
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("show -json: %v", err)
	}
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address         string
					SensitiveValues map[string]any `json:"sensitive_values"`
				}
			} `json:"root_module"`
		}
	}
	if err := json.Unmarshal(out, &shown); err != nil {
		t.Fatalf("show -json: %v", err)
	}
	sensitive := map[string]bool{}
	for _, r := range shown.Values.RootModule.Resources {
		if r.Address != address {
			continue
		}
		for name, v := range r.SensitiveValues {
			sensitive[name] = v == true
		}
	}
	if len(sensitive) == 0 {
		t.Errorf("show -json reports no sensitive attribute of %s", address)
	}
	return sensitive
}

// planAndApply runs a scenario as a user would: the ephemeral resource
// through a saved plan (and its show -json), the data source with
// plan then apply -auto-approve. It reports whether every step succeeded.
func planAndApply(t *testing.T, kind string, run func(name string, args ...string) bool) bool {
	t.Helper()
	if kind != "ephemeral" {
		return run("plan", "plan", "-no-color", "-input=false") &&
			run("apply", "apply", "-auto-approve", "-no-color", "-input=false")
	}
	if !run("plan", "plan", "-out=tfplan", "-no-color", "-input=false") {
		return false
	}
	if !run("show", "show", "-json", "-no-color", "tfplan") {
		t.Error("show -json tfplan failed; see show.stderr")
	}
	return run("apply", "apply", "-no-color", "-input=false", "tfplan")
}

// checkOutcome fails the test unless the run did what its scenario is
// about: finding no leak in a run that went wrong proves little.
func checkOutcome(t *testing.T, kind string, ok bool, expectError *regexp.Regexp, stderr string) {
	t.Helper()
	switch {
	case expectError == nil && !ok:
		t.Errorf("%s failed:\n%s", kind, stderr)
	case expectError != nil && ok:
		t.Errorf("%s succeeded, want an error matching %s", kind, expectError)
	case expectError != nil && !expectError.MatchString(stderr):
		t.Errorf("the error does not match %s:\n%s", expectError, stderr)
	}
}
