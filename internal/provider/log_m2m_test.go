package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// A proxy that reflects the Authorization header in its error answer puts
// base64(id:secret) in the body: the DEBUG log of a failed machine-token
// request shows status, error code and body length, never the body.
func TestClientCredentialsFailureLogShowsNoBody(t *testing.T) {
	const clientID, secret = "logclientid+7", "LogSecretValue0123456789abcdef"
	for _, tc := range []struct {
		name, code string
		status     int
	}{
		{"OAuth error", "invalid_client", 400},
		{"gateway error", "", 502},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var header string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				header = strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				body, _ := json.Marshal(map[string]string{"error": tc.code, "error_description": "you sent Basic " + header})
				if tc.code == "" {
					body = []byte("<html>upstream said: Authorization: Basic " + header + "</html>")
				}
				_, _ = w.Write(body)
			}))
			defer srv.Close()

			var logs bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &logs)
			data := newM2MFaultProvider(0, 10*time.Second, aws.RetryModeStandard)
			diags := clientCredentialsToken(ctx, data, m2mFaultModel(m2mInputs{TokenURL: srv.URL + "/oauth2/token", ClientID: clientID, ClientSecret: secret}))
			if !diags.HasError() {
				t.Fatal("no error")
			}
			text := logs.String()
			if header == "" {
				t.Fatal("no Authorization header seen")
			}
			for _, leaked := range []string{header, clientID, secret, "you sent", "upstream said"} {
				if strings.Contains(text, leaked) {
					t.Errorf("the log shows %q:\n%s", leaked, text)
				}
			}
			var line map[string]any
			for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
				var m map[string]any
				if json.Unmarshal([]byte(l), &m) == nil && m["@message"] == "Cognito client-credentials token request failed" {
					line = m
				}
			}
			if line == nil {
				t.Fatalf("no failure line:\n%s", text)
			}
			if line["status"] != float64(tc.status) || line["error_code"] != tc.code || line["body_length"] == float64(0) || line["body_length"] == nil || line["attempts"] != float64(1) {
				t.Errorf("failure line %v, want status %d, error_code %q, a body length and 1 attempt", line, tc.status, tc.code)
			}
		})
	}
}

func TestFailureFieldsOfAnotherError(t *testing.T) {
	if got := failureFields(errors.New("boom")); len(got) != 1 || got["error_type"] != "*errors.errorString" {
		t.Errorf("failureFields = %v", got)
	}
}
