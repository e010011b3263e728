package cognito

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
)

// useTransport makes c send every request through rt: the test hook that
// lets a test see the wire (host, headers) without an endpoint override and
// without reaching the internet. It must run before c's first Refresh (SDK
// clients are made per region on first use, with c's HTTP client).
func useTransport(c *Client, rt http.RoundTripper) { c.httpClient = &http.Client{Transport: rt} }

// Config is what a provider configuration gives a Client: the environment's
// settings and the endpoint override.
type Config struct {
	Region         string
	Endpoint       string
	MaxRetries     *int
	RetryMode      aws.RetryMode
	Timeout        time.Duration
	AttemptTimeout time.Duration
	// Backoff replaces the SDK's jitter (cognitotest.QuickBackoff where a
	// test counts retries rather than waits).
	Backoff retry.BackoffDelayer
}

// load builds a Client the way the provider does: the environment first,
// then the client from it.
func load(ctx context.Context, cfg Config) (*Client, error) {
	env, err := awsenv.Load(ctx, awsenv.Settings{
		Region: cfg.Region, MaxRetries: cfg.MaxRetries, RetryMode: cfg.RetryMode,
		Timeout: cfg.Timeout, AttemptTimeout: cfg.AttemptTimeout, Backoff: cfg.Backoff,
	})
	if err != nil {
		return nil, err
	}
	return New(env, cfg.Endpoint), nil
}
