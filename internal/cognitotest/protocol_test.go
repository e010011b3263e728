package cognitotest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// post sends a raw request, bypassing the SDK (which refuses to send
// requests missing required members).
func post(t testing.TB, s *Server, target, ctype, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(body))
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, resp.Header, m
}

func TestWireProtocol(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	c := s.AddClient(AppClient{})
	tests := []struct {
		name, target, ctype, body string
		wantType, wantMsg         string
	}{
		{"unknown operation", "AWSCognitoIdentityProviderService.SignUp", jsonContentType, `{}`,
			"com.amazon.coral.service#UnknownOperationException", ""},
		{"missing target", "", jsonContentType, `{}`, "com.amazon.coral.service#UnknownOperationException", ""},
		{"wrong content type", targetGetTokens, "text/plain", `{}`, "com.amazon.coral.service#UnknownOperationException", ""},
		{"not json", targetGetTokens, jsonContentType, `RefreshToken=abc`, "com.amazon.coral.service#SerializationException", ""},
		{"wrong member type", targetGetTokens, jsonContentType, `{"ClientId": 42}`, "com.amazon.coral.service#SerializationException", ""},
		{"empty body", targetGetTokens, jsonContentType, ``, ErrInvalidParameter,
			"2 validation errors detected: Value null at 'refreshToken' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'clientId' failed to satisfy constraint: Member must not be null"},
		{"null refresh token", targetGetTokens, jsonContentType, `{"ClientId":"` + c.ID + `","RefreshToken":null}`, ErrInvalidParameter,
			"1 validation error detected: Value null at 'refreshToken' failed to satisfy constraint: Member must not be null"},
		{"member names are case-sensitive", targetGetTokens, jsonContentType, `{"clientid":"a","refreshtoken":"b"}`, ErrInvalidParameter,
			"2 validation errors detected"},
		{"empty client id", targetGetTokens, jsonContentType, `{"ClientId":"","RefreshToken":"a.b"}`, ErrInvalidParameter,
			"2 validation errors detected: Value at 'clientId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+"},
		{"long device key", targetGetTokens, jsonContentType, `{"ClientId":"a","RefreshToken":"b","DeviceKey":"us-east-1_` + strings.Repeat("a", 50) + `"}`,
			ErrInvalidParameter, "Member must have length less than or equal to 55"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := post(t, s, tc.target, tc.ctype, tc.body)
			if status != 400 || body["__type"] != tc.wantType || !strings.Contains(fmt.Sprint(body["message"]), tc.wantMsg) {
				t.Errorf("HTTP %d body %v", status, body)
			}
			if h.Get("Content-Type") != jsonContentType || h.Get("X-Amzn-Requestid") == "" ||
				!strings.HasSuffix(h.Get("X-Amzn-Errortype"), ":") {
				t.Errorf("headers %v", h)
			}
		})
	}

	resp, err := http.Get(s.URL + "/us-east-1_Other/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 200 {
		t.Error("JWKS of another pool served")
	}
}

// FuzzRequest checks that no body makes the server panic or answer 5xx.
func FuzzRequest(f *testing.F) {
	s := NewServer(PoolConfig{})
	defer s.Close()
	c := s.AddClient(AppClient{Rotation: true})
	s.AddUser(User{Username: "u"})
	rt := s.IssueRefreshToken(c.ID, "u")
	for _, seed := range []string{"", "{}", "null", "[]", `{"ClientId":"` + c.ID + `","RefreshToken":"` + rt + `"}`,
		`{"ClientId":"` + c.ID + `","RefreshToken":"` + rt + `","DeviceKey":"x_0"}`, `{"ClientMetadata":{"a":1}}`, "\x00\xff{"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		status, _, _ := post(t, s, targetGetTokens, jsonContentType, body)
		if status != 200 && status != 400 {
			t.Errorf("status %d for %q", status, body)
		}
	})
}
