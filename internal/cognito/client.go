// Package cognito is the provider's one place that talks to Amazon Cognito:
// it turns a refresh token into fresh tokens with GetTokensFromRefreshToken.
package cognito

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/logging"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// Config is the provider-level configuration. Zero values mean "use the default".
type Config struct {
	// Region overrides the SDK's region chain (AWS_REGION, AWS_DEFAULT_REGION, profile).
	Region string
	// Endpoint overrides AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER / AWS_ENDPOINT_URL.
	Endpoint string
	// MaxRetries is the number of retries after the first attempt; nil means
	// AWS_MAX_ATTEMPTS (or the profile's max_attempts) if set, else
	// retrypolicy.DefaultMaxRetries.
	MaxRetries *int
	// RetryMode is standard or adaptive; "" means AWS_RETRY_MODE (or the
	// profile's retry_mode) if set, else standard.
	RetryMode aws.RetryMode
	// Timeout bounds one refresh including retries; 0 means retrypolicy.DefaultTimeout.
	Timeout time.Duration
	// AttemptTimeout bounds how long one attempt waits for data from the
	// server; 0 means retrypolicy.DefaultAttemptTimeout. Not a provider
	// argument: tests shorten it.
	AttemptTimeout time.Duration
}

// Client refreshes tokens. It is safe for concurrent use and keeps one SDK
// client per region; every Client of the process shares one HTTP client, so
// connections are reused across refreshes and provider configurations.
type Client struct {
	base     aws.Config
	endpoint string
	// envEndpoint is the endpoint the SDK found in the environment or
	// profile (AWS_ENDPOINT_URL*, endpoint_url), "" when none or when
	// Endpoint overrides it.
	envEndpoint string
	policy      retrypolicy.Policy
	httpClient  *http.Client
	// profileErr is why the shared config files were ignored (nil when
	// they were read).
	profileErr error
	now        func() time.Time

	mu       sync.Mutex
	byRegion map[string]*cip.Client
}

// New loads the shared AWS configuration once. It never resolves credentials:
// GetTokensFromRefreshToken is unauthenticated, so the SDK is given anonymous
// credentials and never consults the credential chain or instance metadata.
func New(ctx context.Context, cfg Config) (*Client, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithCredentialsProvider(aws.AnonymousCredentials{}),
		config.WithLogger(logging.Nop{}),
		config.WithClientLogMode(0),
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	base, err := config.LoadDefaultConfig(ctx, opts...)
	var profileErr error
	if err != nil {
		// The shared config files only add a region and optional settings;
		// when a region is known without them (the configuration or
		// AWS_REGION / AWS_DEFAULT_REGION), an unusable profile must not
		// stop a client that needs no credentials.
		profileErr = err
		base, err = loadWithoutSharedFiles(ctx, opts)
		if err != nil || base.Region == "" {
			return nil, &ProfileError{err: profileErr}
		}
	}

	// base.RetryMaxAttempts and base.RetryMode hold AWS_MAX_ATTEMPTS /
	// AWS_RETRY_MODE (or the profile's max_attempts / retry_mode).
	policy := retrypolicy.Resolve(retrypolicy.Settings{MaxRetries: cfg.MaxRetries, Mode: cfg.RetryMode, Timeout: cfg.Timeout, AttemptTimeout: cfg.AttemptTimeout},
		base.RetryMaxAttempts, base.RetryMode)
	// The service client wraps any retryer with base.RetryMaxAttempts
	// (cognitoidentityprovider api_client.go, finalizeRetryMaxAttempts):
	// left set, AWS_MAX_ATTEMPTS would override an explicit max_retries.
	// The policy has already weighed it.
	base.RetryMaxAttempts = 0
	base.RetryMode = policy.Mode
	base.Retryer = func() aws.Retryer { return policy.NewRetryer() }

	c := &Client{
		profileErr: profileErr,
		base:       base,
		endpoint:   cfg.Endpoint,
		policy:     policy,
		httpClient: sharedHTTPClient(base, policy.AttemptTimeout),
		now:        time.Now,
		byRegion:   map[string]*cip.Client{},
	}
	if cfg.Endpoint == "" {
		c.envEndpoint = aws.ToString(cip.NewFromConfig(base).Options().BaseEndpoint)
	}
	return c, nil
}

// loadWithoutSharedFiles loads the configuration from the environment
// alone. The SDK fails on a named profile that no file has, and names one
// whenever AWS_PROFILE is set (config.go, resolveConfigLoaders); so it is
// given an empty default profile of its own, read during the load and
// removed after it.
func loadWithoutSharedFiles(ctx context.Context, opts []func(*config.LoadOptions) error) (aws.Config, error) {
	file, err := os.CreateTemp("", "cognito-provider-empty-aws-config-*")
	if err != nil {
		return aws.Config{}, err
	}
	defer os.Remove(file.Name()) //nolint:errcheck // A leftover empty profile is harmless.
	_, err = file.WriteString("[default]\n")
	if closeErr := file.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return aws.Config{}, err
	}
	return config.LoadDefaultConfig(ctx, append(opts,
		config.WithSharedConfigProfile("default"),
		config.WithSharedConfigFiles([]string{file.Name()}),
		config.WithSharedCredentialsFiles([]string{file.Name()}))...)
}

// ProfileError is an AWS shared configuration (profile or config file)
// the SDK cannot use, when no region is known without it.
type ProfileError struct{ err error }

func (e *ProfileError) Error() string {
	return "the AWS shared configuration cannot be used: " + e.err.Error()
}

func (e *ProfileError) Unwrap() error { return e.err }

// IgnoredProfileError is why the shared config files (AWS_PROFILE,
// AWS_CONFIG_FILE) were ignored, nil when they were read: the SDK rejected
// them, and the region was known without them.
func (c *Client) IgnoredProfileError() error { return c.profileErr }

// Policy is the retry and timeout policy resolved for this configuration;
// every token source of the provider uses it.
func (c *Client) Policy() retrypolicy.Policy { return c.policy }

// HTTPClient is the process-wide HTTP client every request of the provider
// goes through (one connection pool), for token sources outside the SDK.
func (c *Client) HTTPClient() *http.Client { return c.httpClient }

// ErrNoRegion is returned when neither configuration nor environment names a region.
var ErrNoRegion = errors.New("no AWS region configured")

// sdkClient returns the cached SDK client for the region a request resolves to.
func (c *Client) sdkClient(override string) (*cip.Client, string, error) {
	region := override
	if region == "" {
		region = c.base.Region
	}
	if region == "" {
		return nil, "", ErrNoRegion
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if client, ok := c.byRegion[region]; ok {
		return client, region, nil
	}
	client := cip.NewFromConfig(c.base, func(o *cip.Options) {
		o.Region = region
		if c.endpoint != "" {
			o.BaseEndpoint = aws.String(c.endpoint)
		}
		// After the SDK's own resolution, which copies a buildable client
		// per service client in some defaults modes.
		o.HTTPClient = c.httpClient
		o.RetryMaxAttempts = 0
		o.APIOptions = append(o.APIOptions, countAttempts)
	})
	c.byRegion[region] = client
	return client, region, nil
}

// Endpoint describes where requests for region go, for error messages: a
// URL's scheme, host and port only (RedactURL).
func (c *Client) Endpoint(region string) string {
	switch {
	case c.endpoint != "":
		return RedactURL(c.endpoint)
	case c.envEndpoint != "":
		return RedactURL(c.envEndpoint) + " (from AWS_ENDPOINT_URL* or the profile's endpoint_url)"
	}
	return RegionalEndpoint(region)
}

// EnvironmentEndpoint is the endpoint override the SDK found in the
// environment or profile when the provider block sets none, redacted
// like RedactURL; "" when there is none.
func (c *Client) EnvironmentEndpoint() string {
	if c.envEndpoint == "" {
		return ""
	}
	return RedactURL(c.envEndpoint)
}

// RedactURL is raw as shown in errors and logs: scheme, host and port only
// (redact.URL); userinfo, path, query and fragment may carry secrets.
func RedactURL(raw string) string { return redact.URL(raw) }

// Plaintext reports whether requests to endpoint would cross a network
// unencrypted: http:// to a host that is not loopback. No name is resolved:
// only `localhost` and loopback addresses count as local.
func Plaintext(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	return !LoopbackHost(u.Hostname())
}

// LoopbackHost reports whether host is `localhost` or a loopback address,
// the only hosts plain http:// may carry secrets to. No name is resolved.
func LoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sharedHTTPClients holds one HTTP client per custom CA bundle ("" for
// none) and attempt timeout for the life of the process. The SDK would otherwise build a
// transport per provider configuration (LoadDefaultConfig makes a new
// buildable client each time), and every Configure would leave its idle
// connections and their goroutines behind.
var sharedHTTPClients = struct {
	sync.Mutex
	byKey map[httpClientKey]*http.Client
}{byKey: map[httpClientKey]*http.Client{}}

type httpClientKey struct {
	caBundle       string
	attemptTimeout time.Duration
}

func sharedHTTPClient(base aws.Config, attemptTimeout time.Duration) *http.Client {
	key := httpClientKey{caBundle: customCABundle(base.ConfigSources), attemptTimeout: attemptTimeout}
	bundle := key.caBundle
	sharedHTTPClients.Lock()
	defer sharedHTTPClients.Unlock()
	if client, ok := sharedHTTPClients.byKey[key]; ok {
		return client
	}
	buildable := awshttp.NewBuildableClient()
	// With AWS_CA_BUNDLE (or the profile's ca_bundle) the SDK has built a
	// client that trusts it.
	if b, ok := base.HTTPClient.(*awshttp.BuildableClient); ok && bundle != "" {
		buildable = b
	}
	// A connection accepted but never answered would otherwise hold an
	// attempt for the whole timeout and leave no room for retries. The
	// SDK's read timeout (aws/transport/http timeouts.go) fails a read
	// that gets no byte for attemptTimeout, and the SDK retries that like
	// a lost answer. It restarts with every byte, so a slow answer that
	// progresses is never cut off; it also covers the token endpoint,
	// which shares this transport.
	if attemptTimeout > 0 {
		buildable = buildable.WithReadTimeout(attemptTimeout)
	}
	client, ok := buildable.Freeze().(*http.Client)
	if !ok {
		client = &http.Client{Transport: buildable.GetTransport()}
	}
	sharedHTTPClients.byKey[key] = client
	return client
}

// customCABundle is the CA bundle file the SDK's configuration names.
func customCABundle(sources []any) string {
	for _, source := range sources {
		switch s := source.(type) {
		case config.EnvConfig:
			if s.CustomCABundle != "" {
				return s.CustomCABundle
			}
		case config.SharedConfig:
			if s.CustomCABundle != "" {
				return s.CustomCABundle
			}
		}
	}
	return ""
}
