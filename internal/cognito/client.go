// Package cognito is the provider's one place that talks to Amazon Cognito:
// it turns a refresh token into fresh tokens with GetTokensFromRefreshToken.
package cognito

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/logging"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

const (
	// DefaultMaxRetries matches the SDK's standard retryer (3 attempts in all).
	DefaultMaxRetries = retry.DefaultMaxAttempts - 1
	// DefaultTimeout bounds one refresh, retries and backoff included.
	DefaultTimeout = 30 * time.Second
)

// Config is the provider-level configuration. Zero values mean "use the default".
type Config struct {
	// Region overrides the SDK's region chain (AWS_REGION, AWS_DEFAULT_REGION, profile).
	Region string
	// Endpoint overrides AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER / AWS_ENDPOINT_URL.
	Endpoint string
	// MaxRetries is the number of retries after the first attempt; nil means
	// AWS_MAX_ATTEMPTS if set, else DefaultMaxRetries.
	MaxRetries *int
	// Timeout bounds one refresh including retries; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Client refreshes tokens. It is safe for concurrent use and keeps one SDK
// client per region, so connections are reused across every refresh.
type Client struct {
	base     aws.Config
	endpoint string
	policy   retrypolicy.Policy
	timeout  time.Duration
	now      func() time.Time

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
	if err != nil {
		return nil, fmt.Errorf("loading AWS shared configuration: %w", err)
	}

	attempts := DefaultMaxRetries + 1
	if base.RetryMaxAttempts > 0 {
		attempts = base.RetryMaxAttempts
	}
	if cfg.MaxRetries != nil {
		attempts = *cfg.MaxRetries + 1
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	policy := retrypolicy.Policy{MaxAttempts: attempts, Mode: aws.RetryModeStandard, Timeout: timeout}
	base.Retryer = func() aws.Retryer { return policy.NewRetryer() }

	return &Client{
		base:     base,
		endpoint: cfg.Endpoint,
		policy:   policy,
		timeout:  timeout,
		now:      time.Now,
		byRegion: map[string]*cip.Client{},
	}, nil
}

// Policy is the retry and timeout policy resolved for this configuration;
// every token source of the provider uses it.
func (c *Client) Policy() retrypolicy.Policy { return c.policy }

// Timeout is the bound on one refresh.
func (c *Client) Timeout() time.Duration { return c.timeout }

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
		o.APIOptions = append(o.APIOptions, countAttempts)
	})
	c.byRegion[region] = client
	return client, region, nil
}

// Endpoint describes where requests for region go, for error messages.
func (c *Client) Endpoint(region string) string {
	if c.endpoint != "" {
		return c.endpoint
	}
	return "https://cognito-idp." + region + ".amazonaws.com (or an AWS_ENDPOINT_URL* override)"
}
