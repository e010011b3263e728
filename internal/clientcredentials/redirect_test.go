package clientcredentials

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
)

// An Endpoint built from the shared environment refuses a redirect on its
// own: the request, and the client secret in its Authorization header,
// never reach the URL a redirect names, whichever status carries it (the
// SDK's shared client follows 307 and 308, aws/transport/http client.go
// limitedRedirect). The rule is on a copy: the transport, and so the
// connections, stay shared.
func TestRedirectIsNotFollowed(t *testing.T) {
	for _, name := range []string{"AWS_PROFILE", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_CA_BUNDLE"} {
		t.Setenv(name, "")
		os.Unsetenv(name) //nolint:errcheck // t.Setenv restores it.
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	var elsewhere atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		w.WriteHeader(http.StatusBadRequest)
	}))
	t.Cleanup(target.Close)
	retries := 0
	env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: "eu-west-1", MaxRetries: &retries})
	if err != nil {
		t.Fatal(err)
	}
	e := New(env)
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/oauth2/token", status)
		}))
		_, tokenErr := tokenFromEndpoint(t, e, redirecting.URL+"/oauth2/token")
		redirecting.Close()
		if tokenErr == nil {
			t.Errorf("%d: a redirect answered with a token", status)
		}
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect target received %d requests", n)
	}
	if e.client == env.HTTPClient() || e.client.Transport != env.HTTPClient().Transport {
		t.Error("the Endpoint should send through a copy of the shared client: its own redirect rule, the shared connections")
	}
}
