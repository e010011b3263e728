// Package cognito turns a refresh token into fresh tokens with Cognito's
// GetTokensFromRefreshToken API operation. It is one of the provider's two
// token sources, beside clientcredentials; both are built from one
// awsenv.Env and neither depends on the other.
package cognito

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// Client refreshes tokens. It is safe for concurrent use and keeps one SDK
// client per region; it sends through the environment's process-wide HTTP
// client, so connections are reused across refreshes and provider
// configurations.
type Client struct {
	base     aws.Config
	endpoint string
	// envEndpoint is the endpoint the environment or profile sets
	// (AWS_ENDPOINT_URL*, endpoint_url), "" when none or when endpoint
	// overrides it.
	envEndpoint string
	policy      retrypolicy.Policy
	httpClient  *http.Client
	now         func() time.Time
	// random is SRP's source of the client's secret a.
	random io.Reader
	// creds are ADMIN_USER_PASSWORD_AUTH's credentials, loaded on first use.
	creds credentialSource

	mu       sync.Mutex
	byRegion map[string]*cip.Client
}

// New returns a Client sending GetTokensFromRefreshToken under env's
// region, HTTP client and retry policy. endpoint ("" for none) replaces
// the environment's endpoint and AWS's. GetTokensFromRefreshToken is
// unauthenticated: env's configuration carries anonymous credentials.
func New(env *awsenv.Env, endpoint string) *Client {
	c := &Client{
		base:       env.Config(),
		endpoint:   endpoint,
		policy:     env.Policy(),
		httpClient: env.HTTPClient(),
		now:        time.Now,
		random:     defaultRandom,
		byRegion:   map[string]*cip.Client{},
	}
	if endpoint == "" {
		c.envEndpoint = env.ServiceEndpoint(cip.ServiceID).URL
	}
	return c
}

// Policy is the retry and timeout policy this client follows.
func (c *Client) Policy() retrypolicy.Policy { return c.policy }

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
// URL's scheme, host and port only (RedactURL), and where it came from.
func (c *Client) Endpoint(region string) (string, failure.EndpointSource) {
	switch {
	case c.endpoint != "":
		return RedactURL(c.endpoint), failure.DefaultEndpoint
	case c.envEndpoint != "":
		return RedactURL(c.envEndpoint), failure.EnvironmentEndpoint
	}
	return RegionalEndpoint(region), failure.DefaultEndpoint
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
