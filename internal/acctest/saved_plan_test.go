package acctest_test

// The README promises that no secret reaches a saved plan, on one condition:
// the variables carrying refresh_token, client_id and client_secret are
// declared `ephemeral = true` (Terraform and OpenTofu write the values of
// all other root variables into a plan file). These tests hold every example
// to that condition, and show on the real CLI that a saved plan of the
// examples holds no secret, and that it does without the condition.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// secretInputs are, per ephemeral resource type, the arguments that must
// come from ephemeral variables.
var secretInputs = map[string][]string{
	"cognito_refreshed_tokens":         {"refresh_token", "client_id", "client_secret"},
	"cognito_client_credentials_token": {"client_id", "client_secret"},
}

// exampleConfig is one directory of examples/ (or one README.md block).
type exampleConfig struct {
	name      string
	dir       string // "" for a README block
	files     map[string]*hclsyntax.Body
	sources   []string        // required_providers sources
	variables map[string]bool // name -> declared ephemeral = true
	required  map[string]bool // name -> no default
	feeds     bool            // has an ephemeral block of a type in secretInputs
	// machineVars maps a variable read by a cognito_client_credentials_token
	// block to the argument it feeds (client_id, client_secret).
	machineVars map[string]string
}

// parseExample parses the .tf files of one configuration.
func parseExample(t *testing.T, name string, sources map[string][]byte) exampleConfig {
	t.Helper()
	ex := exampleConfig{name: name, files: map[string]*hclsyntax.Body{}, variables: map[string]bool{}, required: map[string]bool{}, machineVars: map[string]string{}}
	for file, src := range sources {
		f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", name, diags)
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			t.Fatalf("%s: %s is not native HCL syntax", name, file)
		}
		ex.files[file] = body
		for _, block := range body.Blocks {
			switch {
			case block.Type == "variable":
				v := block.Labels[0]
				ex.variables[v] = attrIsTrue(block.Body, "ephemeral")
				_, hasDefault := block.Body.Attributes["default"]
				ex.required[v] = !hasDefault
			case block.Type == "ephemeral" && secretInputs[block.Labels[0]] != nil:
				ex.feeds = true
				if block.Labels[0] == "cognito_client_credentials_token" {
					for _, arg := range secretInputs[block.Labels[0]] {
						for _, name := range variablesRead(block.Body, arg) {
							ex.machineVars[name] = arg
						}
					}
				}
			}
		}
		for _, m := range regexp.MustCompile(`source\s*=\s*"([^"]+)"`).FindAllSubmatch(src, -1) {
			ex.sources = append(ex.sources, string(m[1]))
		}
	}
	return ex
}

// variablesRead lists the root variables an argument's expression reads.
func variablesRead(body *hclsyntax.Body, arg string) []string {
	attr, ok := body.Attributes[arg]
	if !ok {
		return nil
	}
	var names []string
	for _, ref := range attr.Expr.Variables() {
		if ref.RootName() != "var" || len(ref) < 2 {
			continue
		}
		if step, ok := ref[1].(hcl.TraverseAttr); ok {
			names = append(names, step.Name)
		}
	}
	return names
}

func attrIsTrue(body *hclsyntax.Body, name string) bool {
	attr, ok := body.Attributes[name]
	if !ok {
		return false
	}
	v, diags := attr.Expr.Value(nil)
	return !diags.HasErrors() && v.IsKnown() && !v.IsNull() && v.True()
}

// onlyThisProvider: the example can be planned offline.
func (ex exampleConfig) onlyThisProvider() bool {
	for _, s := range ex.sources {
		if s != "cognito-tokens/cognito" {
			return false
		}
	}
	return true
}

// secretInputProblems lists the secret arguments of every ephemeral
// cognito_refreshed_tokens and cognito_client_credentials_token block that
// are literals or read a variable not declared `ephemeral = true`.
func (ex exampleConfig) secretInputProblems() []string {
	var problems []string
	for file, body := range ex.files {
		for _, block := range body.Blocks {
			if block.Type != "ephemeral" || secretInputs[block.Labels[0]] == nil {
				continue
			}
			for _, arg := range secretInputs[block.Labels[0]] {
				attr, ok := block.Body.Attributes[arg]
				if !ok {
					continue
				}
				refs := attr.Expr.Variables()
				if len(refs) == 0 {
					problems = append(problems, fmt.Sprintf("%s: %s.%s is a literal: it is saved in the configuration and in every plan", file, block.Labels[1], arg))
				}
				for _, ref := range refs {
					if ref.RootName() != "var" || len(ref) < 2 {
						continue
					}
					step, ok := ref[1].(hcl.TraverseAttr)
					if !ok {
						continue
					}
					name := step.Name
					if !ex.variables[name] {
						problems = append(problems, fmt.Sprintf("%s: %s.%s reads var.%s, which is not declared ephemeral = true", file, block.Labels[1], arg, name))
					}
				}
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// examplesFeedingTheResource returns every examples/ directory and README.md
// ```terraform block that configures one of the ephemeral resources.
func examplesFeedingTheResource(t *testing.T) []exampleConfig {
	t.Helper()
	root := filepath.Join("..", "..")
	byDir := map[string]map[string][]byte{}
	err := filepath.WalkDir(filepath.Join(root, "examples"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".tf" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		if byDir[dir] == nil {
			byDir[dir] = map[string][]byte{}
		}
		byDir[dir][filepath.Base(path)] = src
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []exampleConfig
	for dir, files := range byDir {
		rel, _ := filepath.Rel(root, dir)
		ex := parseExample(t, rel, files)
		ex.dir = dir
		if ex.feeds {
			out = append(out, ex)
		}
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?ms)^```terraform\n(.*?)^```").FindAllSubmatch(readme, -1)
	for i, m := range blocks {
		name := fmt.Sprintf("README.md block %d", i+1)
		if ex := parseExample(t, name, map[string][]byte{name: m[1]}); ex.feeds {
			out = append(out, ex)
		}
	}
	slices.SortFunc(out, func(a, b exampleConfig) int { return strings.Compare(a.name, b.name) })
	return out
}

// TestExamplesPassSecretsThroughEphemeralVariables: every example that
// configures the ephemeral resource takes refresh_token, client_id and
// client_secret from ephemeral variables (or other ephemeral values), never
// from literals or ordinary variables.
func TestExamplesPassSecretsThroughEphemeralVariables(t *testing.T) {
	examples := examplesFeedingTheResource(t)
	if len(examples) < 5 {
		t.Fatalf("found only %d examples configuring the ephemeral resource; is examples/ where the test expects it?", len(examples))
	}
	for _, ex := range examples {
		for _, p := range ex.secretInputProblems() {
			t.Errorf("%s: %s", ex.name, p)
		}
	}
}

// TestSecretInputCheckFindsPlainVariables: the check above fails for a
// sensitive-only variable and for a literal.
func TestSecretInputCheckFindsPlainVariables(t *testing.T) {
	ex := parseExample(t, "bad", map[string][]byte{"main.tf": []byte(`
variable "refresh_token" {
  type      = string
  sensitive = true
}

variable "client_secret" {
  type      = string
  ephemeral = true
}

ephemeral "cognito_refreshed_tokens" "x" {
  refresh_token = var.refresh_token
  client_id     = "1example23456789"
  client_secret = var.client_secret
}

variable "machine_client_id" {
  type      = string
  sensitive = true
}

ephemeral "cognito_client_credentials_token" "m" {
  domain        = "example.auth.eu-west-1.amazoncognito.com"
  client_id     = var.machine_client_id
  client_secret = var.client_secret
}
`)})
	got := strings.Join(ex.secretInputProblems(), "\n")
	for _, want := range []string{"x.refresh_token reads var.refresh_token", "x.client_id is a literal", "m.client_id reads var.machine_client_id"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "client_secret") {
		t.Errorf("an ephemeral variable was reported: %q", got)
	}
}

// exampleVariables gives each variable of an example a value: the secrets
// of in for the names that carry them, a region, and a map for the for_each
// example. A required variable it cannot fill fails the test, so that a new
// example is either plannable here or needs a third-party provider.
// tokenURL is the double's token endpoint, for an example that takes it as
// a variable (the local one of the user-or-machine guide).
func exampleVariables(t *testing.T, ex exampleConfig, in acctest.TokenInputs, machine acctest.ClientCredentialsInputs, tokenURL string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for name := range ex.variables {
		switch {
		case ex.machineVars[name] == "client_id":
			vars[name] = machine.ClientID
		case ex.machineVars[name] == "client_secret":
			vars[name] = machine.ClientSecret
		case strings.HasSuffix(name, "refresh_token"):
			vars[name] = in.RefreshToken
		case strings.HasSuffix(name, "client_id"):
			vars[name] = in.ClientID
		case strings.HasSuffix(name, "client_secret"):
			if in.ClientSecret != "" {
				vars[name] = in.ClientSecret
			}
		case strings.HasSuffix(name, "device_key"):
			// The pool does not remember devices, so Cognito (and the
			// double) ignore the key; the plan is what is tested here.
			vars[name] = "eu-west-1_5f0d6c1e-8d8b-4b5e-9a55-0123456789ab"
		case strings.HasSuffix(name, "region"):
			vars[name] = "eu-west-1"
		case name == "token_url":
			vars[name] = tokenURL
		case name == "cognito_sessions":
			vars[name] = fmt.Sprintf(`{payments={client_id=%q,refresh_token=%q},search={client_id=%q,refresh_token=%q}}`,
				in.ClientID, in.RefreshToken, in.ClientID, in.RefreshToken)
		case ex.required[name]:
			t.Fatalf("%s: no test value for the required variable %q", ex.name, name)
		}
	}
	return vars
}

// TestAccSavedPlanHoldsNoSecrets plans every example that needs only this
// provider with `plan -out`, against the double, and searches the plan
// file (each member of the zip, every encoding the leak test knows),
// `show -json` of it, and the TRACE logs for the three secret inputs and
// every token the double issued. A control run of the same example with
// the variables' `ephemeral = true` removed must be caught: root variable
// values are written into saved plans.
func TestAccSavedPlanHoldsNoSecrets(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)

	var plannable []exampleConfig
	for _, ex := range examplesFeedingTheResource(t) {
		// The token_claims example puts a postcondition on the ephemeral
		// resource, and Terraform before 1.15 panics in `show -json` of such
		// a plan (hashicorp/terraform#37834). TestAccTokenClaimsExample runs
		// that example with the same searches, per CLI version.
		if filepath.ToSlash(ex.name) == "examples/functions/token_claims" {
			continue
		}
		// The Secrets Manager store example needs the double's Secrets
		// Manager through AWS_ENDPOINT_URL_SECRETS_MANAGER; the leak suite's
		// store scenarios (leak_store_test.go) cover that store.
		if filepath.Base(ex.dir) == "store-secretsmanager" {
			continue
		}
		if ex.dir != "" && ex.onlyThisProvider() {
			plannable = append(plannable, ex)
		}
	}
	if len(plannable) < 3 {
		t.Fatalf("only %d examples can be planned offline; expected the troubleshooting, getting-started and resource-page examples", len(plannable))
	}

	// planExample copies ex, points the provider at the double, runs
	// `plan -out` and `show -json`, and returns the leaks found.
	planExample := func(t *testing.T, ex exampleConfig, stripEphemeral bool) []acctest.Leak {
		p := acctest.NewPool(t, cognitotest.PoolConfig{})
		_, hasSecret := ex.variables["cognito_client_secret"]
		if _, ok := ex.variables["client_secret"]; ok {
			hasSecret = true
		}
		in := p.SignIn(cognitotest.AppClient{GenerateSecret: hasSecret})
		tap := acctest.NewTokenTap(t, p.URL)
		// A machine identity allowed every scope the examples ask for, by
		// the token endpoint and GetClientToken; its blocks get the double's
		// token endpoint (behind the tap) in place of the example's user pool
		// domain, and those without one call GetClientToken on the tap.
		p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
		machine := p.ClientCredentials(acctest.M2MClient)
		domain := regexp.MustCompile(`(?m)^(\s*)domain(\s*)=.*$`)
		dir := t.TempDir()
		entries, err := os.ReadDir(ex.dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") && !strings.HasSuffix(e.Name(), ".tofu") {
				continue
			}
			src, err := os.ReadFile(filepath.Join(ex.dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if stripEphemeral {
				src = regexp.MustCompile(`(?m)^\s*ephemeral\s*=\s*true.*\n`).ReplaceAll(src, nil)
			}
			src = domain.ReplaceAll(src, []byte(fmt.Sprintf("${1}token_url${2}= %q", tap.URL+cognitotest.TokenPath)))
			if err := os.WriteFile(filepath.Join(dir, e.Name()), src, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		// An override file merges into the example's provider block.
		override := fmt.Sprintf("provider \"cognito\" {\n  endpoint = %q\n}\n", tap.URL)
		if err := os.WriteFile(filepath.Join(dir, "endpoint_override.tf"), []byte(override), 0o600); err != nil {
			t.Fatal(err)
		}
		vars := exampleVariables(t, ex, in, machine, tap.URL+cognitotest.TokenPath)
		// The file-store example keeps its refresh token in this file,
		// seeded as its comment says; the store holds the token by design,
		// so it is removed before the search.
		storeFile := filepath.Join(dir, ".cognito-refresh-token")
		if err := os.WriteFile(storeFile, []byte(in.RefreshToken+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if !cli.Run(t, acctest.Masked, dir, vars, "plan", "plan", "-out=tfplan", "-input=false", "-no-color") {
			t.Fatalf("plan -out of %s failed:\n%s", ex.name, acctest.ReadAll(t, dir, ".stderr"))
		}
		for _, f := range []string{storeFile, storeFile + ".lock"} {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
		if tap.RequestCount() == 0 || len(tap.Issued()) == 0 {
			t.Fatalf("planning %s sent no request to the double: nothing was refreshed, so nothing was tested", ex.name)
		}
		if !cli.Run(t, acctest.Masked, dir, vars, "show", "show", "-json", "-no-color", "tfplan") {
			t.Fatalf("show -json tfplan failed:\n%s", acctest.ReadAll(t, dir, "show.stderr"))
		}
		secrets := map[string]string{"refresh_token": in.RefreshToken, "client_id": in.ClientID, "client_secret": in.ClientSecret,
			"machine client_id": machine.ClientID, "machine client_secret": machine.ClientSecret}
		for i, token := range tap.Issued() {
			secrets[fmt.Sprintf("issued token #%d", i+1)] = token
		}
		return acctest.FindLeaks(t, dir, "ephemeral", secrets, nil)
	}

	for _, ex := range plannable {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			for _, l := range planExample(t, ex, false) {
				t.Errorf("leak: %s", l)
			}
		})
	}

	t.Run("control: sensitive-only variables are written into the plan", func(t *testing.T) {
		t.Parallel()
		// The plannable example with the three secret variables and the
		// fewest others (getting-started's check, region beside them).
		var control exampleConfig
		for _, ex := range plannable {
			_, id := ex.variables["cognito_client_id"]
			_, secret := ex.variables["cognito_client_secret"]
			_, token := ex.variables["cognito_refresh_token"]
			if id && secret && token && (control.dir == "" || len(ex.variables) < len(control.variables)) {
				control = ex
			}
		}
		if control.dir == "" {
			t.Fatal("no plannable example with refresh token, client id and client secret variables")
		}
		found := map[string]bool{}
		for _, l := range planExample(t, control, true) {
			if strings.HasPrefix(l.File, "tfplan") {
				found[l.Secret] = true
			}
		}
		for _, s := range secretInputs["cognito_refreshed_tokens"] {
			if !found[s] {
				t.Errorf("%s without ephemeral = true: %s not found in the saved plan; the test above could not see a leak either", control.name, s)
			}
		}
	})
}
