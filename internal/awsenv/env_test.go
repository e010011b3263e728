package awsenv

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// isolate clears the AWS settings a developer's shell may hold and points
// the SDK at a config file with profile's content.
func isolate(t *testing.T, profile string) {
	t.Helper()
	for _, name := range []string{"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_PROFILE", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_CA_BUNDLE", "AWS_DEFAULTS_MODE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		t.Setenv(name, "")
		os.Unsetenv(name) //nolint:errcheck // t.Setenv restores it.
	}
	file := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(file, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", file)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

func load(t *testing.T, s Settings) *Env {
	t.Helper()
	e, err := Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The configuration never carries credentials, even when the environment
// has some: Cognito's token operations are unauthenticated.
func TestConfigIsAnonymous(t *testing.T) {
	isolate(t, "")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI")
	cfg := load(t, Settings{Region: "eu-west-1"}).Config()
	if !aws.IsCredentialsProvider(cfg.Credentials, aws.AnonymousCredentials{}) {
		t.Fatalf("credentials %T, want aws.AnonymousCredentials", cfg.Credentials)
	}
}

// TestCABundle: a server whose certificate only a custom CA bundle vouches
// for is reached through the shared client when AWS_CA_BUNDLE or the
// profile's ca_bundle names that bundle, and refused without it.
func TestCABundle(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	bundle := filepath.Join(dir, "bundle.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, envBundle, profile string
		wantOK                   bool
	}{
		{name: "AWS_CA_BUNDLE", envBundle: bundle, wantOK: true},
		{name: "profile ca_bundle", profile: "[default]\nca_bundle = " + bundle + "\n", wantOK: true},
		{name: "no bundle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t, tc.profile)
			if tc.envBundle != "" {
				t.Setenv("AWS_CA_BUNDLE", tc.envBundle)
			}
			e := load(t, Settings{Region: "eu-west-1"})
			resp, err := e.HTTPClient().Get(srv.URL)
			if err == nil {
				resp.Body.Close() //nolint:errcheck // Empty body.
			}
			if (err == nil) != tc.wantOK {
				t.Errorf("GET error %v, want success: %v", err, tc.wantOK)
			}
			if cfgClient := e.Config().HTTPClient; cfgClient != e.HTTPClient() {
				t.Error("the SDK configuration does not carry the shared HTTP client")
			}
		})
	}
}

// Every load with the same CA bundle and attempt bound shares one HTTP
// client, so provider configurations share one connection pool.
func TestOneHTTPClientPerBundleAndAttemptTimeout(t *testing.T) {
	isolate(t, "")
	first := load(t, Settings{Region: "eu-west-1"})
	if again := load(t, Settings{Region: "us-east-1", MaxRetries: new(int)}); again.HTTPClient() != first.HTTPClient() {
		t.Error("a second configuration got an HTTP client of its own")
	}
	if other := load(t, Settings{Region: "eu-west-1", AttemptTimeout: time.Second}); other.HTTPClient() == first.HTTPClient() {
		t.Error("another attempt timeout shares the client and so the wrong read timeout")
	}
}

func TestRetrySettings(t *testing.T) {
	two := 2
	cases := []struct {
		name     string
		profile  string
		env      map[string]string
		settings Settings
		want     retrypolicy.Policy
	}{
		{name: "defaults", want: retrypolicy.Resolve(retrypolicy.Settings{}, 0, "")},
		{name: "AWS_MAX_ATTEMPTS and AWS_RETRY_MODE", env: map[string]string{"AWS_MAX_ATTEMPTS": "5", "AWS_RETRY_MODE": "adaptive"},
			want: retrypolicy.Resolve(retrypolicy.Settings{}, 5, aws.RetryModeAdaptive)},
		{name: "profile max_attempts", profile: "[default]\nmax_attempts = 4\nretry_mode = adaptive\n",
			want: retrypolicy.Resolve(retrypolicy.Settings{}, 4, aws.RetryModeAdaptive)},
		{name: "settings win over AWS_MAX_ATTEMPTS", env: map[string]string{"AWS_MAX_ATTEMPTS": "5"},
			settings: Settings{MaxRetries: &two, RetryMode: aws.RetryModeStandard, Timeout: time.Minute},
			want:     retrypolicy.Resolve(retrypolicy.Settings{MaxRetries: &two, Mode: aws.RetryModeStandard, Timeout: time.Minute}, 5, "")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t, tc.profile)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			tc.settings.Region = "eu-west-1"
			e := load(t, tc.settings)
			if got := e.Policy(); got != tc.want {
				t.Errorf("policy %+v, want %+v", got, tc.want)
			}
			cfg := e.Config()
			// Left set, the service client would wrap the retryer with
			// AWS_MAX_ATTEMPTS and override the policy.
			if cfg.RetryMaxAttempts != 0 || cfg.RetryMode != tc.want.Mode || cfg.Retryer == nil {
				t.Errorf("SDK config retry fields %d %q %v", cfg.RetryMaxAttempts, cfg.RetryMode, cfg.Retryer != nil)
			}
			if got := cfg.Retryer().MaxAttempts(); got != tc.want.MaxAttempts {
				t.Errorf("retryer max attempts %d, want %d", got, tc.want.MaxAttempts)
			}
		})
	}
}

// ServiceEndpoint finds what the SDK's own clients resolve, for both
// services, and names the variable that set it.
func TestServiceEndpointMatchesTheSDK(t *testing.T) {
	cases := []struct {
		name    string
		profile string
		env     map[string]string
		want    map[string]Endpoint // by service ID
	}{
		{name: "none"},
		{name: "AWS_ENDPOINT_URL", env: map[string]string{"AWS_ENDPOINT_URL": "http://global:1"},
			want: map[string]Endpoint{CognitoIdentityProvider: {"http://global:1", "AWS_ENDPOINT_URL"}, SecretsManager: {"http://global:1", "AWS_ENDPOINT_URL"}}},
		{name: "service variables", env: map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://idp:1", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm:1"},
			want: map[string]Endpoint{CognitoIdentityProvider: {"http://idp:1", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"}, SecretsManager: {"http://sm:1", "AWS_ENDPOINT_URL_SECRETS_MANAGER"}}},
		{name: "a service variable wins over AWS_ENDPOINT_URL", env: map[string]string{"AWS_ENDPOINT_URL": "http://global:1", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm:1"},
			want: map[string]Endpoint{CognitoIdentityProvider: {"http://global:1", "AWS_ENDPOINT_URL"}, SecretsManager: {"http://sm:1", "AWS_ENDPOINT_URL_SECRETS_MANAGER"}}},
		{name: "profile endpoint_url", profile: "[default]\nendpoint_url = http://profile:1\n",
			want: map[string]Endpoint{CognitoIdentityProvider: {URL: "http://profile:1"}, SecretsManager: {URL: "http://profile:1"}}},
		{name: "profile services section", profile: "[default]\nservices = local\n[services local]\nsecrets_manager =\n  endpoint_url = http://sm-profile:1\n",
			want: map[string]Endpoint{SecretsManager: {URL: "http://sm-profile:1"}}},
		{name: "AWS_ENDPOINT_URL hides the profile's services section", env: map[string]string{"AWS_ENDPOINT_URL": "http://global:1"},
			profile: "[default]\nservices = local\n[services local]\nsecrets_manager =\n  endpoint_url = http://sm-profile:1\n",
			want:    map[string]Endpoint{CognitoIdentityProvider: {"http://global:1", "AWS_ENDPOINT_URL"}, SecretsManager: {"http://global:1", "AWS_ENDPOINT_URL"}}},
		{name: "ignored", env: map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t, tc.profile)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			e := load(t, Settings{Region: "eu-west-1"})
			sdk := map[string]string{
				CognitoIdentityProvider: aws.ToString(cip.NewFromConfig(e.Config()).Options().BaseEndpoint),
				SecretsManager:          aws.ToString(secretsmanager.NewFromConfig(e.Config()).Options().BaseEndpoint),
			}
			for service, sdkURL := range sdk {
				got := e.ServiceEndpoint(service)
				if got.URL != sdkURL {
					t.Errorf("%s: ServiceEndpoint %q, the SDK's client uses %q", service, got.URL, sdkURL)
				}
				if got != tc.want[service] {
					t.Errorf("%s: ServiceEndpoint %+v, want %+v", service, got, tc.want[service])
				}
			}
		})
	}
}

// A connection accepted but never answered fails the attempt after the
// attempt bound (the SDK's read timeout, retried like a lost answer),
// not after the caller's whole budget.
func TestAttemptTimeoutBoundsASilentServer(t *testing.T) {
	isolate(t, "")
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 16)
	t.Cleanup(func() {
		listener.Close() //nolint:errcheck // Test teardown.
		for {
			select {
			case conn := <-accepted:
				conn.Close() //nolint:errcheck // Test teardown.
			default:
				return
			}
		}
	})
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			accepted <- conn
		}
	}()
	e := load(t, Settings{Region: "eu-west-1", AttemptTimeout: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+listener.Addr().String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.HTTPClient().Do(req)
	if err == nil {
		resp.Body.Close() //nolint:errcheck // Not expected.
	}
	var timeout *awshttp.ResponseTimeoutError
	if !errors.As(err, &timeout) || ctx.Err() != nil {
		t.Fatalf("got %v, want the attempt's read timeout", err)
	}
}

type fixedBackoff time.Duration

func (d fixedBackoff) BackoffDelay(int, error) (time.Duration, error) { return time.Duration(d), nil }

// An injected backoff reaches the policy and the SDK clients' retryer.
func TestBackoffReachesTheRetryer(t *testing.T) {
	isolate(t, "")
	e := load(t, Settings{Region: "eu-west-1", Backoff: fixedBackoff(123 * time.Hour)})
	if e.Policy().Backoff != fixedBackoff(123*time.Hour) {
		t.Error("the policy lost the injected backoff")
	}
	if d, err := e.Config().Retryer().RetryDelay(1, errors.New("throttled")); err != nil || d != 123*time.Hour {
		t.Errorf("the SDK clients' retryer waits %v (%v), not the injected backoff", d, err)
	}
}
