package provider

import (
	"errors"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/tokenstore"
)

// Every reason a store gives (tokenstore.Reasons) has its own wording and recovery step, for both
// kinds of store, read and write; the table must grow with the Reason set.
func TestStoreDiagnosticWording(t *testing.T) {
	type want struct{ file, secretsManager string }
	wording := map[failure.Reason]want{
		failure.Other:              {`unexpected failure.*TF_LOG=DEBUG`, `unexpected failure.*TF_LOG=DEBUG`},
		failure.NotFound:           {`file not found.*Check .file.*relative.*create the file`, `secret not found.*Check .secretsmanager_secret_id. and the region.*create-secret`},
		failure.Empty:              {`no refresh token in the store.*Put the refresh token`, `no refresh token in the store.*Put the refresh token`},
		failure.Malformed:          {`does not hold a refresh token.*not a JSON document`, `does not hold a refresh token.*binary secret`},
		failure.AccessDenied:       {`permission denied.*directory`, `access denied.*secretsmanager:GetSecretValue.*secretsmanager:ListSecretVersionIds.*secretsmanager:PutSecretValue.*secretsmanager:UpdateSecretVersionStage.*kms:Decrypt`},
		failure.NoCredentials:      {`no AWS credentials.*default chain`, `no AWS credentials.*Cognito does not.*AWS_PROFILE`},
		failure.InvalidCredentials: {`AWS refused the credentials.*aws sso login`, `AWS refused the credentials.*aws sso login`},
		failure.Unreachable:        {`file unreachable`, `Secrets Manager unreachable.*AWS_ENDPOINT_URL_SECRETS_MANAGER`},
		failure.Throttled:          {`throttled.*-parallelism`, `throttled.*-parallelism.*max_retries`},
		failure.Timeout:            {`did not answer in time.*timeout`, `did not answer in time.*timeout`},
		failure.Canceled:           {`cancelled.*Ctrl-C`, `cancelled.*Ctrl-C`},
		failure.VersionQuota:       {`version quota.*24 hours.*min_remaining_validity.*file`, `version quota.*24 hours.*min_remaining_validity.*fewer.*file`},
	}
	if len(wording) != len(tokenstore.Reasons) {
		t.Errorf("%d reasons worded, the store gives %d", len(wording), len(tokenstore.Reasons))
	}
	for _, r := range tokenstore.Reasons {
		w, ok := wording[r]
		if !ok {
			t.Errorf("reason %q has no wording in this table", r)
			continue
		}
		for _, kind := range []struct {
			cfg  storeConfig
			name string
			want string
			at   path.Path
		}{
			{storeConfig{file: "/tmp/token"}, `file "/tmp/token"`, w.file, path.Root("refresh_token_store").AtName("file")},
			{storeConfig{secretID: "terraform/token"}, `Secrets Manager secret "terraform/token"`, w.secretsManager,
				path.Root("refresh_token_store").AtName("secretsmanager_secret_id")},
		} {
			for _, lost := range []bool{false, true} {
				e := &failure.Error{Reason: r, Op: failure.StoreRead, Store: kind.name, Code: "SomeCode", Attempts: 3}
				if lost {
					e.Op, e.TokenLost = failure.StoreWrite, true
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
				if r != failure.Other && strings.Contains(text, "unexpected failure") {
					t.Errorf("%s, %s: falls back to the generic wording", r, kind.name)
				}
				if !strings.Contains(d.Detail(), kind.name) || !strings.Contains(d.Detail(), "(SomeCode), 3 attempts") {
					t.Errorf("%s: the detail does not name the store, its code and attempts:\n%s", r, text)
				}
				if got := diagPath(d); !got.Equal(kind.at) {
					t.Errorf("%s: scoped to %s, want %s", r, got, kind.at)
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

// The quota check refuses before Cognito is called: it says nothing was
// spent, how full the secret is, when room comes back and what to do.
func TestStoreVersionQuotaRefusal(t *testing.T) {
	cfg := storeConfig{secretID: "ci/token"}
	name := `Secrets Manager secret "ci/token"`
	e := &failure.Error{Reason: failure.VersionQuota, Op: failure.StoreCheck, Store: name, Attempts: 1, Versions: 93,
		VersionsFreeAt: time.Date(2026, 5, 1, 13, 7, 0, 0, time.UTC)}
	var diags diag.Diagnostics
	addStoreCycleError(&diags, e, name, cfg)
	if len(diags) != 1 {
		t.Fatalf("%d diagnostics", len(diags))
	}
	text := diags[0].Summary() + "\n" + diags[0].Detail()
	for _, want := range []string{"before calling Cognito", "holds 93 versions", "fewer than 90", "10 of the 100", "2026-05-01 13:07 UTC",
		"Nothing was spent", "min_remaining_validity", "`file` store"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "lost") {
		t.Errorf("a refusal before the exchange speaks of a loss:\n%s", text)
	}
}

// A failed swap names the version that holds the token and gives the exact
// command; it is not reported as a lost token.
func TestStorePendingVersionCommand(t *testing.T) {
	cfg := storeConfig{secretID: "ci/token"}
	name := `Secrets Manager secret "ci/token"`
	for _, op := range []failure.Operation{failure.StoreWrite, failure.StoreRead} {
		e := &failure.Error{Reason: failure.AccessDenied, Op: op, Store: name, Code: "AccessDeniedException", Attempts: 1,
			TokenLost: op == failure.StoreWrite, PendingVersion: "p-1111", CurrentVersion: "c-2222"}
		var diags diag.Diagnostics
		addStoreCycleError(&diags, e, name, cfg)
		text := diags[0].Summary() + "\n" + diags[0].Detail()
		want := "aws secretsmanager update-secret-version-stage --secret-id ci/token --version-stage AWSCURRENT --move-to-version-id p-1111 --remove-from-version-id c-2222"
		if !strings.Contains(text, want) || !strings.Contains(text, "kept in a pending version") || !strings.Contains(text, "next run moves") {
			t.Errorf("%s: no command or recovery in:\n%s", op, text)
		}
		if strings.Contains(text, "new refresh token lost") || strings.Contains(text, "Sign in again") {
			t.Errorf("%s: a kept token is reported lost:\n%s", op, text)
		}
	}
}

// One attempt is not worth a mention; more are counted.
func TestStoreDiagnosticAttempts(t *testing.T) {
	for attempts, want := range map[int]string{1: "failed: file not found. ", 2: "failed: file not found, 2 attempts. "} {
		var diags diag.Diagnostics
		addStoreCycleError(&diags, &failure.Error{Reason: failure.NotFound, Op: failure.StoreRead, Store: "file", Attempts: attempts}, "file", storeConfig{file: "f"})
		if len(diags) != 1 || !strings.Contains(diags[0].Detail(), want) {
			t.Errorf("%d attempts: want %q in %v", attempts, want, diags)
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
		{"reuse", &failure.Error{Reason: failure.RefreshTokenReused, Input: failure.RefreshToken, Code: refreshTokenReuse},
			cfg.attributePath(), `(?s)Refresh token in the store already rotated.*` + regexp.QuoteMeta(name) + `.*Sign in again.*put the new refresh token into`},
		{"refused token", &failure.Error{Reason: failure.RefreshTokenRejected, Input: failure.RefreshToken, Code: "NotAuthorizedException", Message: "x"},
			cfg.attributePath(), `(?s)Refresh token not accepted\nCognito says: "x". The refresh token is invalid.*came from ` + regexp.QuoteMeta(name) + `, which is unchanged.*put the new refresh token into`},
		{"app client", &failure.Error{Reason: failure.ClientNotFound, Input: failure.ClientID},
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

// File-store failures of the path itself, a new token kept beside the
// file, and a file others can read are each worded with their remedy.
func TestFileStoreDiagnostics(t *testing.T) {
	cfg := storeConfig{file: "/tmp/token"}
	name := `file "/tmp/token"`
	for _, tc := range []struct {
		err  *failure.Error
		want string
	}{
		{&failure.Error{Reason: failure.Other, Op: failure.StoreRead, Store: name, Code: tokenstore.CodeIsDirectory},
			`(?s)the path is a directory.*add the file name.*Nothing was spent`},
		{&failure.Error{Reason: failure.Other, Op: failure.StoreRead, Store: name, Code: tokenstore.CodeNotRegularFile},
			`(?s)not a regular file.*FIFO.*Nothing was spent`},
		{&failure.Error{Reason: failure.AccessDenied, Op: failure.StoreLock, Store: name},
			`(?s)Locking file "/tmp/token" failed: permission denied.*locks the file.*Nothing was spent`},
		{&failure.Error{Reason: failure.Other, Op: failure.StoreWrite, Store: name, SavedIn: "/tmp/.token.tmp-1"},
			`(?s)kept in another file.*not lost: it is in "/tmp/.token.tmp-1".*` + regexp.QuoteMeta(moveFileCommand(runtime.GOOS, "/tmp/.token.tmp-1", "/tmp/token"))},
	} {
		var diags diag.Diagnostics
		addStoreCycleError(&diags, tc.err, name, cfg)
		text := diagText(diags)
		if len(diags) != 1 || !regexp.MustCompile(tc.want).MatchString(text) || strings.Contains(text, "was lost") {
			t.Errorf("%+v: want %s in\n%s", tc.err, tc.want, text)
		}
	}
	if got, want := moveFileCommand("linux", "/tmp/.token.tmp-1", "/tmp/token"), `mv "/tmp/.token.tmp-1" "/tmp/token"`; got != want {
		t.Errorf("on Unix: %s, want %s", got, want)
	}
	if got, want := moveFileCommand("windows", `C:\it's\.token.tmp-1`, `C:\it's\token`), `Move-Item -Force -LiteralPath 'C:\it''s\.token.tmp-1' -Destination 'C:\it''s\token'`; got != want {
		t.Errorf("on Windows: %s, want %s", got, want)
	}
	var diags diag.Diagnostics
	addExposedStoreWarning(&diags, name, cfg)
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), `chmod 600 "/tmp/token"`) {
		t.Errorf("exposed file: %v", diags)
	}
}

// The recovery command quotes a path or secret ID only when a shell needs
// it, and always quotes an empty one.
func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/token":              "/tmp/token",
		"ci/team-a_token.v2:x+=@": "ci/team-a_token.v2:x+=@",
		"my token":                "'my token'",
		"it's":                    `'it'\''s'`,
		"$HOME/token":             "'$HOME/token'",
		"":                        "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// A stored token found already rotated speaks of a lost answer only when
// the refresh was retried.
func TestStoreReuseLostAnswerOnlyWhenRetried(t *testing.T) {
	const lostSaid = "so an answer may have been lost"
	for attempts, want := range map[int]bool{1: false, 2: true} {
		var diags diag.Diagnostics
		addStoreCycleError(&diags, &failure.Error{Reason: failure.RefreshTokenReused, Input: failure.RefreshToken, Attempts: attempts}, "file", storeConfig{file: "f"})
		if got := strings.Contains(diagText(diags), lostSaid); got != want {
			t.Errorf("%d attempts: says %q = %v, want %v:\n%s", attempts, lostSaid, got, want, diagText(diags))
		}
	}
}

// A write that times out runs on its own fixed bound, which the wording
// gives; a read that times out ran out of the provider's `timeout`.
func TestStoreTimeoutWording(t *testing.T) {
	for _, tc := range []struct {
		op            failure.Operation
		want, notWant string
	}{
		{failure.StoreWrite, "runs for up to " + tokenstore.WriteBackTimeout.String() + ", a fixed bound", "raise `timeout`"},
		{failure.StoreRead, "longer than the provider's `timeout`", "fixed bound"},
	} {
		var diags diag.Diagnostics
		addStoreCycleError(&diags, &failure.Error{Reason: failure.Timeout, Op: tc.op, Store: "file", Attempts: 1}, "file", storeConfig{file: "f"})
		text := diagText(diags)
		if !strings.Contains(text, tc.want) || strings.Contains(text, tc.notWant) {
			t.Errorf("%s: want %q and not %q in:\n%s", tc.op, tc.want, tc.notWant, text)
		}
	}
}
