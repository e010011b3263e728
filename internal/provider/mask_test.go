package provider

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestMaskSecrets: after maskSecrets, neither a log message nor a field
// value shows a secret, also upper-cased or URL-escaped; with no secrets the context is unchanged; and the
// leak test's unmasked build (maskLogs = false) really logs in the clear,
// which TestAccNoSecretLeaks relies on.
func TestMaskSecrets(t *testing.T) {
	const secret = "eyJjdHkiOiJKV1QifQ.s3cr3t+x"
	logWith := func(mask bool, secrets []string) string {
		t.Helper()
		defer func(saved bool) { maskLogs = saved }(maskLogs)
		maskLogs = mask
		var out bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &out)
		masked := maskSecrets(ctx, secrets)
		if len(secrets) == 0 && masked != ctx {
			t.Error("maskSecrets without secrets changed the context")
		}
		tflog.Debug(masked, "Cognito says: token "+secret+" is invalid", map[string]any{"error": "bad " + secret,
			"altered": strings.ToUpper(secret) + " " + url.QueryEscape(secret)})
		return out.String()
	}
	if got := strings.ToLower(logWith(true, []string{secret, "other"})); strings.Contains(got, strings.ToLower(secret)) ||
		strings.Contains(got, strings.ToLower(url.QueryEscape(secret))) || !strings.Contains(got, "cognito says") {
		t.Errorf("masked log line shows the secret (or nothing): %s", got)
	}
	if got := logWith(false, []string{secret}); strings.Count(got, secret) != 2 {
		t.Errorf("with maskLogs = false the secret should appear twice: %s", got)
	}
	if got := logWith(true, nil); strings.Count(got, secret) != 2 {
		t.Errorf("with nothing to mask the line should be unchanged: %s", got)
	}
}
