package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Plain http:// to a host that is not this machine is an error wherever a
// secret would go: the `endpoint` argument (on the attribute, before any
// request), the Cognito endpoint of the environment or profile (at
// Configure) and the Secrets Manager one (when a store is about to use it),
// naming where it was set, URL redacted.
func TestPlaintextEndpointError(t *testing.T) {
	cases := []struct {
		name     string
		endpoint any // nil = not set
		env      map[string]string
		profile  string
		// store reads the refresh token from a Secrets Manager secret.
		store bool
		// summary of the one error expected, "" for none; attribute:
		// whether it is scoped to `endpoint`.
		summary   string
		attribute bool
		shows     []string // the detail names these
		hides     []string // and never these
	}{
		{name: "http to a remote host", endpoint: "http://cognito.example.com:9229", summary: "Cognito endpoint without TLS", attribute: true},
		{name: "http to a private address", endpoint: "http://10.1.2.3", summary: "Cognito endpoint without TLS", attribute: true},
		{name: "uppercase scheme", endpoint: "HTTP://10.1.2.3:80/", summary: "Cognito endpoint without TLS", attribute: true},
		{name: "http to a name that only starts like localhost", endpoint: "http://localhost.example.com", summary: "Cognito endpoint without TLS", attribute: true},
		{name: "http to an IPv6 address that is not loopback", endpoint: "http://[fe80::1]:9229", summary: "Cognito endpoint without TLS", attribute: true},
		{name: "https", endpoint: "https://cognito.example.com"},
		{name: "loopback 127.0.0.1", endpoint: "http://127.0.0.1:9229"},
		{name: "loopback elsewhere in 127/8", endpoint: "http://127.8.9.10:9229"},
		{name: "loopback ::1", endpoint: "http://[::1]:9229"},
		{name: "localhost", endpoint: "http://localhost:9229"},
		{name: "a name under .localhost", endpoint: "http://cognito.localhost:9229"},
		{name: "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER over http", env: map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://envuser:EnvPassw0rd@10.9.8.7:9229/p?key=s3cr3tkey"},
			summary: "Cognito endpoint without TLS", shows: []string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://10.9.8.7:9229"}, hides: []string{"EnvPassw0rd", "envuser", "s3cr3tkey"}},
		// AWS_ENDPOINT_URL applies to Cognito and Secrets Manager alike: one error.
		{name: "AWS_ENDPOINT_URL over http", env: map[string]string{"AWS_ENDPOINT_URL": "http://cognito.example.com"},
			summary: "Cognito endpoint without TLS", shows: []string{"AWS_ENDPOINT_URL sets", "http://cognito.example.com"}},
		{name: "AWS_ENDPOINT_URL_SECRETS_MANAGER over http", env: map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm.example.com:4566"}, store: true,
			summary: "Secrets Manager endpoint without TLS", shows: []string{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm.example.com:4566"}},
		{name: "the profile's endpoint_url over http", profile: "[default]\nendpoint_url = http://10.0.0.9\n",
			summary: "Cognito endpoint without TLS", shows: []string{"The AWS profile's `endpoint_url`", "http://10.0.0.9"}},
		{name: "AWS_ENDPOINT_URL to loopback", env: map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:9229"}},
		{name: "AWS_ENDPOINT_URL_SECRETS_MANAGER to localhost", env: map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://localhost:4566"}},
		// Nothing is sent to Secrets Manager without a store there.
		{name: "AWS_ENDPOINT_URL_SECRETS_MANAGER over http, no store", env: map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm.example.com:4566"}},
		{name: "the provider's https endpoint wins over AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
			endpoint: "https://cognito.example.com", env: map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://cognito.example.com"}},
		// The argument replaces the Cognito endpoint only; Secrets Manager
		// still goes to AWS_ENDPOINT_URL.
		{name: "the provider's endpoint does not cover Secrets Manager",
			endpoint: "https://cognito.example.com", env: map[string]string{"AWS_ENDPOINT_URL": "http://cognito.example.com"}, store: true,
			summary: "Secrets Manager endpoint without TLS", shows: []string{"AWS_ENDPOINT_URL sets"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolateAWSEnvironment(t)
			t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "")
			os.Unsetenv("AWS_ENDPOINT_URL_SECRETS_MANAGER") //nolint:errcheck // t.Setenv restores it.
			if tc.profile != "" {
				file := filepath.Join(t.TempDir(), "config")
				if err := os.WriteFile(file, []byte(tc.profile), 0o600); err != nil {
					t.Fatal(err)
				}
				t.Setenv("AWS_CONFIG_FILE", file)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			// An unknown token: without a plaintext error the provider
			// refuses to open (nothing is sent).
			resource := map[string]any{"refresh_token": unknown, "client_id": "abc"}
			if tc.store {
				// Known, so the check before the store's first request runs.
				resource = map[string]any{"client_id": "abc",
					"refresh_token_store": map[string]any{"secretsmanager_secret_id": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:token"}}
			}
			diags := protocolRun(t, "ephemeral", map[string]any{"region": "eu-west-1", "endpoint": tc.endpoint}, resource)
			var errs []*tfprotov6.Diagnostic
			for _, d := range diags {
				if d.Severity == tfprotov6.DiagnosticSeverityError && d.Summary != "Value not known yet" {
					errs = append(errs, d)
				}
			}
			if tc.summary == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected error: %s: %s", errs[0].Summary, errs[0].Detail)
				}
				return
			}
			if len(errs) != 1 || errs[0].Summary != tc.summary {
				t.Fatalf("got %d errors (%v), want one %q", len(errs), summaries(errs), tc.summary)
			}
			e := errs[0]
			scoped := e.Attribute != nil && e.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("endpoint"))
			if scoped != tc.attribute {
				t.Errorf("error scoped to %v, want attribute scope: %v", e.Attribute, tc.attribute)
			}
			if !strings.Contains(e.Detail, plaintextRisk) {
				t.Errorf("the error does not say what is at risk:\n%s", e.Detail)
			}
			for _, s := range tc.shows {
				if !strings.Contains(e.Detail, s) {
					t.Errorf("the error should name %q:\n%s", s, e.Detail)
				}
			}
			for _, s := range tc.hides {
				if strings.Contains(e.Detail, s) {
					t.Errorf("the error shows %q:\n%s", s, e.Detail)
				}
			}
		})
	}
}

// `endpoint` and `token_url` apply the same rule, with the same risk
// sentence, on the attribute.
func TestSecretURLRuleIsShared(t *testing.T) {
	validators := map[string]validator.String{"endpoint": endpointValidator{}, "token_url": tokenURLValidator{}}
	for _, raw := range []string{"http://auth.example.com/oauth2/token", "HTTP://10.0.0.1:8080/oauth2/token", "http://[2001:db8::1]/oauth2/token"} {
		for name, v := range validators {
			resp := &validator.StringResponse{}
			v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(name), ConfigValue: types.StringValue(raw)}, resp)
			if resp.Diagnostics.ErrorsCount() != 1 || !strings.Contains(resp.Diagnostics[0].Detail(), plaintextRisk) {
				t.Errorf("%s %q: %v, want one error with the plaintext risk", name, raw, resp.Diagnostics)
			}
		}
	}
	for _, raw := range []string{"http://127.0.0.1:9229/oauth2/token", "http://[::1]:1/oauth2/token", "http://LOCALHOST/oauth2/token", "http://auth.localhost/oauth2/token", "https://auth.example.com/oauth2/token"} {
		for name, v := range validators {
			resp := &validator.StringResponse{}
			v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(name), ConfigValue: types.StringValue(raw)}, resp)
			if resp.Diagnostics.HasError() {
				t.Errorf("%s %q refused: %v", name, raw, resp.Diagnostics)
			}
		}
	}
}

func summaries(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary+": "+d.Detail)
	}
	return out
}
