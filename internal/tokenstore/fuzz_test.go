package tokenstore

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// checkSafeError: a failure is an *Error whose message is built from its
// fields alone, so no stored value or service message can reach it except
// through Code, which must be one of codes.
func checkSafeError(t *testing.T, err error, codes func(string) bool) *Error {
	t.Helper()
	e := reasonOf(t, err)
	ref := &Error{Reason: e.Reason, Op: e.Op, Store: e.Store, Code: e.Code, Attempts: e.Attempts, TokenLost: e.TokenLost, PendingVersion: e.PendingVersion}
	if e.Error() != ref.Error() {
		t.Fatalf("message %q carries more than its fields", e.Error())
	}
	if !codes(e.Code) || len(e.Code) > maxCodeLen {
		t.Fatalf("code %q", e.Code)
	}
	for _, r := range e.Code {
		if r <= ' ' || r >= 0x7f {
			t.Fatalf("unprintable code %q", e.Code)
		}
	}
	return e
}

// FuzzFileRead: whatever the file holds, Read returns its trimmed token in
// Cognito's shape or an Empty/Malformed *Error that does not echo it.
func FuzzFileRead(f *testing.F) {
	for _, seed := range []string{"", "\n", "abc\n", " a.b-c_d= \r\n", "a b", "{\"refresh_token\":\"x\"}", "\x00\xff", "tok\ntok"} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content []byte) {
		path := filepath.Join(dir, "token")
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		snap, err := NewFile(path).Read(context.Background())
		if err == nil {
			if snap.Token != strings.TrimSpace(string(content)) || snap.Token == "" {
				t.Fatalf("token %q from %q", snap.Token, content)
			}
			if _, err := checkToken(snap.Token, opRead, ""); err != nil {
				t.Fatalf("accepted a malformed token %q", snap.Token)
			}
			return
		}
		e := checkSafeError(t, err, func(c string) bool { return c == "" || c == "TooLarge" })
		if e.Reason != Empty && e.Reason != Malformed {
			t.Fatalf("reason %v", e.Reason)
		}
	})
}

// FuzzSecretsManagerRead: whatever Secrets Manager answers, Read does not
// panic, and fails with an *Error whose message holds neither the secret's
// value nor the service's message.
func FuzzSecretsManagerRead(f *testing.F) {
	for _, seed := range []struct {
		status           int
		errType, message string
		secret           string
	}{
		{200, "", "", "tok-1"},
		{200, "", "", " {\"refresh_token\":\"sEcReT\"} "},
		{200, "", "", ""},
		{400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", ""},
		{400, "AccessDeniedException", "User arn:aws:iam::1:user/x is not authorized; value sEcReT", "sEcReT"},
		{400, "com.amazon.coral.service#UnrecognizedClientException", "bad", ""},
		{400, "Throttling\x00Exception\n" + strings.Repeat("X", 100), "m", ""},
		{500, "InternalServiceError", "boom", ""},
		{503, "", "", ""},
		{302, "", "", ""},
	} {
		f.Add(seed.status, seed.errType, seed.message, seed.secret)
	}
	var mu sync.Mutex
	var status int
	var errType, message, secret string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		var body []byte
		if status == http.StatusOK {
			body, _ = json.Marshal(map[string]any{"ARN": "arn", "Name": "fuzz", "VersionId": "v1", "SecretString": secret})
		} else {
			if errType != "" {
				w.Header().Set("X-Amzn-ErrorType", errType)
			}
			body, _ = json.Marshal(map[string]string{"__type": errType, "message": message})
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	f.Cleanup(srv.Close)
	isolateAWSEnv(f)
	f.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	f.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	f.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)
	store := NewSecretsManager("fuzz", SecretsManagerOptions{
		Region: "us-east-1", HTTPClient: &http.Client{Timeout: 5 * time.Second}, Policy: policy(1),
	})
	f.Fuzz(func(t *testing.T, st int, et, msg, val string) {
		if st < 200 || st > 599 {
			st = 200 + (st%400+400)%400
		}
		mu.Lock()
		status, errType, message, secret = st, et, msg, val
		mu.Unlock()
		snap, err := store.Read(context.Background())
		if err == nil {
			if snap.Token != strings.TrimSpace(val) || snap.Token == "" {
				t.Fatalf("token %q from %q", snap.Token, val)
			}
			return
		}
		_ = checkSafeError(t, err, func(c string) bool {
			// The service's error type, printable and capped, ours, or
			// the SDK's for an answer without one.
			return c == "" || c == "SecretBinary" || c == "UnknownError" || strings.Contains(printableCode(et), c) || strings.HasPrefix(c, "HTTP")
		})
	})
}
