package cognito

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// refreshAgainst refreshes once (no retry) against endpoint and returns
// the *Error.
func refreshAgainst(t *testing.T, endpoint string, req Request) *Error {
	t.Helper()
	retries := 0
	c, err := load(context.Background(), Config{Region: "eu-west-1", Endpoint: endpoint, MaxRetries: &retries})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Refresh(context.Background(), req)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *Error", err)
	}
	return e
}

// answering serves every request with status, headers and body.
func answering(t *testing.T, status int, headers map[string]string, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		for k, v := range headers {
			w.Header()[k] = []string{v}
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestWireTextIsCleaned: an error code, message or request ID with escape
// sequences, newlines or bell characters (from a proxy, or anything
// answering in Cognito's place) becomes a fact of plain text on one line,
// capped in length. Only the body can carry control characters: Go's
// HTTP client refuses a response whose header values hold them.
func TestWireTextIsCleaned(t *testing.T) {
	for _, tc := range []struct {
		name    string
		headers map[string]string
		body    string
	}{
		{"code in __type", nil, `{"__type":"Evil\u001b[31mCode\nInjected\u0007","message":"m"}`},
		{"long code in X-Amzn-ErrorType", map[string]string{"X-Amzn-Errortype": strings.Repeat("LongCode", 40)}, `{"message":"m"}`},
		{"message", nil, `{"__type":"SomeNewException","message":"line1\nline2\u001b[2J\u001b]0;owned\u0007` + strings.Repeat("x", 2000) + `"}`},
		{"long request ID", map[string]string{"X-Amzn-Requestid": "req-" + strings.Repeat("r", 500)}, `{"__type":"SomeNewException","message":"m"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t, "")
			e := refreshAgainst(t, answering(t, http.StatusBadRequest, tc.headers, tc.body), Request{RefreshToken: "token", ClientID: "client"})
			if e.Code == "" {
				t.Fatalf("no API error, so this proves nothing: %s", e.Error())
			}
			for _, field := range []struct{ name, text string }{{"Code", e.Code}, {"RequestID", e.RequestID}, {"Message", e.Message}} {
				if strings.ContainsAny(field.text, "\x1b\a\n\r") {
					t.Errorf("%s holds a control character: %q", field.name, field.text)
				}
			}
			if len(e.Code) > maxCodeLength+len("…") || len(e.RequestID) > maxRequestIDLength+len("…") || len(e.Message) > maxMessageLength+len("…") {
				t.Errorf("wire text not capped: code %d, request ID %d, message %d bytes", len(e.Code), len(e.RequestID), len(e.Message))
			}
		})
	}
}

// TestAlteredEchoesAreScrubbed: an answer that echoes request values in a
// form other than the one sent (upper-cased, cut short, JSON-escaped) shows
// them neither in the diagnostic nor in the error's Cause, which is logged.
// The device key is one of those values.
func TestAlteredEchoesAreScrubbed(t *testing.T) {
	isolate(t, "")
	req := Request{
		RefreshToken: "eyJjdHkiOiJKV1QifQ.aGVsbG8gcmVmcmVzaCB0b2tlbiBib2R5.c2lnbmF0dXJl",
		ClientID:     "1example23456789abcdefghij",
		ClientSecret: "secretvalue0123456789abcdefghijklmnopqrstu",
		DeviceKey:    "eu-west-1_0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
	}
	echoes := []string{
		strings.ToUpper(req.ClientID),
		req.RefreshToken[10:40],
		strings.ToUpper(req.ClientSecret[5:25]),
		req.DeviceKey,
		strings.ToUpper(req.DeviceKey),
	}
	body := `{"__type":"NotAuthorizedException","message":"seen: ` + strings.Join(echoes, " | ") + `"}`
	e := refreshAgainst(t, answering(t, http.StatusBadRequest, nil, body), req)
	if !strings.HasPrefix(e.Message, "seen: ***") {
		t.Fatalf("the echo did not reach the message, so this proves nothing: %q", e.Message)
	}
	for _, text := range []string{e.Error(), e.Cause(), e.Message} {
		for _, echo := range echoes {
			if strings.Contains(text, echo) {
				t.Errorf("%q shows in %s", echo, text)
			}
		}
	}
}

// TestEndpointSecretsAreHidden: a key in the endpoint's path, query or
// fragment, from the provider block or the environment, shows neither in
// a diagnostic nor in the logged Cause, even when the transport error
// names the whole URL.
func TestEndpointSecretsAreHidden(t *testing.T) {
	const pathKey, queryKey = "p4thK3yValue0123", "qu3ryK3yValue456"
	unavailable := answering(t, http.StatusInternalServerError, nil, "oops")
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + listener.Addr().String()
	listener.Close()
	for _, tc := range []struct{ name, base string }{{"HTTP 500", unavailable}, {"connection refused", closed}} {
		t.Run(tc.name+", endpoint with a path", func(t *testing.T) {
			isolate(t, "")
			e := refreshAgainst(t, tc.base+"/"+pathKey, Request{RefreshToken: "token", ClientID: "client"})
			checkHidden(t, e, pathKey)
		})
		t.Run(tc.name+", environment endpoint with path, query and fragment", func(t *testing.T) {
			isolate(t, "")
			t.Setenv("AWS_ENDPOINT_URL", tc.base+"/"+pathKey+"?api_key="+queryKey+"#"+queryKey)
			t.Setenv("AWS_MAX_ATTEMPTS", "1")
			c, err := load(context.Background(), Config{Region: "eu-west-1"})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.EnvironmentEndpoint(); got != tc.base+"/…" {
				t.Errorf("EnvironmentEndpoint() = %q", got)
			}
			_, err = c.Refresh(context.Background(), Request{RefreshToken: "token", ClientID: "client"})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v", err)
			}
			checkHidden(t, e, pathKey, queryKey, "api_key")
		})
	}
}

func checkHidden(t *testing.T, e *Error, keys ...string) {
	t.Helper()
	if !strings.Contains(e.Endpoint, "127.0.0.1") {
		t.Errorf("the endpoint fact does not name the host: %q", e.Endpoint)
	}
	for _, text := range []string{e.Error(), e.Cause(), e.Endpoint, e.RootCause} {
		for _, key := range keys {
			if strings.Contains(text, key) {
				t.Errorf("%q shows in %s", key, text)
			}
		}
	}
}

// TestDeviceKeysAreSecrets: device keys, sent or issued, are masked in logs
// and scrubbed from diagnostics like tokens.
func TestDeviceKeysAreSecrets(t *testing.T) {
	if got := (Request{RefreshToken: "r", ClientID: "c", DeviceKey: "eu-west-1_0b1c"}).Secrets(); !slices.Contains(got, "eu-west-1_0b1c") {
		t.Errorf("Request.Secrets() = %q lacks the device key", got)
	}
	got := (Tokens{AccessToken: "a", IDToken: "i", NewDeviceKey: "eu-west-1_new", NewDeviceGroupKey: "-group"}).Secrets()
	if !slices.Contains(got, "eu-west-1_new") || !slices.Contains(got, "-group") {
		t.Errorf("Tokens.Secrets() = %q lacks the new device's keys", got)
	}
}
