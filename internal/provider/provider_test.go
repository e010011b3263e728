package provider

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// testProviders serves this provider and echo (which copies ephemeral
// results into state so tests can check them) in-process.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"cognito": providerserver.NewProtocol6WithError(New("test")()),
	"echo":    echoprovider.NewProviderServer(),
}

// pool is acctest's double (one user, alice, app clients made on demand)
// with the checks this package's acceptance tests add.
type pool struct {
	*acctest.Pool
}

func newPool(t *testing.T, cfg cognitotest.PoolConfig) *pool {
	t.Helper()
	return &pool{Pool: acctest.NewPool(t, cfg)}
}

// ephemeralHCL opens the ephemeral resource and echoes its result into
// echo.test.data.
func ephemeralHCL(provider string, in acctest.TokenInputs) string {
	return provider + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.HCL() + `}

provider "echo" {
  data = ephemeral.cognito_refreshed_tokens.test
}

resource "echo" "test" {}
`
}

// dataSourceHCL reads the data source.
func dataSourceHCL(provider string, in acctest.TokenInputs) string {
	return provider + `
data "cognito_refreshed_tokens" "test" {
` + in.HCL() + `}
`
}

// jwtFor checks that a value is a JWT signed by the pool, of the given use,
// for the given client, and runs more claim checks.
func (p *pool) jwtFor(use, clientID string, more ...func(claims map[string]any) error) knownvalue.Check {
	return knownvalue.StringFunc(func(token string) error {
		claims, err := cognitotest.VerifyJWT(token, p.JWKS())
		if err != nil {
			return fmt.Errorf("%s token does not verify against the pool's JWKS: %w", use, err)
		}
		want := map[string]any{"iss": p.Issuer(), "token_use": use}
		if use == "access" {
			want["client_id"], want["username"] = clientID, "alice"
		} else {
			want["aud"], want["cognito:username"] = clientID, "alice"
		}
		for claim, value := range want {
			if claims[claim] != value {
				return fmt.Errorf("%s token claim %s = %v, want %v", use, claim, claims[claim], value)
			}
		}
		for _, check := range more {
			if err := check(claims); err != nil {
				return err
			}
		}
		return nil
	})
}

// expiresAtAbout checks an RFC 3339 UTC timestamp about d from now.
func expiresAtAbout(d time.Duration) knownvalue.Check {
	return knownvalue.StringFunc(func(s string) error {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil || !strings.HasSuffix(s, "Z") {
			return fmt.Errorf("expires_at %q is not an RFC 3339 UTC timestamp", s)
		}
		if delta := time.Until(at) - d; delta > time.Minute || delta < -5*time.Minute {
			return fmt.Errorf("expires_at %s is not about %s from now", s, d)
		}
		return nil
	})
}

// claimEquals checks one claim of a verified token.
func claimEquals(name string, want any) func(map[string]any) error {
	return func(claims map[string]any) error {
		if claims[name] != want {
			return fmt.Errorf("claim %s = %v, want %v", name, claims[name], want)
		}
		return nil
	}
}

// refreshTokenShape matches what the double (and Cognito) issue.
var refreshTokenShape = regexp.MustCompile(`^[A-Za-z0-9\-_=.]+$`)

// isolateAWSEnvironment clears every AWS setting the SDK could pick up, so a
// test sees only what it sets. Such tests cannot run in parallel.
func isolateAWSEnvironment(t *testing.T) {
	t.Helper()
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
		t.Setenv(name, "")
		os.Unsetenv(name) //nolint:errcheck // t.Setenv restores it.
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
}

// providerPrecedenceCase expects the unknown-client error to name the region
// that won, or the refresh to reach the double when wantRegion is "".
type providerPrecedenceCase struct {
	name           string
	env            map[string]string
	providerRegion string
	resourceRegion string
	// endpoint is "double" (the provider argument points at it), "dead" or "".
	endpoint    string
	wantRegion  string
	expectError *regexp.Regexp
}

func TestAccProviderRegionAndEndpointPrecedence(t *testing.T) {
	const dead = "http://127.0.0.1:1"
	cases := []providerPrecedenceCase{
		{name: "provider region beats the environment", env: map[string]string{"AWS_REGION": "ap-south-1"}, providerRegion: "us-west-2", endpoint: "double", wantRegion: "us-west-2"},
		{name: "resource region beats the provider", providerRegion: "us-west-2", resourceRegion: "ca-central-1", endpoint: "double", wantRegion: "ca-central-1"},
		{name: "AWS_REGION", env: map[string]string{"AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "eu-north-1"}, endpoint: "double", wantRegion: "ap-south-1"},
		{name: "AWS_DEFAULT_REGION", env: map[string]string{"AWS_DEFAULT_REGION": "eu-north-1"}, endpoint: "double", wantRegion: "eu-north-1"},
		{name: "shared config profile", env: map[string]string{"AWS_CONFIG_FILE": "profile"}, endpoint: "double", wantRegion: "sa-east-1"},
		{name: "no region anywhere", endpoint: "double", expectError: regexp.MustCompile(`No AWS region configured[\s\S]*AWS_REGION`)},
		{name: "service endpoint from the environment", env: map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "double"}, providerRegion: "eu-west-1"},
		{name: "global endpoint from the environment", env: map[string]string{"AWS_ENDPOINT_URL": "double"}, providerRegion: "eu-west-1"},
		{name: "provider endpoint beats the environment", env: map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": dead}, providerRegion: "eu-west-1", endpoint: "double"},
		{name: "unreachable endpoint", providerRegion: "eu-west-1", endpoint: "dead",
			expectError: regexp.MustCompile(`Could not reach Cognito[\s\S]*127\.0\.0\.1:1[\s\S]*1\s+attempt`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolateAWSEnvironment(t)
			p := newPool(t, cognitotest.PoolConfig{})
			for name, value := range tc.env {
				switch value {
				case "double":
					value = p.URL
				case "profile":
					value = filepath.Join(t.TempDir(), "config")
					if err := os.WriteFile(value, []byte("[default]\nregion = sa-east-1\n"), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				t.Setenv(name, value)
			}
			in := p.SignIn(cognitotest.AppClient{})
			in.Region = tc.resourceRegion
			expectError := tc.expectError
			if tc.wantRegion != "" {
				in.ClientID = "nosuchclient"
				expectError = regexp.MustCompile(`App client not found[\s\S]*region ` + tc.wantRegion)
			}
			endpoint := map[string]string{"double": p.URL, "dead": dead}[tc.endpoint]
			args := []string{"max_retries = 0"}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				Steps: []resource.TestStep{{
					Config:      ephemeralHCL(acctest.ProviderHCL(endpoint, tc.providerRegion, args...), in),
					ExpectError: expectError,
				}},
			})
			if expectError == nil && p.RequestCount() == 0 {
				t.Error("the refresh did not reach the double")
			}
		})
	}
}

// TestAccNoCredentialsNoInstanceMetadata proves the provider works with no
// AWS credentials at all and never asks instance metadata for any.
func TestAccNoCredentialsNoInstanceMetadata(t *testing.T) {
	isolateAWSEnvironment(t)
	var metadataHits atomic.Int32
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		metadataHits.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(imds.Close)
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", imds.URL)

	p := newPool(t, cognitotest.PoolConfig{})
	in := p.SignIn(cognitotest.AppClient{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{{
			Config: ephemeralHCL(acctest.ProviderHCL(p.URL, "eu-west-1"), in),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("access_token"), p.jwtFor("access", in.ClientID)),
			},
		}},
	})
	if n := metadataHits.Load(); n != 0 {
		t.Errorf("instance metadata / container credentials endpoint was called %d times", n)
	}
	for _, req := range p.Requests() {
		if req.Header.Get("Authorization") != "" || req.Header.Get("X-Amz-Security-Token") != "" {
			t.Fatal("a request carried AWS credentials")
		}
	}
}

// TestAccUnknownProviderConfiguration: a region computed from a resource is
// unknown at plan; the refresh fails clearly, without a request or a crash.
func TestAccUnknownProviderConfiguration(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	in := p.SignIn(cognitotest.AppClient{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{{
			Config: `resource "terraform_data" "region" {
  input = "eu-west-1"
}
` + ephemeralHCL(strings.Replace(acctest.ProviderHCL(p.URL, ""), "provider \"cognito\" {\n",
				"provider \"cognito\" {\n  region = terraform_data.region.output\n", 1), in),
			ExpectError: regexp.MustCompile(`Provider not configured[\s\S]*not known yet`),
		}},
	})
	if n := p.RequestCount(); n != 0 {
		t.Errorf("the double saw %d requests, want 0", n)
	}
}

// Configure's DEBUG line shows an `endpoint` argument redacted to its
// scheme and host, and an empty endpoint_override when there is none.
func TestConfigureLogsEndpointOverride(t *testing.T) {
	isolateAWSEnvironment(t)
	for endpoint, want := range map[string]string{
		"": `"endpoint_override":""`,
		"https://cognito.example.test/key-in-path": `"endpoint_override":"https://cognito.example.test/…"`,
	} {
		var logs bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &logs)
		server := providerserver.NewProtocol6(New("test")())()
		schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			t.Fatal(err)
		}
		values := map[string]any{"region": "eu-west-1"}
		if endpoint != "" {
			values["endpoint"] = endpoint
		}
		resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: config(t, schemas.Provider, values)})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("configure: %v %v", err, resp.Diagnostics)
		}
		if text := logs.String(); !strings.Contains(text, want) || strings.Contains(text, "key-in-path") {
			t.Errorf("endpoint %q: want %s, and no path, in:\n%s", endpoint, want, text)
		}
	}
}
