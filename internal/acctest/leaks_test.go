package acctest_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
)

// TestLeakDetector checks the detector itself, without a CLI: each planted
// rendering of a secret is found, by the form meant to find it and by no
// other (so deleting a form from acctest's secretForms fails its row), and a clean
// directory has no finding.
func TestLeakDetector(t *testing.T) {
	const secret = "eyJjdHkiOiJKV1QifQ.c2VjcmV0LXJlZnJlc2gtdG9rZW4.x_y-z="
	secrets := map[string]string{"refresh_token": secret}
	for _, tc := range []struct {
		form string // the name of a form in acctest's secretForms (a prefix for the base64 ones), or acctest.RunForm
		// secret has no 16 characters in a row that the form leaves as
		// they are, so only the form can find the rendering (the verbatim
		// rows are found by runs, too).
		secret, content string
	}{
		{"verbatim", secret, "DEBUG: token=" + secret},
		{"verbatim", secret, "DEBUG: upper-cased " + strings.ToUpper(secret)},
		{"JSON-escaped", `abc"def\ghi<jkl>&eyJjdHk"iOiJKV1QifQ`, `{"v":"abc\"def\\ghi\u003cjkl\u003e\u0026eyJjdHk\"iOiJKV1QifQ"}`},
		{"URL query-escaped", "tok=en+with/slash=eyJjdHkiOi+JKV1QifQ", "GET /?t=" + url.QueryEscape("tok=en+with/slash=eyJjdHkiOi+JKV1QifQ")},
		{"URL path-escaped", "tok en with space eyJjdHkiOi JKV1QifQ", "GET /" + url.PathEscape("tok en with space eyJjdHkiOi JKV1QifQ")},
		{"hex", secret, hex.EncodeToString([]byte(secret))},
		// "???>>>" encodes to '/' and '+' (std) or '_' and '-' (url), so the
		// two base64 alphabets find different renderings.
		{"base64 at offset 1", "eyJ???>>>" + secret, "blob=" + base64.StdEncoding.EncodeToString([]byte("x"+"eyJ???>>>"+secret+"y"))},
		{"base64url at offset 2", "eyJ???>>>" + secret, "blob=" + base64.RawURLEncoding.EncodeToString([]byte("ab"+"eyJ???>>>"+secret))},
		{acctest.RunForm, secret, "token cut short " + secret[5:25] + "..."},
		{acctest.RunForm, secret, "token cut short, upper-cased " + strings.ToUpper(secret[20:36]) + "..."},
	} {
		t.Run(tc.form+" "+tc.content[:min(len(tc.content), 20)], func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "plan.log"), []byte("before\n"+tc.content+"\nafter"), 0o600); err != nil {
				t.Fatal(err)
			}
			var forms []string
			for _, l := range acctest.FindLeaks(t, dir, "ephemeral", map[string]string{"refresh_token": tc.secret}, nil) {
				forms = append(forms, l.Form)
			}
			want := []string{tc.form}
			if tc.form == "verbatim" {
				want = append(want, acctest.RunForm)
			}
			slices.Sort(forms)
			slices.Sort(want)
			if !slices.Equal(forms, want) {
				t.Errorf("found as %q, want %q only", forms, want)
			}
		})
	}
	t.Run("15 characters in a row are no finding", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "plan.log"), []byte("x "+secret[3:18]+" x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if leaks := acctest.FindLeaks(t, dir, "ephemeral", secrets, nil); len(leaks) != 0 {
			t.Errorf("false positives: %v", leaks)
		}
	})
	t.Run("inside a saved plan (zip)", func(t *testing.T) {
		dir := t.TempDir()
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("tfplan")
		_, _ = w.Write([]byte("\x0a\x12" + secret))
		_ = zw.Close()
		if err := os.WriteFile(filepath.Join(dir, "tfplan"), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if leaks := acctest.FindLeaks(t, dir, "ephemeral", secrets, nil); len(leaks) == 0 {
			t.Error("secret inside the compressed plan not found")
		}
	})
	state := func(sensitiveAttrs string) string {
		return `{"version":4,"resources":[{"mode":"data","type":"cognito_refreshed_tokens","name":"test","instances":[{"attributes":{"access_token":"` +
			secret + `","token_type":"Bearer"},"sensitive_attributes":` + sensitiveAttrs + `}]}],"outputs":{}}`
	}
	for _, tc := range []struct {
		name, attrs  string
		cliSensitive map[string]bool
		wantLeak     bool
	}{
		{"marked in the state file", `[[{"type":"get_attr","value":"access_token"}]]`, nil, false},
		{"marked by the CLI only (OpenTofu)", `[]`, map[string]bool{"access_token": true}, false},
		{"not marked", `[[{"type":"get_attr","value":"id_token"}]]`, map[string]bool{"id_token": true}, true},
	} {
		t.Run("data source state "+tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), []byte(state(tc.attrs)), 0o600); err != nil {
				t.Fatal(err)
			}
			leaks := acctest.FindLeaks(t, dir, "data source", secrets, tc.cliSensitive)
			if (len(leaks) > 0) != tc.wantLeak {
				t.Errorf("leaks = %v, want a leak: %v", leaks, tc.wantLeak)
			}
			// The ephemeral resource's state may hold no secret at all.
			if leaks := acctest.FindLeaks(t, dir, "ephemeral", secrets, tc.cliSensitive); len(leaks) == 0 {
				t.Error("a secret in an ephemeral run's state was not found")
			}
		})
	}
	t.Run("clean", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "plan.log"), []byte("DEBUG: Refreshed Cognito tokens: token_length=1047 error=***"), 0o600); err != nil {
			t.Fatal(err)
		}
		if leaks := acctest.FindLeaks(t, dir, "ephemeral", secrets, nil); len(leaks) != 0 {
			t.Errorf("false positives: %v", leaks)
		}
	})
}

// TestCodeLeakDetector: a TOTP code is found as a value (quoted, after "="
// or ": ") and not inside a longer number such as a timestamp.
func TestCodeLeakDetector(t *testing.T) {
	const code = "492039"
	for _, tc := range []struct {
		content string
		found   bool
	}{
		{`{"SOFTWARE_TOKEN_MFA_CODE":"492039"}`, true},
		{`{\"code\":\"492039\"}`, true},
		{`code=492039 next`, true},
		{`code: 492039`, true},
		{`2026-12-07T04:31:03.492039Z pid=7 took 1492039ns`, false},
		{`nothing here`, false},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "terraform.log"), []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if leaks := acctest.FindCodeLeaks(t, dir, []string{code}); (len(leaks) > 0) != tc.found {
			t.Errorf("%q: found %v, want found %v", tc.content, leaks, tc.found)
		}
	}
}
