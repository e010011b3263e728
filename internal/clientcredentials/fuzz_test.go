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

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// The client id's tail is the secret's head, so an answer can hold both
// overlapping ("qv7kz3xw9jp2QZXVm4t8..."): masking one secret after the
// other would leave a piece of the first.
const (
	fuzzClientID = "qv7kz3xw9jp2QZXV"
	fuzzSecret   = "QZXVm4t8rb6yh1nd5wc2gf9sl0ej3ua7io5pk8dx1vz6bq4tn"
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
		{400, "application/json", `{"error":"invalid_client","error_description":"<qv7kz3xw9jp2QZXVm4t8rb6yh1nd5wc2gf9sl0ej3ua7io5pk8dx1vz6bq4tn>"}`},
		{502, "text/plain", "qv7kz3xw9jp2QZXVm4t8rb6yh1nd5wc2gf9sl0ej3ua7io5pk8dx1vz6bq4tn"},
		// Altered echoes (issue 17): upper-cased, cut short, the Basic value
		// unpadded and URL-encoded.
		{400, "application/json", `{"error":"invalid_client","error_description":"QV7KZ3XW9JP2QZXV M4T8RB6YH1ND5WC2GF9"}`},
		{400, "application/json", `{"error":"invalid_client","error_description":"cXY3a3ozeHc5anAyUVpYVjpRWlhWbTR0OHJiNnloMW5kNXdjMmdmOXNsMGVqM3VhN2lvNXBrOGR4MXZ6NmJxNHRu"}`},
		{400, "application/json", `{"error":"invalid_client\u001b[2J","error_description":"cXY3a3ozeHc5anAyUVpYVjpRWlhWbTR0OHJiNnloMW5kNXdjMmdmOXNsMGVqM3VhN2lvNXBrOGR4MXZ6NmJxNHRu%3D%3D"}`},
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
		endpoint := newEndpoint(client, retrypolicy.Policy{MaxAttempts: 1, Mode: aws.RetryModeStandard, Timeout: 10 * time.Second})
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
		// Every fact a diagnostic may show.
		text := strings.Join([]string{tokenErr.Error(), tokenErr.Code, tokenErr.Message, tokenErr.RootCause, tokenErr.Endpoint, tokenErr.Missing.String()}, "\n")
		if strings.HasPrefix(tokenErr.Reason.String(), "Reason(") || tokenErr.Endpoint == "" && tokenErr.Reason != failure.Incomplete {
			t.Fatalf("unclassified error: %+v", tokenErr)
		}
		secrets := []string{fuzzClientID, fuzzSecret}
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Fatalf("the error shows a secret: %s", text)
			}
		}
		// No piece of a secret the answer held survives either, unless
		// the answer also held that piece on its own.
		outside := uncovered(body, secrets)
		for _, secret := range secrets {
			for i := 0; i+fragment <= len(secret); i++ {
				piece := secret[i : i+fragment]
				if strings.Contains(text, piece) && !strings.Contains(outside, piece) {
					t.Fatalf("the error shows %q, a piece of a secret: %s", piece, text)
				}
			}
		}
	})
}

// fragment is the length of a piece of a secret the fuzz test looks for.
const fragment = 6

// uncovered blanks every byte of text that an occurrence of a secret covers,
// brute force, as an oracle independent of the scrubbing under test.
func uncovered(text string, secrets []string) string {
	out := []byte(text)
	for start := range text {
		for _, s := range secrets {
			if s != "" && strings.HasPrefix(text[start:], s) {
				for j := start; j < start+len(s); j++ {
					out[j] = 0
				}
			}
		}
	}
	return string(out)
}
