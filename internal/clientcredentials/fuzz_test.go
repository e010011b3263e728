package clientcredentials

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

const (
	fuzzClientID = "fuzzclientid0000000000000a"
	fuzzSecret   = "fuzzsecret0000000000000000000000000000000000000000b"
)

// FuzzTokenResponse: whatever the endpoint answers, Token never panics,
// fails with an *Error that says what to do and holds neither the client id
// nor the secret, or returns a complete token.
func FuzzTokenResponse(f *testing.F) {
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6InBsYXRmb3JtL2RlcGxveSJ9.c2ln"
	for _, seed := range []struct {
		status      int
		contentType string
		body        string
	}{
		{200, "application/json;charset=UTF-8", `{"access_token":"` + jwt + `","expires_in":3600,"token_type":"Bearer"}`},
		{400, "application/json", `{"error":"invalid_client","error_description":"client ` + fuzzClientID + ` secret ` + fuzzSecret + `"}`},
		{400, "application/json", `{"error":"` + fuzzSecret + `"}`},
		{401, "application/json", `{"error":"invalid_scope"}`},
		{200, "application/json", `{"error":"invalid_request"}`},
		{429, "text/html", "<html>slow down</html>"},
		{503, "", ""},
		{200, "application/x-www-form-urlencoded", "access_token=" + jwt + "&expires_in=3600&token_type=Bearer"},
		{200, "application/json", `{"access_token":"` + jwt + `","expires_in":1e99,"token_type":"Bearer"}`},
		{200, "application/json", `{"access_token":"a.b.c","expires_in":3600,"token_type":"Bearer"}`},
		{302, "text/plain", "moved"},
	} {
		f.Add(seed.status, seed.contentType, seed.body)
	}
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if contentType != "" {
				w.Header().Set("Content-Type", contentType)
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}))
		defer srv.Close()
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		endpoint := New(client, retrypolicy.Policy{MaxAttempts: 1, Mode: aws.RetryModeStandard, Timeout: 10 * time.Second})
		token, err := endpoint.Token(context.Background(), Request{TokenURL: srv.URL + "/oauth2/token", ClientID: fuzzClientID, ClientSecret: fuzzSecret})
		if err == nil {
			if token.AccessToken == "" || token.ExpiresIn < 1 || token.ExpiresAt.IsZero() || !strings.EqualFold(token.TokenType, "Bearer") {
				t.Fatalf("incomplete token from %d %q %q: %+v", status, contentType, body, token)
			}
			return
		}
		var tokenErr *Error
		if !errors.As(err, &tokenErr) {
			t.Fatalf("error is %T, not *Error", err)
		}
		text := tokenErr.Summary + tokenErr.Detail + tokenErr.Code
		if tokenErr.Summary == "" || len(tokenErr.Detail) < 40 {
			t.Fatalf("terse error: %q / %q", tokenErr.Summary, tokenErr.Detail)
		}
		for _, secret := range []string{fuzzClientID, fuzzSecret} {
			if strings.Contains(text, secret) {
				t.Fatalf("the error shows a secret: %s", text)
			}
		}
	})
}
