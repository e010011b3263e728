package provider

// Faults of the refresh-token store, through refreshTokens with the real
// stores and the double: a store that fails before the exchange spends
// nothing (Cognito is not called, the token stays valid); a write that fails
// after Cognito rotated the token is retried under the shared policy and,
// if it still fails, reported as a lost token.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

type storeFaultCase struct {
	name string
	// secretsManager: the store is a secret of the double; else a file.
	secretsManager bool
	rotation       bool
	// prepare breaks the store (or the environment) before the refresh.
	prepare func(t *testing.T, p *pool, store testStore)
	// wantError matches the diagnostics; nil: the refresh succeeds.
	wantError *regexp.Regexp
	// wantCognito is the number of requests Cognito must see.
	wantCognito int
	// wantStored: the store holds the rotated token afterwards (else the
	// original one).
	wantStored bool
}

func storeFaultCases() []storeFaultCase {
	smFault := func(op string, f cognitotest.Fault) func(*testing.T, *pool, testStore) {
		return func(_ *testing.T, p *pool, _ testStore) { p.InjectSecretsManagerFault(op, f) }
	}
	nothingSpent := `(?s)Nothing was spent: Cognito was not called`
	lost := `(?s)The new refresh token was lost.*Sign in again`
	return []storeFaultCase{
		// Before the exchange: nothing spent.
		{name: "Secrets Manager not listening", secretsManager: true, rotation: true,
			prepare: func(t *testing.T, _ *pool, _ testStore) {
				t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", deadEndpoint(t))
			},
			wantError: regexp.MustCompile(`(?s)Secrets Manager unreachable.*3 attempts.*` + nothingSpent[4:])},
		{name: "Secrets Manager failing on every attempt", secretsManager: true, rotation: true,
			prepare:   smFault(cognitotest.SMGetSecretValue, cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService, Times: 3}),
			wantError: regexp.MustCompile(`(?s)Secrets Manager unreachable.*InternalServiceError.*` + nothingSpent[4:])},
		{name: "Secrets Manager failing once", secretsManager: true, rotation: true,
			prepare:     smFault(cognitotest.SMGetSecretValue, cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService}),
			wantCognito: 1, wantStored: true},
		{name: "GetSecretValue denied", secretsManager: true, rotation: true,
			prepare:   func(_ *testing.T, p *pool, _ testStore) { p.DenySecretsManager(cognitotest.SMGetSecretValue) },
			wantError: regexp.MustCompile(`(?s)access denied.*secretsmanager:GetSecretValue.*` + nothingSpent[4:])},
		{name: "secret deleted", secretsManager: true, rotation: true,
			prepare:   func(_ *testing.T, p *pool, s testStore) { p.DeleteSecret(s.cfg.secretID) },
			wantError: regexp.MustCompile(`(?s)Refresh-token store.*` + nothingSpent[4:])},
		{name: "no AWS credentials", secretsManager: true, rotation: true,
			prepare: func(t *testing.T, _ *pool, _ testStore) {
				t.Setenv("AWS_ACCESS_KEY_ID", "")
				t.Setenv("AWS_SECRET_ACCESS_KEY", "")
				t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			},
			wantError: regexp.MustCompile(`(?s)no AWS credentials.*` + nothingSpent[4:])},
		{name: "file missing", rotation: true,
			prepare:   func(t *testing.T, _ *pool, s testStore) { removeFile(t, s.cfg.file) },
			wantError: regexp.MustCompile(`(?s)file not found.*` + nothingSpent[4:])},
		{name: "file empty", rotation: true,
			prepare:   func(t *testing.T, _ *pool, s testStore) { writeFile(t, s.cfg.file, "\n") },
			wantError: regexp.MustCompile(`(?s)no refresh token in the store.*` + nothingSpent[4:])},
		{name: "file holds JSON", rotation: true,
			prepare:   func(t *testing.T, _ *pool, s testStore) { writeFile(t, s.cfg.file, `{"refresh_token":"x"}`) },
			wantError: regexp.MustCompile(`(?s)does not hold a refresh token.*` + nothingSpent[4:])},
		// After the exchange: the write is retried, then the loss is said.
		{name: "PutSecretValue denied after rotation", secretsManager: true, rotation: true,
			prepare:     func(_ *testing.T, p *pool, _ testStore) { p.DenySecretsManager(cognitotest.SMPutSecretValue) },
			wantError:   regexp.MustCompile(`(?s)access denied.*secretsmanager:PutSecretValue.*` + lost[4:]),
			wantCognito: 1},
		{name: "UpdateSecretVersionStage failing on every attempt after rotation", secretsManager: true, rotation: true,
			prepare:     smFault(cognitotest.SMUpdateSecretVersionStage, cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService, Times: 3}),
			wantError:   regexp.MustCompile(`(?s)Writing the rotated refresh token to.*3 attempts.*` + lost[4:]),
			wantCognito: 1},
		{name: "PutSecretValue failing once after rotation", secretsManager: true, rotation: true,
			prepare:     smFault(cognitotest.SMPutSecretValue, cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService}),
			wantCognito: 1, wantStored: true},
		{name: "file not writable after rotation", rotation: true,
			// The lock file cannot be created where a directory stands
			// (chmod would not stop root).
			prepare: func(t *testing.T, _ *pool, s testStore) {
				if err := os.Mkdir(s.cfg.file+".lock", 0o700); err != nil {
					t.Fatal(err)
				}
			},
			wantError:   regexp.MustCompile(`(?s)Writing the rotated refresh token to file.*` + lost[4:]),
			wantCognito: 1},
		{name: "file not writable without rotation",
			prepare: func(t *testing.T, _ *pool, s testStore) {
				if err := os.Mkdir(s.cfg.file+".lock", 0o700); err != nil {
					t.Fatal(err)
				}
			},
			wantCognito: 1},
	}
}

func TestStoreFaults(t *testing.T) {
	for _, tc := range storeFaultCases() {
		t.Run(tc.name, func(t *testing.T) {
			p := freshPool(t)
			in := p.signIn(cognitotest.AppClient{Rotation: tc.rotation})
			var store testStore
			if tc.secretsManager {
				store = newSecretStore(t, p, in.RefreshToken)
			} else {
				store = newFileStore(t, in.RefreshToken)
			}
			if tc.prepare != nil {
				tc.prepare(t, p, store)
			}
			data := storeProvider(t, p)
			m := storeModel(in, store.cfg)
			diags := callWithinSanityLimit(t, "the store cycle", 0, func(ctx context.Context) diag.Diagnostics {
				return refreshTokens(ctx, data, m)
			})
			text := diagText(diags)
			switch {
			case tc.wantError == nil && diags.HasError():
				t.Fatalf("want success, got:\n%s", text)
			case tc.wantError != nil && !tc.wantError.MatchString(text):
				t.Errorf("diagnostics do not match %s:\n%s", tc.wantError, text)
			}
			if tc.wantError != nil {
				outputsUnset(t, m)
				for _, d := range diags {
					if !strings.Contains(d.Detail(), store.cfg.file+store.cfg.secretID) {
						t.Errorf("the diagnostic does not name the store:\n%s", text)
					}
				}
			}
			if got := p.RequestCount(); got != tc.wantCognito {
				t.Errorf("Cognito saw %d requests, want %d", got, tc.wantCognito)
			}
			if tc.wantStored {
				if rotated := m.NewRefreshToken.ValueString(); rotated == "" || store.value() != rotated {
					t.Error("the store does not hold the rotated token")
				}
			} else if v := store.value(); v != in.RefreshToken && v != "" {
				// A failed read or write leaves the store as it was (the
				// prepared faults may have emptied or removed it).
				if !strings.HasPrefix(v, "{") {
					t.Error("the store changed")
				}
			}
			if strings.Contains(text, in.RefreshToken) || (m.NewRefreshToken.ValueString() != "" && strings.Contains(text, m.NewRefreshToken.ValueString())) {
				t.Error("a diagnostic contains a refresh token")
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
		prepare     func(t *testing.T, p *pool, file string) map[string]string
		want        *regexp.Regexp
		wantCognito int
	}{
		{name: "Secrets Manager unreachable before the exchange", storeKind: "secretsmanager",
			prepare: func(t *testing.T, _ *pool, _ string) map[string]string {
				return map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": deadEndpoint(t)}
			},
			want: regexp.MustCompile(`(?s)Secrets Manager unreachable.*Nothing\s+was\s+spent`)},
		{name: "file missing before the exchange", storeKind: "file",
			prepare: func(t *testing.T, _ *pool, file string) map[string]string { removeFile(t, file); return nil },
			want:    regexp.MustCompile(`(?s)file not found.*Nothing\s+was\s+spent`)},
		{name: "PutSecretValue denied after rotation", storeKind: "secretsmanager",
			prepare: func(_ *testing.T, p *pool, _ string) map[string]string {
				p.DenySecretsManager(cognitotest.SMPutSecretValue)
				return nil
			},
			want: regexp.MustCompile(`(?s)new refresh token lost.*secretsmanager:PutSecretValue.*The\s+new\s+refresh\s+token\s+was\s+lost`), wantCognito: 1},
		{name: "file write failing after rotation", storeKind: "file",
			prepare: func(t *testing.T, _ *pool, file string) map[string]string {
				if err := os.Mkdir(file+".lock", 0o700); err != nil {
					t.Fatal(err)
				}
				return nil
			},
			want: regexp.MustCompile(`(?s)new refresh token lost.*The\s+new\s+refresh\s+token\s+was\s+lost`), wantCognito: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPool(t, cognitotest.PoolConfig{})
			in := p.signIn(cognitotest.AppClient{Rotation: true})
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
