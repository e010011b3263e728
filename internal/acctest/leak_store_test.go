package acctest_test

// The leak suite for the refresh-token store: a rotating app client (grace
// period 0) behind a file store and a Secrets Manager store (the double's,
// through AWS_ENDPOINT_URL_SECRETS_MANAGER with dummy credentials), run
// through a real CLI with TF_LOG=TRACE. Every refresh token the store held,
// every token Cognito issued and the AWS secret key are searched for in the
// logs, outputs, plan files and state.

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// Dummy credentials for the double's Secrets Manager, searched for too.
const (
	storeAccessKeyID     = "AKIDLEAKSTOREDOUBLE0"
	storeSecretAccessKey = "leak-store-secret-access-key-0123456789"
)

func TestAccNoSecretLeaksStore(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	t.Logf("leak-checking the store against %s (%s)", cli.Version, cli.Path)
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, storeKind := range []string{"file", "secretsmanager"} {
			t.Run(kind+"/"+storeKind, func(t *testing.T) {
				t.Parallel()
				runStoreLeakScenario(t, cli, kind, storeKind)
			})
		}
	}
}

func runStoreLeakScenario(t *testing.T, cli *acctest.CLI, kind, storeKind string) {
	// Sets past half their life: plan and apply each rotate.
	p := acctest.NewPool(t, cognitotest.PoolConfig{Now: acctest.SetsPastHalfLife})
	in := p.SignIn(cognitotest.AppClient{Rotation: true})
	first := in.RefreshToken
	tap := acctest.NewTokenTap(t, p.URL)

	env := map[string]string{}
	var storeHCL string
	var current func() string
	switch storeKind {
	case "file":
		// Outside the working directory, which is searched.
		file := filepath.Join(t.TempDir(), "refresh-token")
		if err := os.WriteFile(file, []byte(first+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		storeHCL = fmt.Sprintf("refresh_token_store = {\n    file = %q\n  }", file)
		current = func() string {
			b, _ := os.ReadFile(file)
			return acctest.StoredRefreshToken(string(b))
		}
	default:
		const secret = "terraform/cognito-refresh-token"
		p.CreateSecret(secret, first)
		env = map[string]string{
			"AWS_ENDPOINT_URL_SECRETS_MANAGER": p.URL,
			"AWS_ACCESS_KEY_ID":                storeAccessKeyID,
			"AWS_SECRET_ACCESS_KEY":            storeSecretAccessKey,
		}
		storeHCL = fmt.Sprintf("refresh_token_store = {\n    secretsmanager_secret_id = %q\n  }", secret)
		current = func() string {
			v, _ := p.SecretValue(secret)
			return acctest.StoredRefreshToken(v)
		}
	}

	dir := t.TempDir()
	literal := in
	literal.RefreshToken = ""
	literal.Extra = []string{storeHCL}
	hcl, vars := leakConfig(kind, tap.URL, nil, literal)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) bool {
		return cli.RunTracedWithEnv(t, dir, vars, env, name, args...)
	}
	ok := planAndApply(t, kind, run)
	checkOutcome(t, kind, ok, nil, acctest.ReadAll(t, dir, ".stderr"))
	var cliSensitive map[string]bool
	if kind == "data source" && ok {
		cliSensitive = sensitiveValuesShown(t, cli, acctest.Masked, dir, refreshedTokensAddress)
	}

	// Plan and apply each refreshed once, rotating the token each time
	// (grace 0): the chain held only if the store kept up.
	if got := p.RequestCount(); got != 2 {
		t.Errorf("Cognito saw %d requests, want 2 (plan and apply)", got)
	}
	issued := tap.Issued()
	last := current()
	if last == first || !containsString(issued, last) {
		t.Error("the store does not hold the last rotated token")
	}

	secrets := map[string]string{
		"refresh token first stored": first,
		"client_id":                  in.ClientID,
		"AWS secret access key":      storeSecretAccessKey,
	}
	for i, token := range issued {
		secrets[fmt.Sprintf("issued token #%d", i+1)] = token
	}
	for _, l := range acctest.FindLeaks(t, dir, kind, secrets, cliSensitive) {
		t.Errorf("leak: %s", l)
	}
	if t.Failed() {
		t.Logf("working directory %s kept until the test ends", dir)
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
