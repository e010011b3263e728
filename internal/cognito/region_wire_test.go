package cognito

import (
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"

	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
)

// wireRecorder answers every request locally with a valid token response
// and remembers where each request was addressed.
type wireRecorder struct {
	mu    sync.Mutex
	hosts []string
}

func (w *wireRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.hosts = append(w.hosts, req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
	w.mu.Unlock()
	body := `{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","ExpiresIn":3600,"TokenType":"Bearer"}}`
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amzn-Requestid": {"wire"}},
		Body:    io.NopCloser(strings.NewReader(body)),
		Request: req, ContentLength: int64(len(body)),
	}, nil
}

func (w *wireRecorder) last() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.hosts) == 0 {
		return ""
	}
	return w.hosts[len(w.hosts)-1]
}

// TestRegionReachesTheWire: without an endpoint override the region picks
// Cognito's regional endpoint, so the region every layer resolved is visible
// in the request's host (https://cognito-idp.<region>.amazonaws.com/, per
// AWS's service endpoints table). A client that ignores the per-request
// region, or the configured one, addresses the wrong host.
func TestRegionReachesTheWire(t *testing.T) {
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
		t.Setenv(name, "")
		os.Unsetenv(name) //nolint:errcheck // t.Setenv restores it.
	}
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")

	cases := []struct {
		name, env, configured, requested, want string
	}{
		{name: "configured region", configured: "eu-north-1", want: "eu-north-1"},
		{name: "per-request region beats the configured one", configured: "eu-north-1", requested: "ca-central-1", want: "ca-central-1"},
		{name: "AWS_REGION when none is configured", env: "ap-south-1", want: "ap-south-1"},
		{name: "configured region beats AWS_REGION", env: "ap-south-1", configured: "us-west-2", want: "us-west-2"},
		{name: "per-request region beats AWS_REGION", env: "ap-south-1", requested: "sa-east-1", want: "sa-east-1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_REGION", tc.env)
			c, err := load(context.Background(), Config{Region: tc.configured})
			if err != nil {
				t.Fatal(err)
			}
			wire := &wireRecorder{}
			useTransport(c, wire)
			// Twice: the second call goes through the cached per-region client.
			for range 2 {
				if _, err := c.Refresh(context.Background(), Request{Region: tc.requested, RefreshToken: "r", ClientID: "c"}); err != nil {
					t.Fatal(err)
				}
				if got, want := wire.last(), "https://cognito-idp."+tc.want+".amazonaws.com/"; got != want {
					t.Errorf("request went to %q, want %q", got, want)
				}
			}
		})
	}

	t.Run("one client, requests for two regions", func(t *testing.T) {
		c, err := load(context.Background(), Config{Region: "eu-north-1"})
		if err != nil {
			t.Fatal(err)
		}
		wire := &wireRecorder{}
		useTransport(c, wire)
		for _, region := range []string{"", "ca-central-1", "", "ap-southeast-2"} {
			if _, err := c.Refresh(context.Background(), Request{Region: region, RefreshToken: "r", ClientID: "c"}); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"eu-north-1", "ca-central-1", "eu-north-1", "ap-southeast-2"}
		for i, host := range wire.hosts {
			if host != "https://cognito-idp."+want[i]+".amazonaws.com/" {
				t.Errorf("request %d went to %s, want region %s", i+1, host, want[i])
			}
		}
	})
}

type failingWire struct{}

func (failingWire) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no route to host")
}

// TestErrorsNameTheRegionalEndpoint: without an override, a failure names
// the regional endpoint the request went to.
func TestErrorsNameTheRegionalEndpoint(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	retries := 0
	c, err := load(context.Background(), Config{Region: "eu-north-1", MaxRetries: &retries})
	if err != nil {
		t.Fatal(err)
	}
	useTransport(c, failingWire{})
	// The hosts of other partitions are the SDK's endpoint resolver's.
	for region, host := range map[string]string{
		"ca-central-1":   "https://cognito-idp.ca-central-1.amazonaws.com",
		"cn-north-1":     "https://cognito-idp.cn-north-1.amazonaws.com.cn",
		"eusc-de-east-1": "https://cognito-idp.eusc-de-east-1.amazonaws.eu",
		"us-isob-east-1": "https://cognito-idp.us-isob-east-1.sc2s.sgov.gov",
	} {
		_, err = c.Refresh(context.Background(), Request{Region: region, RefreshToken: "r", ClientID: "c"})
		var e *Error
		if !errors.As(err, &e) || e.Reason != failure.Unreachable || e.Endpoint != host {
			t.Errorf("got %v, want a diagnostic naming %s", err, host)
		}
	}
}
