// Package retrypolicy is the retry and timeout policy every token source of
// the provider shares: Cognito's API calls (through the AWS SDK) and the
// OAuth token endpoint (plain HTTP) back off and give up the same way.
package retrypolicy

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Policy is resolved once per provider configuration.
type Policy struct {
	// MaxAttempts counts the first attempt: 1 means no retries.
	MaxAttempts int
	// Mode is aws.RetryModeStandard or aws.RetryModeAdaptive.
	Mode aws.RetryMode
	// Timeout bounds one token request, retries and backoff included.
	Timeout time.Duration
}

// NewRetryer returns the AWS SDK's retryer for the policy: exponential
// backoff with jitter, and in adaptive mode client-side rate limiting.
// extra adds retryable-error checks for errors the SDK does not know (the
// OAuth endpoint's); they are consulted before the SDK's own.
func (p Policy) NewRetryer(extra ...retry.IsErrorRetryable) aws.Retryer {
	standard := func(o *retry.StandardOptions) {
		o.MaxAttempts = p.MaxAttempts
		// One request per resource instance: a client-side retry quota would
		// only turn a throttling burst into spurious failures.
		o.RateLimiter = ratelimit.None
		if len(extra) > 0 {
			o.Retryables = append(append([]retry.IsErrorRetryable{}, extra...), o.Retryables...)
		}
	}
	if p.Mode == aws.RetryModeAdaptive {
		return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, standard)
		})
	}
	return retry.NewStandard(standard)
}
