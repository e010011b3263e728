package cognito

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestCABundle: an endpoint whose certificate only a custom CA bundle
// vouches for (a TLS-inspecting proxy, a private endpoint) is reached when
// AWS_CA_BUNDLE or the profile's ca_bundle names that bundle, and refused
// without it.
func TestCABundle(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte(`{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","ExpiresIn":3600,"TokenType":"Bearer"}}`))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	bundle := filepath.Join(dir, "bundle.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "config")
	if err := os.WriteFile(profile, []byte("[default]\nca_bundle = "+bundle+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, envBundle, configFile string
		wantOK                      bool
	}{
		{name: "AWS_CA_BUNDLE", envBundle: bundle, configFile: filepath.Join(dir, "none"), wantOK: true},
		{name: "profile ca_bundle", configFile: profile, wantOK: true},
		{name: "no bundle", configFile: filepath.Join(dir, "none")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_CA_BUNDLE", tc.envBundle)
			if tc.envBundle == "" {
				os.Unsetenv("AWS_CA_BUNDLE") //nolint:errcheck // t.Setenv restores it.
			}
			t.Setenv("AWS_CONFIG_FILE", tc.configFile)
			t.Setenv("AWS_PROFILE", "")
			retries := 0
			c, err := load(context.Background(), Config{Region: "eu-west-1", Endpoint: srv.URL, MaxRetries: &retries})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Refresh(context.Background(), Request{RefreshToken: "r", ClientID: "c"})
			if (err == nil) != tc.wantOK {
				t.Errorf("refresh error %v, want success: %v", err, tc.wantOK)
			}
		})
	}
}
