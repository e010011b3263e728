package acctest_test

// The Secrets Manager store's version management through a real CLI: the
// version-quota check refuses before Cognito spends the token, and a swap
// that failed after the write is finished by the next run.

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/tokenstore"
)

// smStoreDir writes a working directory whose ephemeral resource keeps its
// token in secret at p, and returns it with the CLI's environment.
func smStoreDir(t *testing.T, p *acctest.Pool, in acctest.TokenInputs, secret string) (string, map[string]string) {
	t.Helper()
	env := map[string]string{
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": p.URL,
		"AWS_ACCESS_KEY_ID":                storeAccessKeyID,
		"AWS_SECRET_ACCESS_KEY":            storeSecretAccessKey,
	}
	literal := in
	literal.RefreshToken, literal.Extra = "", []string{fmt.Sprintf("refresh_token_store = {\n    secretsmanager_secret_id = %q\n  }", secret)}
	// A short timeout: a run that failed to find the pending version would
	// wait for it after the reuse error.
	hcl, vars := leakConfig("ephemeral", p.URL, []string{"max_retries = 1", `timeout = "20s"`}, literal)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.tf"), hcl)
	for k, v := range vars {
		env["TF_VAR_"+k] = v
	}
	return dir, env
}

// TestAccStoreSecretsManagerQuota: a secret that holds as many recent
// versions as the check allows stops the run before the exchange; the
// diagnostic says nothing was spent, and the token still works.
func TestAccStoreSecretsManagerQuota(t *testing.T) {
	requireAcc(t)
	cli := acctest.NewCLI(t)
	p := acctest.NewPool(t, cognitotest.PoolConfig{})
	in := p.SignIn(cognitotest.AppClient{Rotation: true})
	const secret = "terraform/quota"
	p.CreateSecret(secret, in.RefreshToken)
	// With the current version, 90 held: no room beyond the reserve.
	p.AddSecretVersions(secret, tokenstore.SecretVersionQuota-tokenstore.VersionReserve-1, time.Hour)
	dir, env := smStoreDir(t, p, in, secret)
	ok, out, _ := cli.RunWithEnv(t, dir, env, acctest.CommandTimeout, "plan", "-no-color", "-input=false")
	want := regexp.MustCompile(`(?s)version quota reached.*holds\s+90\s+versions.*min_remaining_validity.*Nothing\s+was\s+spent`)
	if ok || !want.MatchString(out) {
		t.Fatalf("%s: plan succeeded = %v, want an error matching %s:\n%s", cli.Version, ok, want, out)
	}
	if n := p.RequestCount(); n != 0 {
		t.Errorf("%s: Cognito saw %d requests; the refusal must come first", cli.Version, n)
	}
	if n := p.SecretsManagerCalls(cognitotest.SMPutSecretValue); n != 0 {
		t.Errorf("%s: %d PutSecretValue calls", cli.Version, n)
	}
	if strings.Contains(out, in.RefreshToken) {
		t.Error("the output shows the refresh token")
	}
	if errType := probe(t, p.URL, in.ClientID, in.RefreshToken); errType != "" {
		t.Errorf("%s: the token in the store no longer works: %s", cli.Version, errType)
	}
}

// TestAccStoreSecretsManagerFailedSwap: the swap after the write fails, so
// the run names the pending version and the command that makes it current;
// the next run promotes it itself and goes on (grace 0: the token in
// AWSCURRENT is spent, only the pending one works).
func TestAccStoreSecretsManagerFailedSwap(t *testing.T) {
	requireAcc(t)
	cli := acctest.NewCLI(t)
	// Sets past half their life: the pending version's set is refreshed,
	// not reused, so the recovery is seen at Cognito.
	p := acctest.NewPool(t, cognitotest.PoolConfig{Now: acctest.SetsPastHalfLife})
	in := p.SignIn(cognitotest.AppClient{Rotation: true})
	const secret = "terraform/swap"
	p.CreateSecret(secret, in.RefreshToken)
	current := p.SecretStages(secret)[cognitotest.StageCurrent]
	dir, env := smStoreDir(t, p, in, secret)

	p.DenySecretsManager(cognitotest.SMUpdateSecretVersionStage)
	ok, out, _ := cli.RunWithEnv(t, dir, env, acctest.CommandTimeout, "plan", "-no-color", "-input=false")
	pending := p.SecretStages(secret)[tokenstore.PendingStage]
	if ok || pending == "" || pending == current {
		t.Fatalf("%s: plan succeeded = %v, pending version %q:\n%s", cli.Version, ok, pending, out)
	}
	// The CLI wraps long lines: compare without line breaks.
	flat := strings.Join(strings.Fields(out), " ")
	command := "aws secretsmanager update-secret-version-stage --secret-id " + secret + " --version-stage AWSCURRENT --move-to-version-id " + pending + " --remove-from-version-id " + current
	for _, want := range []string{"kept in a pending version", "not lost", command} {
		if !strings.Contains(flat, want) {
			t.Errorf("%s: no %q in:\n%s", cli.Version, want, out)
		}
	}

	p.DenySecretsManager()
	before := p.RequestCount()
	if ok, out, _ := cli.RunWithEnv(t, dir, env, acctest.CommandTimeout, "plan", "-no-color", "-input=false"); !ok {
		t.Fatalf("%s: the run after the failed swap:\n%s", cli.Version, out)
	}
	// Terraform opens once at plan; each open rotated from the pending token on.
	if st := p.SecretStages(secret); st[cognitotest.StageCurrent] == current || st[cognitotest.StageCurrent] == pending {
		t.Errorf("%s: stages after the recovery %v (first %s, pending %s)", cli.Version, st, current, pending)
	}
	if n := p.RequestCount() - before; n < 1 {
		t.Errorf("%s: Cognito saw %d requests after the recovery", cli.Version, n)
	}
	v, _ := p.SecretValue(secret)
	if errType := probe(t, p.URL, in.ClientID, acctest.StoredRefreshToken(v)); errType != "" {
		t.Errorf("%s: the stored token does not work: %s", cli.Version, errType)
	}
}
