package acctest_test

// What the docs say about how Terraform and OpenTofu treat the ephemeral
// resource, observed through the real CLI (TF_ACC_TERRAFORM_PATH) with the
// provider installed through dev_overrides (acctest.NewCLI): how often each
// phase opens it, and the errors a user meets putting its values where they
// are not allowed. Run on both CLIs by CI (scripts/test.sh with TFCLI).

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// phaseConfig is a configuration with one ephemeral instance fed by
// ephemeral variables; body adds what uses (or does not use) its value.
func phaseConfig(endpoint, body string) string {
	return `terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}

variable "refresh_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

` + acctest.ProviderHCL(endpoint, "eu-west-1", "max_retries = 0") + `
ephemeral "cognito_refreshed_tokens" "session" {
  refresh_token = var.refresh_token
  client_id     = var.client_id
}
` + body
}

// A managed resource whose creation uses the token: a local-exec
// provisioner (which accepts ephemeral values) checks that it is a bearer
// token of three JWT parts. Creating it is the apply's work.
const usedAtApply = `
resource "terraform_data" "consumer" {
  provisioner "local-exec" {
    command = "test \"$(printf %s \"$TOKEN\" | tr -cd . | wc -c)\" -eq 2"
    environment = {
      TOKEN = ephemeral.cognito_refreshed_tokens.session.access_token
    }
  }
}
`

// Nothing uses the token; the apply still has a resource to create.
const unused = `
resource "terraform_data" "consumer" {
  input = "unrelated"
}
`

// usedByPlanOnlyProvider configures a second provider from the token; its
// only work is a data source read during plan, so the apply has nothing for
// it to do (the shape of examples/demo).
func usedByPlanOnlyProvider(endpoint string, other acctest.TokenInputs) string {
	return fmt.Sprintf(`
provider "cognito" {
  alias       = "configured_by_token"
  region      = length(ephemeral.cognito_refreshed_tokens.session.access_token) > 0 ? "eu-west-1" : "us-east-1"
  endpoint    = %q
  max_retries = 0
}

data "cognito_refreshed_tokens" "read_at_plan" {
  provider      = cognito.configured_by_token
  refresh_token = %q
  client_id     = %q
}

resource "terraform_data" "unrelated" {
  input = "created at apply"
}
`, endpoint, other.RefreshToken, other.ClientID)
}

// TestAccEphemeralOpensPerPhase counts the GetTokensFromRefreshToken calls
// made with the ephemeral resource's refresh token during `plan -out`, during
// `apply` of that plan, then `apply -refresh-only` and `destroy`. What it
// shows, and the docs say:
//
//   - Terraform opens the ephemeral resource at plan and again at apply,
//     whether or not anything in the apply uses it.
//   - OpenTofu opens it at plan, and at apply only when something the apply
//     does uses it: its apply graph drops unreferenced ephemeral resources
//     (pruneUnusedNodes in internal/tofu/transform_destroy_edge.go, v1.12.6:
//     "there is no need for an ephemeral to be opened during apply if its
//     value will not be used").
//   - Both open it for `apply -refresh-only` and for `destroy`.
func TestAccEphemeralOpensPerPhase(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)

	cases := []struct {
		name string
		body func(p *acctest.Pool) string
		// opens at apply; at plan both CLIs open it once.
		terraformApply, openTofuApply int
	}{
		{"used by a resource created at apply", func(*acctest.Pool) string { return usedAtApply }, 1, 1},
		{"used by nothing", func(*acctest.Pool) string { return unused }, 1, 0},
		{"used by a provider with work at plan only", func(p *acctest.Pool) string {
			return usedByPlanOnlyProvider(p.URL, p.SignIn(cognitotest.AppClient{}))
		}, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			in := p.SignIn(cognitotest.AppClient{})
			vars := map[string]string{"refresh_token": in.RefreshToken, "client_id": in.ClientID}
			opens := func() int {
				n := 0
				for _, r := range p.Requests() {
					if r.Input.RefreshToken == in.RefreshToken {
						n++
					}
				}
				return n
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(phaseConfig(p.URL, tc.body(p))), 0o600); err != nil {
				t.Fatal(err)
			}
			if !cli.Run(t, acctest.Masked, dir, vars, "plan", "plan", "-out=tfplan", "-input=false", "-no-color") {
				t.Fatalf("plan failed:\n%s", acctest.ReadAll(t, dir, ".stderr"))
			}
			atPlan := opens()
			if !cli.Run(t, acctest.Masked, dir, vars, "apply", "apply", "-input=false", "-no-color", "tfplan") {
				t.Fatalf("apply failed:\n%s", acctest.ReadAll(t, dir, ".stderr"))
			}
			atApply := opens() - atPlan
			t.Logf("%s, %s: %d open(s) at plan, %d at apply", cli.Version, tc.name, atPlan, atApply)

			before := opens()
			if !cli.Run(t, acctest.Masked, dir, vars, "refresh", "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color") {
				t.Fatalf("apply -refresh-only failed:\n%s", acctest.ReadAll(t, dir, ".stderr"))
			}
			atRefreshOnly := opens() - before
			before = opens()
			if !cli.Run(t, acctest.Masked, dir, vars, "destroy", "destroy", "-auto-approve", "-input=false", "-no-color") {
				t.Fatalf("destroy failed:\n%s", acctest.ReadAll(t, dir, ".stderr"))
			}
			atDestroy := opens() - before
			t.Logf("%s, %s: %d open(s) for apply -refresh-only, %d for destroy", cli.Version, tc.name, atRefreshOnly, atDestroy)
			// Both runs open it on both CLIs: with a rotating client each one
			// rotates the token, and nothing stores the new one.
			if atRefreshOnly == 0 || atDestroy == 0 {
				t.Errorf("%s did not open the ephemeral resource for apply -refresh-only (%d) or destroy (%d)", cli.Version, atRefreshOnly, atDestroy)
			}

			wantApply := tc.terraformApply
			if cli.IsOpenTofu() {
				wantApply = tc.openTofuApply
			}
			if atPlan != 1 || atApply != wantApply {
				t.Errorf("%s opened the ephemeral resource %d time(s) at plan and %d at apply, want 1 and %d",
					cli.Version, atPlan, atApply, wantApply)
			}
		})
	}
}

// TestAccEphemeralValuePlaces pins the errors each CLI reports when an
// ephemeral value goes where values are saved (the troubleshooting and
// migration guides quote them), and that every place the docs list as
// accepting one does: locals, provider blocks, other ephemeral resources,
// ephemeral variables and `ephemeral = true` outputs of child modules,
// provisioner and connection blocks. (Write-only arguments accept them too,
// but no provider available offline has one; see Terraform's
// website/docs/language/resources/ephemeral/write-only.mdx and OpenTofu's
// website/docs/language/ephemerality/write-only-attributes.mdx.)
func TestAccEphemeralValuePlaces(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)

	childModule := func(outputEphemeral bool) map[string]string {
		out := "output \"token\" {\n  value = var.token\n"
		if outputEphemeral {
			out += "  ephemeral = true\n"
		}
		return map[string]string{"child/main.tf": `variable "token" {
  type      = string
  ephemeral = true
}

` + out + "}\n"}
	}
	const (
		// Where the CLIs word them: Terraform v1.11.4
		// internal/terraform/{node_resource_validate,node_output,eval_count,
		// eval_for_each}.go; OpenTofu v1.12.6 internal/lang/eval.go,
		// internal/tofu/node_output.go, internal/lang/evalchecks/
		// {eval_count,eval_for_each}.go.
		tfResourceArg   = `Invalid use of ephemeral value`
		tofuResourceArg = `Ephemeral value used in non-ephemeral context`
		tfOutput        = `Ephemeral value not allowed`
		tofuOutput      = `Output does not allow ephemeral value`
	)
	cases := []struct {
		name     string
		body     string
		files    map[string]string
		tf, tofu string // the error's summary; "" = accepted
	}{
		{name: "count", body: `
resource "terraform_data" "x" {
  count = length(ephemeral.cognito_refreshed_tokens.session.access_token) > 0 ? 1 : 0
}
`, tf: `Invalid count argument`, tofu: `Invalid count argument`},
		{name: "for_each", body: `
resource "terraform_data" "x" {
  for_each = toset([ephemeral.cognito_refreshed_tokens.session.token_type])
}
`, tf: `Invalid for_each argument`, tofu: `Invalid for_each argument`},
		{name: "data source argument", body: `
data "cognito_refreshed_tokens" "x" {
  refresh_token = ephemeral.cognito_refreshed_tokens.session.access_token
  client_id     = "abc"
}
`, tf: tfResourceArg, tofu: tofuResourceArg},
		{name: "resource argument", body: `
resource "terraform_data" "x" {
  input = ephemeral.cognito_refreshed_tokens.session.access_token
}
`, tf: tfResourceArg, tofu: tofuResourceArg},
		{name: "root output", body: `
output "token" {
  value     = ephemeral.cognito_refreshed_tokens.session.access_token
  sensitive = true
}
`, tf: tfOutput, tofu: tofuOutput},
		{name: "child module output not declared ephemeral", body: `
module "child" {
  source = "./child"
  token  = ephemeral.cognito_refreshed_tokens.session.access_token
}
`, files: childModule(false), tf: tfOutput, tofu: tofuOutput},
		{name: "accepted places", body: usedAtApply + `
locals {
  header = "Bearer ${ephemeral.cognito_refreshed_tokens.session.access_token}"
}

module "child" {
  source = "./child"
  token  = local.header
}

provider "cognito" {
  alias    = "configured_by_token"
  region   = startswith(module.child.token, "Bearer ") ? "eu-west-1" : "us-east-1"
  endpoint = "ENDPOINT"
}

ephemeral "cognito_refreshed_tokens" "chained" {
  provider      = cognito.configured_by_token
  refresh_token = var.refresh_token
  client_id     = var.client_id
  client_metadata = {
    header_seen = tostring(length(module.child.token) > 0)
  }
}

resource "terraform_data" "remote" {
  connection {
    type     = "ssh"
    host     = "127.0.0.1"
    user     = "deploy"
    password = ephemeral.cognito_refreshed_tokens.session.access_token
  }
  # Planned only: never connects.
  provisioner "remote-exec" {
    inline = ["true"]
  }
}
`, files: childModule(true)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			in := p.SignIn(cognitotest.AppClient{})
			vars := map[string]string{"refresh_token": in.RefreshToken, "client_id": in.ClientID}
			dir := t.TempDir()
			files := map[string]string{"main.tf": phaseConfig(p.URL, strings.ReplaceAll(tc.body, "ENDPOINT", p.URL))}
			for name, content := range tc.files {
				files[name] = content
			}
			for name, content := range files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			// `get` installs local modules; `init` would ask a registry
			// about the dev_overrides provider.
			if len(tc.files) > 0 && !cli.Run(t, acctest.Masked, dir, vars, "get", "get", "-no-color") {
				t.Fatalf("get failed:\n%s%s", acctest.ReadAll(t, dir, "get.stdout"), acctest.ReadAll(t, dir, "get.stderr"))
			}
			ok := cli.Run(t, acctest.Masked, dir, vars, "plan", "plan", "-input=false", "-no-color")
			stderr := acctest.ReadAll(t, dir, "plan.stderr")
			want := tc.tf
			if cli.IsOpenTofu() {
				want = tc.tofu
			}
			switch {
			case want == "" && !ok:
				t.Errorf("%s rejected a place the docs list as accepting ephemeral values:\n%s", cli.Version, stderr)
			case want != "" && ok:
				t.Errorf("%s accepted an ephemeral value in a %s", cli.Version, tc.name)
			case want != "" && !regexp.MustCompile(`Error: `+regexp.QuoteMeta(want)+`\n`).MatchString(stderr):
				t.Errorf("%s: want the error %q, got:\n%s", cli.Version, want, stderr)
			}
		})
	}
}

// TestAccVersionFilesFailClearly backs the docs' advice for making an old
// CLI fail with a version error: `required_version` in versions.tf for
// Terraform, and the same in versions.tofu for OpenTofu. OpenTofu 1.8 and
// later read x.tofu instead of x.tf, and OpenTofu 1.12 ignores
// `required_version` in .tf files altogether (internal/configs/
// diagnostics.go checkVersionRequirements, v1.12.6; website/docs/language/
// settings/index.mdx), so a versions.tf alone does not constrain it.
// Impossible versions stand in for "newer than this CLI".
func TestAccVersionFilesFailClearly(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	constraint := func(v string) string { return "terraform {\n  required_version = \"" + v + "\"\n}\n" }

	cases := []struct {
		name     string
		files    map[string]string
		tf, tofu string // expected error summary; "" = accepted
	}{
		{"versions.tf only", map[string]string{"versions.tf": constraint(">= 99.0")},
			"Unsupported Terraform Core version", ""},
		{"versions.tofu beside versions.tf", map[string]string{"versions.tf": constraint(">= 1.0"), "versions.tofu": constraint(">= 99.0")},
			"", "Incompatible module"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, content := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			ok := cli.Run(t, acctest.Masked, dir, nil, "validate", "validate", "-no-color")
			out := acctest.ReadAll(t, dir, "validate.stdout") + acctest.ReadAll(t, dir, "validate.stderr")
			want := tc.tf
			if cli.IsOpenTofu() {
				want = tc.tofu
			}
			switch {
			case want == "" && !ok:
				t.Errorf("%s refused the configuration:\n%s", cli.Version, out)
			case want != "" && (ok || !strings.Contains(out, "Error: "+want)):
				t.Errorf("%s: want the error %q, got (ok=%v):\n%s", cli.Version, want, ok, out)
			}
		})
	}
}

// TestAccBadInputUnknownValues: a refresh token that is not known at plan
// (computed by a resource) makes neither CLI open the ephemeral resource or
// read the data source at plan: no error, no request.
func TestAccBadInputUnknownValues(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	for _, kind := range []string{"ephemeral", "data"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			in := p.SignIn(cognitotest.AppClient{})
			dir := t.TempDir()
			hcl := fmt.Sprintf(`terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}
%s
resource "terraform_data" "token" {
  input = %q
}

%s "cognito_refreshed_tokens" "test" {
  refresh_token = terraform_data.token.output
  client_id     = %q
}
`, acctest.ProviderHCL(p.URL, "eu-west-1"), in.RefreshToken, kind, in.ClientID)
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o600); err != nil {
				t.Fatal(err)
			}
			if !cli.Run(t, acctest.Masked, dir, nil, "plan", "plan", "-no-color", "-input=false") {
				t.Fatalf("plan failed:\n%s", acctest.ReadAll(t, dir, ".stderr"))
			}
			if n := p.RequestCount(); n != 0 {
				t.Errorf("the double saw %d requests at plan, want 0", n)
			}
		})
	}
}
