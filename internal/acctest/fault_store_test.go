package acctest_test

// TestAccStoreFaults: the refresh-token store's faults that matter, through
// a real CLI (the unit-level table is internal/provider's TestStoreFaults).

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

// TestAccStoreFaults runs the two store faults that matter through a real
// CLI: the store unreachable before the exchange (nothing spent), and the
// write failing after Cognito rotated the token (the loss is said).
func TestAccStoreFaults(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	for _, tc := range []struct {
		name, storeKind string
		// prepare breaks the store and returns extra environment.
		prepare     func(t *testing.T, p *acctest.Pool, file string) map[string]string
		want        *regexp.Regexp
		wantCognito int
	}{
		{name: "Secrets Manager unreachable before the exchange", storeKind: "secretsmanager",
			prepare: func(t *testing.T, _ *acctest.Pool, _ string) map[string]string {
				return map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": acctest.DeadEndpoint(t)}
			},
			want: regexp.MustCompile(`(?s)Secrets Manager unreachable.*Nothing\s+was\s+spent`)},
		{name: "file missing before the exchange", storeKind: "file",
			prepare: func(t *testing.T, _ *acctest.Pool, file string) map[string]string { removeFile(t, file); return nil },
			want:    regexp.MustCompile(`(?s)file not found.*Nothing\s+was\s+spent`)},
		{name: "PutSecretValue denied after rotation", storeKind: "secretsmanager",
			prepare: func(_ *testing.T, p *acctest.Pool, _ string) map[string]string {
				p.DenySecretsManager(cognitotest.SMPutSecretValue)
				return nil
			},
			want: regexp.MustCompile(`(?s)new refresh token lost.*secretsmanager:PutSecretValue.*The\s+new\s+refresh\s+token\s+was\s+lost`), wantCognito: 1},
		// The file's lock is taken before the read: a lock that cannot be
		// taken spends nothing.
		{name: "file lock unavailable before the exchange", storeKind: "file",
			prepare: func(t *testing.T, _ *acctest.Pool, file string) map[string]string {
				if err := os.Mkdir(file+".lock", 0o700); err != nil {
					t.Fatal(err)
				}
				return nil
			},
			want: regexp.MustCompile(`(?s)Locking\s+file.*Nothing\s+was\s+spent`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			in := p.SignIn(cognitotest.AppClient{Rotation: true})
			file := filepath.Join(t.TempDir(), "refresh-token")
			writeFile(t, file, in.RefreshToken+"\n")
			const secret = "terraform/cognito-refresh-token"
			p.CreateSecret(secret, in.RefreshToken)
			env := map[string]string{
				"AWS_ENDPOINT_URL_SECRETS_MANAGER": p.URL,
				"AWS_ACCESS_KEY_ID":                storeAccessKeyID,
				"AWS_SECRET_ACCESS_KEY":            storeSecretAccessKey,
			}
			for k, v := range tc.prepare(t, p, file) {
				env[k] = v
			}
			storeHCL := fmt.Sprintf("refresh_token_store = {\n    file = %q\n  }", file)
			if tc.storeKind == "secretsmanager" {
				storeHCL = fmt.Sprintf("refresh_token_store = {\n    secretsmanager_secret_id = %q\n  }", secret)
			}
			literal := in
			literal.RefreshToken, literal.Extra = "", []string{storeHCL}
			hcl, vars := leakConfig("ephemeral", p.URL, []string{"max_retries = 1"}, literal)
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "main.tf"), hcl)
			for k, v := range vars {
				env["TF_VAR_"+k] = v
			}
			ok, out, _ := cli.RunWithEnv(t, dir, env, acctest.CommandTimeout, "plan", "-no-color", "-input=false")
			if ok {
				t.Fatalf("plan succeeded, want an error matching %s:\n%s", tc.want, out)
			}
			if !tc.want.MatchString(out) {
				t.Errorf("the error does not match %s:\n%s", tc.want, out)
			}
			if got := p.RequestCount(); got != tc.wantCognito {
				t.Errorf("Cognito saw %d requests, want %d", got, tc.wantCognito)
			}
			if strings.Contains(out, in.RefreshToken) {
				t.Error("the output shows the refresh token")
			}
		})
	}
}

func removeFile(t *testing.T, name string) {
	t.Helper()
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Clean(name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
