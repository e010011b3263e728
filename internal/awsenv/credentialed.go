package awsenv

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// Credentialed is the SDK configuration of the one service the provider
// signs requests for, the Secrets Manager store (Cognito never is): the
// SDK's default credential chain (environment, shared profile, SSO, web
// identity, container and instance roles) and endpoint resolution, region
// when set (else the chain's), and the environment's HTTP client and retry
// policy, its retryer consulting final first. The SDK's logging is off.
func (e *Env) Credentialed(ctx context.Context, region string, final ...retry.IsErrorRetryable) (aws.Config, error) {
	return Credentialed(ctx, region, e.httpClient, e.policy, final...)
}

// Credentialed is Env.Credentialed for a caller without an Env: httpClient
// nil keeps the SDK's, and a zero policy is resolved from what the SDK's
// configuration holds (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE).
func Credentialed(ctx context.Context, region string, httpClient *http.Client, policy retrypolicy.Policy, final ...retry.IsErrorRetryable) (aws.Config, error) {
	loads := []func(*config.LoadOptions) error{
		config.WithClientLogMode(0),
		config.WithLogger(logging.Nop{}),
	}
	if region != "" {
		loads = append(loads, config.WithRegion(region))
	}
	// The context only bounds loading shared files; credentials are
	// fetched (lazily, cached) when the first request is signed.
	cfg, err := config.LoadDefaultConfig(context.WithoutCancel(ctx), loads...)
	if err != nil {
		return aws.Config{}, err
	}
	// Set after loading: the shared client already trusts AWS_CA_BUNDLE
	// (sharedHTTPClient), and LoadDefaultConfig refuses to apply a CA
	// bundle to a plain *http.Client.
	if httpClient != nil {
		cfg.HTTPClient = httpClient
	}
	if policy.MaxAttempts <= 0 {
		policy = retrypolicy.Resolve(retrypolicy.Settings{}, cfg.RetryMaxAttempts, cfg.RetryMode)
	}
	// The service client would wrap any retryer with cfg.RetryMaxAttempts
	// (AWS_MAX_ATTEMPTS; api_client.go finalizeRetryMaxAttempts); the
	// policy has weighed it.
	cfg.RetryMaxAttempts = 0
	cfg.RetryMode = policy.Mode
	cfg.Retryer = func() aws.Retryer { return policy.NewRetryer(final...) }
	return cfg, nil
}
