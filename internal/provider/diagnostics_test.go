package provider

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/tokenstore"
)

// Every tokenstore.Reason has its own wording and recovery step, for both
// kinds of store, read and write; the table must grow with the Reason set.
func TestStoreDiagnosticWording(t *testing.T) {
	type want struct{ file, secretsManager string }
	wording := map[tokenstore.Reason]want{
		tokenstore.Other:              {`unexpected failure.*TF_LOG=DEBUG`, `unexpected failure.*TF_LOG=DEBUG`},
		tokenstore.NotFound:           {`file not found.*Check .file.*relative.*create the file`, `secret not found.*Check .secretsmanager_secret_id. and the region.*create-secret`},
		tokenstore.Empty:              {`no refresh token in the store.*Put the refresh token`, `no refresh token in the store.*Put the refresh token`},
		tokenstore.Malformed:          {`does not hold a refresh token.*not a JSON document`, `does not hold a refresh token.*binary secret`},
		tokenstore.AccessDenied:       {`permission denied.*directory`, `access denied.*secretsmanager:GetSecretValue.*secretsmanager:PutSecretValue.*secretsmanager:UpdateSecretVersionStage.*kms:Decrypt`},
		tokenstore.NoCredentials:      {`no AWS credentials.*default chain`, `no AWS credentials.*Cognito does not.*AWS_PROFILE`},
		tokenstore.InvalidCredentials: {`AWS refused the credentials.*aws sso login`, `AWS refused the credentials.*aws sso login`},
		tokenstore.Unreachable:        {`file unreachable`, `Secrets Manager unreachable.*AWS_ENDPOINT_URL_SECRETS_MANAGER`},
		tokenstore.Throttled:          {`throttled.*-parallelism`, `throttled.*-parallelism.*max_retries`},
		tokenstore.Timeout:            {`did not answer in time.*timeout`, `did not answer in time.*timeout`},
		tokenstore.Canceled:           {`cancelled.*Ctrl-C`, `cancelled.*Ctrl-C`},
	}
	for r := tokenstore.Reason(0); !strings.HasPrefix(r.String(), "Reason("); r++ {
		w, ok := wording[r]
		if !ok {
			t.Errorf("reason %q has no wording in this table", r)
			continue
		}
		for _, kind := range []struct {
			cfg  storeConfig
			name string
			want string
		}{
			{storeConfig{file: "/tmp/token"}, `file "/tmp/token"`, w.file},
			{storeConfig{secretID: "terraform/token"}, `Secrets Manager secret "terraform/token"`, w.secretsManager},
		} {
			for _, lost := range []bool{false, true} {
				e := &tokenstore.Error{Reason: r, Op: "read", Store: kind.name, Code: "SomeCode", Attempts: 3}
				if lost {
					e.Op, e.TokenLost = "write", true
				}
				var diags diag.Diagnostics
				addStoreCycleError(&diags, e, kind.name, kind.cfg)
				if len(diags) != 1 {
					t.Fatalf("%s: %d diagnostics, want 1", r, len(diags))
				}
				d := diags[0]
				text := d.Summary() + "\n" + d.Detail()
				if !regexp.MustCompile(`(?s)` + kind.want).MatchString(text) {
					t.Errorf("%s, %s: wording does not match %s:\n%s", r, kind.name, kind.want, text)
				}
				if r != tokenstore.Other && strings.Contains(text, "unexpected failure") {
					t.Errorf("%s, %s: falls back to the generic wording", r, kind.name)
				}
				if !strings.Contains(d.Detail(), kind.name) || !strings.Contains(d.Detail(), "(SomeCode), 3 attempts") {
					t.Errorf("%s: the detail does not name the store, its code and attempts:\n%s", r, text)
				}
				if got := diagPath(d); !got.Equal(kind.cfg.attributePath()) {
					t.Errorf("%s: scoped to %s, want %s", r, got, kind.cfg.attributePath())
				}
				lostSaid := strings.Contains(text, "new refresh token lost") && strings.Contains(text, "put the new refresh token into "+kind.name)
				if lostSaid != lost {
					t.Errorf("%s: says the token was lost = %v, want %v:\n%s", r, lostSaid, lost, text)
				}
				if spared := strings.Contains(text, "Nothing was spent"); spared == lost {
					t.Errorf("%s: says nothing was spent = %v for a lost token = %v", r, spared, lost)
				}
			}
		}
	}
}

// A token the store holds but Cognito refuses is reported on the store,
// with the way to put a new one in; other Cognito errors keep their place.
func TestStoreCognitoErrorPlacement(t *testing.T) {
	cfg := storeConfig{file: "/tmp/token"}
	name := `file "/tmp/token"`
	for _, tc := range []struct {
		name string
		err  error
		at   path.Path
		want string
	}{
		{"reuse", &cognito.Error{Summary: "Refresh token already rotated", Attribute: "refresh_token", Code: refreshTokenReuse},
			cfg.attributePath(), `(?s)Refresh token in the store already rotated.*` + regexp.QuoteMeta(name) + `.*Sign in again.*put the new refresh token into`},
		{"refused token", &cognito.Error{Summary: "Refresh token not accepted", Detail: "Cognito says: x.", Attribute: "refresh_token", Code: "NotAuthorizedException"},
			cfg.attributePath(), `(?s)Refresh token not accepted.*came from ` + regexp.QuoteMeta(name) + `, which is unchanged.*put the new refresh token into`},
		{"app client", &cognito.Error{Summary: "App client not found", Detail: "x", Attribute: "client_id"},
			path.Root("client_id"), `App client not found`},
		{"not classified", errors.New("boom"), cfg.attributePath(), `Refresh-token store failed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			addStoreCycleError(&diags, tc.err, name, cfg)
			if len(diags) != 1 {
				t.Fatalf("%d diagnostics", len(diags))
			}
			d := diags[0]
			if got := diagPath(d); !got.Equal(tc.at) {
				t.Errorf("scoped to %s, want %s", got, tc.at)
			}
			if text := d.Summary() + "\n" + d.Detail(); !regexp.MustCompile(tc.want).MatchString(text) {
				t.Errorf("wording does not match %s:\n%s", tc.want, text)
			}
		})
	}
}

// diagPath is the attribute a diagnostic is scoped to (empty when none).
func diagPath(d diag.Diagnostic) path.Path {
	if withPath, ok := d.(diag.DiagnosticWithPath); ok {
		return withPath.Path()
	}
	return path.Empty()
}
