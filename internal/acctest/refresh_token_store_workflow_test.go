package acctest_test

// Issue 16's promise, shown on the real CLI (acctest.NewCLI: the provider
// built once, installed through dev_overrides): with an app client that
// rotates with a grace period of 0, a refresh_token_store keeps the chain
// alive through every everyday workflow (plan-only runs, plan then apply, a
// saved plan applied later, refresh-only, a failed apply, destroy, and
// simultaneous applies sharing one store). After each step the test checks,
// at the double, how many rotations happened, that the store holds the one
// live token of the chain and that the token it held before is rejected.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

const getTokensTarget = "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken"

// workflowStore is one store kind under test, seeded with a first token.
type workflowStore struct {
	kind string
	hcl  string            // the refresh_token_store argument
	env  map[string]string // extra CLI environment (AWS settings)
	read func(t *testing.T) string
}

// newFileWorkflowStore seeds a file store the way the docs tell users to: mode 0600.
func newFileWorkflowStore(t *testing.T, token string) workflowStore {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cognito-refresh-token")
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return workflowStore{
		kind: "file",
		hcl:  fmt.Sprintf("refresh_token_store = {\n    file = %q\n  }", path),
		read: func(t *testing.T) string {
			t.Helper()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("reading the file store: %v", err)
			}
			return acctest.StoredRefreshToken(string(data))
		},
	}
}

// workflow is one app client with rotation (grace 0), one store and the
// double behind a tap that records every token it issues.
type workflow struct {
	cli   *acctest.CLI
	p     *acctest.Pool
	tap   *acctest.TokenTap
	kind  string // "ephemeral" or "data source"
	store workflowStore
	in    acctest.TokenInputs
	// rotations already accounted for by the steps so far
	rotations int
	// the tokens the store held before, all of which must now be rejected
	retired []string
}

// newWorkflow follows the chain open by open: its double issues sets past
// half their life, so the store refreshes at every open instead of reusing.
func newWorkflow(t *testing.T, cli *acctest.CLI, kind string, newStore func(t *testing.T, p *acctest.Pool, token string) workflowStore) *workflow {
	t.Helper()
	return newWorkflowOn(t, cli, kind, newStore, cognitotest.PoolConfig{Now: acctest.SetsPastHalfLife})
}

// newWorkflowOn is newWorkflow on a double configured by cfg.
func newWorkflowOn(t *testing.T, cli *acctest.CLI, kind string, newStore func(t *testing.T, p *acctest.Pool, token string) workflowStore, cfg cognitotest.PoolConfig) *workflow {
	t.Helper()
	p := acctest.NewPool(t, cfg)
	in := p.SignIn(cognitotest.AppClient{Rotation: true, GracePeriod: 0})
	w := &workflow{cli: cli, p: p, tap: acctest.NewTokenTap(t, p.URL), kind: kind, in: in}
	w.store = newStore(t, p, in.RefreshToken)
	return w
}

// config is the configuration of one working directory; failAfterOpen adds
// a resource whose creation fails after the tokens were used.
func (w *workflow) config(failAfterOpen bool) string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}

variable "client_id" {
  type      = string
  sensitive = true
`)
	if w.kind == "ephemeral" {
		b.WriteString("  ephemeral = true\n")
	}
	b.WriteString("}\n\n")
	b.WriteString(acctest.ProviderHCL(w.tap.URL, "eu-west-1"))
	block := `"cognito_refreshed_tokens" "session" {
  client_id = var.client_id
  ` + w.store.hcl + `
}
`
	if w.kind == "ephemeral" {
		// The token is used by what the apply creates, so both CLIs open the
		// resource at plan and again at apply (TestAccEphemeralOpensPerPhase).
		b.WriteString("\nephemeral " + block + `
resource "terraform_data" "consumer" {
  provisioner "local-exec" {
    command = "test \"$(printf %s \"$TOKEN\" | tr -cd . | wc -c)\" -eq 2"
    environment = {
      TOKEN = ephemeral.cognito_refreshed_tokens.session.access_token
    }
  }
}
`)
		if failAfterOpen {
			b.WriteString(`
resource "terraform_data" "downstream" {
  depends_on = [terraform_data.consumer]
  provisioner "local-exec" {
    command = "echo downstream deployment failed >&2; exit 1"
    environment = {
      TOKEN = ephemeral.cognito_refreshed_tokens.session.access_token
    }
  }
}
`)
		}
		return b.String()
	}
	b.WriteString("\ndata " + block + `
resource "terraform_data" "consumer" {
  input = data.cognito_refreshed_tokens.session.expires_in
}
`)
	if failAfterOpen {
		b.WriteString(`
resource "terraform_data" "downstream" {
  depends_on = [terraform_data.consumer]
  provisioner "local-exec" {
    command = "echo downstream deployment failed >&2; exit 1"
  }
}
`)
	}
	return b.String()
}

// newDir writes a working directory for this workflow.
func (w *workflow) newDir(t *testing.T, failAfterOpen bool) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(w.config(failAfterOpen)), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// run runs the CLI in dir (stdout and stderr into <name>.stdout/.stderr)
// with the store's environment; it reports whether the command succeeded.
func (w *workflow) run(t *testing.T, dir, name string, args ...string) bool {
	t.Helper()
	env := map[string]string{
		"TF_CLI_CONFIG_FILE": w.cli.ConfigFile(acctest.Masked),
		"TF_VAR_client_id":   w.in.ClientID,
	}
	for k, v := range w.store.env {
		env[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.cli.Path, args...)
	cmd.Dir = dir
	cmd.Env = acctest.Env(env)
	return acctest.RunCaptured(t, cmd, dir, name)
}

// mustRun fails the test unless the command succeeds.
func (w *workflow) mustRun(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	// Flags go before a saved plan's file name.
	args = append([]string{args[0], "-input=false", "-no-color"}, args[1:]...)
	if !w.run(t, dir, name, args...) {
		t.Fatalf("%s %s failed:\n%s", w.cli.Version, name, acctest.ReadAll(t, dir, name+".stderr"))
	}
}

// rotationsAtDouble counts the GetTokensFromRefreshToken calls the double
// answered with tokens: with rotation on, each one rotated the token.
func (w *workflow) rotationsAtDouble() int {
	n := 0
	for _, r := range w.p.Requests() {
		if r.Target == getTokensTarget && r.Status == http.StatusOK {
			n++
		}
	}
	return n
}

// check asserts, after a step, that it rotated the token exactly want
// times (at least want when exact is false), that the store holds the one
// live token of the chain (issued by the double, never presented since:
// with grace 0 that is the only token Cognito still accepts), and that every
// token the store held before is rejected as rotated.
func (w *workflow) check(t *testing.T, step string, want int, exact bool) {
	t.Helper()
	got := w.rotationsAtDouble() - w.rotations
	if got != want && (exact || got < want) {
		t.Errorf("%s: %s rotated the token %d time(s), want %d", w.cli.Version, step, got, want)
	}
	if !exact {
		t.Logf("%s: %s rotated the token %d time(s)", w.cli.Version, step, got)
	}
	w.rotations += got
	current := w.store.read(t)
	if !w.issued(current) {
		t.Errorf("%s: after %s the store holds a token the double never issued", w.cli.Version, step)
	}
	if w.presented(current) {
		t.Errorf("%s: after %s the store holds a token that was already exchanged (not the latest one)", w.cli.Version, step)
	}
	for i, old := range w.retired {
		if old == current {
			continue
		}
		if errType := probe(t, w.p.URL, w.in.ClientID, old); errType != "RefreshTokenReuseException" {
			t.Errorf("%s: after %s, the store's token #%d of the chain answers %q, want RefreshTokenReuseException", w.cli.Version, step, i+1, errType)
		}
	}
	if len(w.retired) == 0 || w.retired[len(w.retired)-1] != current {
		w.retired = append(w.retired, current)
	}
}

// issued: the double issued token as a refresh token (or it was the
// sign-in's first one).
func (w *workflow) issued(token string) bool {
	if token == w.in.RefreshToken {
		return true
	}
	for _, s := range w.tap.Issued() {
		if s == token {
			return true
		}
	}
	return false
}

// presented: a successful exchange already spent token.
func (w *workflow) presented(token string) bool {
	for _, r := range w.p.Requests() {
		if r.Target == getTokensTarget && r.Status == http.StatusOK && r.Input.RefreshToken == token {
			return true
		}
	}
	return false
}

// probe presents token to the double once and returns the error type ("" on
// success). A rejected token changes nothing at the double.
func probe(t *testing.T, endpoint, clientID, token string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"ClientId": clientID, "RefreshToken": token})
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", getTokensTarget)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("probing the double: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return ""
	}
	var answer struct {
		Type string `json:"__type"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&answer)
	return answer.Type
}

// finalRefresh shows the store's token works: one more exchange with it.
func (w *workflow) finalRefresh(t *testing.T) {
	t.Helper()
	if errType := probe(t, w.p.URL, w.in.ClientID, w.store.read(t)); errType != "" {
		t.Errorf("%s: a refresh with the store's final token failed: %s", w.cli.Version, errType)
	}
}

// opensPerPlan and opensPerApply: how many times one plan, and the apply of
// a saved plan, open (ephemeral) or read (data source) the block.
func (w *workflow) opensPerApply() int {
	if w.kind == "ephemeral" {
		return 1 // the apply uses the token (terraform_data.consumer)
	}
	return 0 // a data source is read while planning only
}

type storeFactory struct {
	kind string
	new  func(t *testing.T, p *acctest.Pool, token string) workflowStore
}

func workflowStores() []storeFactory {
	return []storeFactory{
		{"file", func(t *testing.T, _ *acctest.Pool, token string) workflowStore { return newFileWorkflowStore(t, token) }},
		{"secretsmanager", newSecretsManagerWorkflowStore},
	}
}

func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
}

// TestAccRefreshTokenStoreWorkflows runs the everyday workflows one after
// the other on one chain, for both types and both store kinds.
func TestAccRefreshTokenStoreWorkflows(t *testing.T) {
	requireAcc(t)
	cli := acctest.NewCLI(t)
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, sf := range workflowStores() {
			t.Run(kind+"/"+sf.kind, func(t *testing.T) {
				t.Parallel()
				w := newWorkflow(t, cli, kind, sf.new)
				dir := w.newDir(t, false)
				w.check(t, "seeding", 0, true)

				for i := range 3 {
					w.mustRun(t, dir, fmt.Sprintf("plan-only-%d", i+1), "plan")
					w.check(t, fmt.Sprintf("plan-only run %d", i+1), 1, true)
				}

				w.mustRun(t, dir, "plan", "plan")
				w.check(t, "plan", 1, true)
				w.mustRun(t, dir, "apply", "apply", "-auto-approve")
				w.check(t, "apply -auto-approve", 1+w.opensPerApply(), true)

				// A saved plan applied later, after another run (a PR check
				// elsewhere) rotated the token, and past any grace period. It
				// replaces the consumer, so its apply uses the token on both
				// CLIs (OpenTofu opens at apply only then).
				w.mustRun(t, dir, "plan-out", "plan", "-replace=terraform_data.consumer", "-out=tfplan")
				w.check(t, "plan -out", 1, true)
				w.mustRun(t, w.newDir(t, false), "plan-elsewhere", "plan")
				w.check(t, "a plan in another working directory", 1, true)
				w.p.Advance(2 * time.Minute)
				w.mustRun(t, dir, "apply-saved", "apply", "tfplan")
				w.check(t, "apply of the saved plan", w.opensPerApply(), true)

				w.mustRun(t, dir, "refresh-only", "apply", "-refresh-only", "-auto-approve")
				w.check(t, "apply -refresh-only", 1, false)

				failing := w.newDir(t, true)
				if w.run(t, failing, "apply-failing", "apply", "-auto-approve", "-input=false", "-no-color") {
					t.Fatalf("%s: the apply with a failing downstream resource succeeded", cli.Version)
				}
				if stderr := acctest.ReadAll(t, failing, "apply-failing.stderr"); !strings.Contains(stderr, "downstream deployment failed") {
					t.Fatalf("%s: the apply failed for another reason than the downstream resource:\n%s", cli.Version, stderr)
				}
				w.check(t, "a failed apply", 1+w.opensPerApply(), true)

				w.mustRun(t, dir, "destroy", "destroy", "-auto-approve")
				w.check(t, "destroy", 1, false)

				w.mustRun(t, dir, "plan-after", "plan")
				w.check(t, "a plan after all of the above", 1, true)
				w.finalRefresh(t)
				t.Logf("%s, %s with the %s store: %d rotations, the chain intact", cli.Version, kind, sf.kind, w.rotations)
			})
		}
	}
}

// TestAccRefreshTokenStoreConcurrentApplies runs 6 applies at once in
// separate working directories sharing one store: all succeed (lost races
// keep the winner's token; a run whose token was rotated under it rereads
// the store), every open rotates once, and the store ends with a token that
// works.
func TestAccRefreshTokenStoreConcurrentApplies(t *testing.T) {
	requireAcc(t)
	cli := acctest.NewCLI(t)
	const runs = 6
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, sf := range workflowStores() {
			t.Run(kind+"/"+sf.kind, func(t *testing.T) {
				t.Parallel()
				w := newWorkflow(t, cli, kind, sf.new)
				w.check(t, "seeding", 0, true)
				dirs := make([]string, runs)
				for i := range dirs {
					dirs[i] = w.newDir(t, false)
				}
				var wg sync.WaitGroup
				ok := make([]bool, runs)
				for i, dir := range dirs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ok[i] = w.run(t, dir, "apply", "apply", "-auto-approve", "-input=false", "-no-color")
					}()
				}
				wg.Wait()
				for i, dir := range dirs {
					if !ok[i] {
						t.Errorf("%s: concurrent apply %d of %d failed:\n%s", cli.Version, i+1, runs, acctest.ReadAll(t, dir, "apply.stderr"))
					}
				}
				w.check(t, fmt.Sprintf("%d concurrent applies", runs), runs*(1+w.opensPerApply()), true)
				w.finalRefresh(t)
				t.Logf("%s, %s with the %s store: %d concurrent applies, %d rotations", cli.Version, kind, sf.kind, runs, w.rotations)
			})
		}
	}
}

// newSecretsManagerWorkflowStore seeds a secret at the double, which serves Secrets
// Manager on the same URL; the CLI reaches it through
// AWS_ENDPOINT_URL_SECRETS_MANAGER with dummy keys (the double checks the
// SigV4 form, not the signature).
func newSecretsManagerWorkflowStore(t *testing.T, p *acctest.Pool, token string) workflowStore {
	t.Helper()
	const name = "terraform/cognito-refresh-token"
	p.CreateSecret(name, token)
	return workflowStore{
		kind: "secretsmanager",
		hcl:  fmt.Sprintf("refresh_token_store = {\n    secretsmanager_secret_id = %q\n  }", name),
		env: map[string]string{
			"AWS_ENDPOINT_URL_SECRETS_MANAGER": p.URL,
			"AWS_ACCESS_KEY_ID":                "AKIAIOSFODNN7EXAMPLE",
			"AWS_SECRET_ACCESS_KEY":            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		},
		read: func(t *testing.T) string {
			t.Helper()
			value, ok := p.SecretValue(name)
			if !ok {
				t.Fatal("the secret has no current version")
			}
			return acctest.StoredRefreshToken(value)
		},
	}
}
