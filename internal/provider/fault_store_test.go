package provider

// Faults of the refresh-token store, through refreshTokens with the real
// stores and the double: a store that fails before the exchange spends
// nothing (Cognito is not called, the token stays valid); a write that fails
// after Cognito rotated the token is retried under the shared policy and,
// if it still fails, reported as a lost token. The two that matter most run
// through a real CLI in internal/acctest's TestAccStoreFaults.

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/tokenstore"
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
				t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", acctest.DeadEndpoint(t))
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
		{name: "ListSecretVersionIds denied", secretsManager: true, rotation: true,
			prepare:   func(_ *testing.T, p *pool, _ testStore) { p.DenySecretsManager(cognitotest.SMListSecretVersionIds) },
			wantError: regexp.MustCompile(`(?s)access denied.*secretsmanager:ListSecretVersionIds.*` + nothingSpent[4:])},
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
			prepare: smFault(cognitotest.SMUpdateSecretVersionStage, cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService, Times: 3}),
			// The token is kept in the pending version, not lost.
			wantError:   regexp.MustCompile(`(?s)Writing the rotated refresh token to.*3 attempts.*not lost: it is in version.*aws secretsmanager update-secret-version-stage`),
			wantCognito: 1},
		{name: "version quota reached before the exchange", secretsManager: true, rotation: true,
			prepare: func(_ *testing.T, p *pool, s testStore) {
				p.AddSecretVersions(s.cfg.secretID, tokenstore.SecretVersionQuota-tokenstore.VersionReserve-1, time.Hour)
			},
			wantError: regexp.MustCompile(`(?s)version quota reached.*holds 90 versions.*` + nothingSpent[4:])},
		{name: "version quota met by the write after rotation", secretsManager: true, rotation: true,
			prepare:     smFault(cognitotest.SMPutSecretValue, cognitotest.Fault{ErrorType: cognitotest.SMErrLimitExceeded, Times: 3}),
			wantError:   regexp.MustCompile(`(?s)version quota reached \(LimitExceededException\)\. .*` + lost[4:]),
			wantCognito: 1},
		{name: "PutSecretValue failing once after rotation", secretsManager: true, rotation: true,
			prepare:     smFault(cognitotest.SMPutSecretValue, cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService}),
			wantCognito: 1, wantStored: true},
		// The lock is taken before the read: a lock that cannot be taken
		// spends nothing, rotation or not. The lock file cannot be created
		// where a directory stands (chmod would not stop root).
		{name: "file not lockable with rotation", rotation: true,
			prepare: func(t *testing.T, _ *pool, s testStore) {
				if err := os.Mkdir(s.cfg.file+".lock", 0o700); err != nil {
					t.Fatal(err)
				}
			},
			wantError: regexp.MustCompile(`(?s)Locking file.*\.lock.*` + nothingSpent[4:])},
		{name: "file not lockable without rotation",
			prepare: func(t *testing.T, _ *pool, s testStore) {
				if err := os.Mkdir(s.cfg.file+".lock", 0o700); err != nil {
					t.Fatal(err)
				}
			},
			wantError: regexp.MustCompile(`(?s)Locking file.*` + nothingSpent[4:])},
	}
}

func TestStoreFaults(t *testing.T) {
	for _, tc := range storeFaultCases() {
		t.Run(tc.name, func(t *testing.T) {
			p := freshPool(t)
			in := p.SignIn(cognitotest.AppClient{Rotation: tc.rotation})
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
				// prepared faults may have emptied or removed it, or put
				// in JSON whose refresh_token is "x").
				if v != "x" {
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
