// Package retrypolicy is the retry and timeout policy every token source of
// the provider shares: Cognito's API calls (through the AWS SDK) and the
// OAuth token endpoint (plain HTTP) back off and give up the same way.
//
// The defaults and their precedence follow terraform-provider-aws, which
// builds its retryer through hashicorp/aws-sdk-go-base:
//   - terraform-provider-aws internal/provider/sdkv2/provider.go sets
//     `MaxRetries: 25` unless `max_retries` is set, and documents that
//     AWS_MAX_ATTEMPTS and the profile's max_attempts can set it too;
//   - aws-sdk-go-base aws_config.go passes it to the SDK as its attempt
//     count (config.WithRetryMaxAttempts), and resolveRetryer takes the
//     first of provider argument, AWS_MAX_ATTEMPTS, profile max_attempts
//     (tests "config overrides AWS_MAX_ATTEMPTS", "AWS_MAX_ATTEMPTS overrides
//     shared configuration"); the same order for retry_mode /
//     AWS_RETRY_MODE / profile retry_mode; backoff stays the SDK's
//     exponential jitter capped at retry.DefaultMaxBackoff (20 s), and the
//     SDK's client-side retry quota is off (ratelimit.None).
//
// Two deliberate differences, both towards more persistence: our
// `max_retries` counts retries after the first attempt (the AWS provider's
// 25 are attempts), and AWS_MAX_ATTEMPTS applies whenever `max_retries` is
// not set (the AWS provider's unconditional default of 25 shadows it).
package retrypolicy

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

const (
	// DefaultMaxRetries is terraform-provider-aws's default `max_retries`.
	DefaultMaxRetries = 25
	// DefaultTimeout bounds one token request with all its retries; it
	// covers the default retries' worst-case backoff (WorstCaseBackoff(25)
	// is 7m11s) with room for the requests themselves.
	DefaultTimeout = 10 * time.Minute
	// MaxBackoff is the SDK's cap on the delay before one retry.
	MaxBackoff = retry.DefaultMaxBackoff
	// DefaultAttemptTimeout bounds one attempt's wait for the server: an
	// attempt that receives nothing for this long is abandoned and retried.
	// Generous: Cognito answers in well under a second, and waits at most
	// 5 s for a Lambda trigger (developer guide, "Customizing user pool
	// workflows with Lambda triggers").
	DefaultAttemptTimeout = 30 * time.Second
	// UnreachableAttempts is the short budget of a request that never
	// reached a server (see NeverReached), whatever MaxAttempts allows.
	UnreachableAttempts = 3
)

// Policy is resolved once per provider configuration.
type Policy struct {
	// MaxAttempts counts the first attempt: 1 means no retries.
	MaxAttempts int
	// Mode is aws.RetryModeStandard or aws.RetryModeAdaptive.
	Mode aws.RetryMode
	// Timeout bounds one token request, retries and backoff included.
	Timeout time.Duration
	// AttemptTimeout bounds one attempt's wait for the server (0: none
	// beyond Timeout).
	AttemptTimeout time.Duration
	// Backoff replaces the SDK's exponential jitter when set.
	Backoff retry.BackoffDelayer
}

// Settings are the provider block's arguments; zero values mean "not set".
type Settings struct {
	MaxRetries *int
	Mode       aws.RetryMode
	Timeout    time.Duration
	// AttemptTimeout and Backoff are not provider arguments; tests shorten
	// them (an injected clock, as terraform-provider-time's tests use).
	AttemptTimeout time.Duration
	Backoff        retry.BackoffDelayer
}

// Resolve applies the precedence: the provider block, then what the AWS
// SDK's configuration loader found (envAttempts and envMode: AWS_MAX_ATTEMPTS
// over the profile's max_attempts, AWS_RETRY_MODE over its retry_mode; 0 and
// "" when none), then the defaults.
func Resolve(s Settings, envAttempts int, envMode aws.RetryMode) Policy {
	p := Policy{MaxAttempts: DefaultMaxRetries + 1, Mode: aws.RetryModeStandard, Timeout: DefaultTimeout, AttemptTimeout: DefaultAttemptTimeout, Backoff: s.Backoff}
	switch {
	case s.MaxRetries != nil:
		p.MaxAttempts = *s.MaxRetries + 1
	case envAttempts > 0:
		p.MaxAttempts = envAttempts
	}
	switch {
	case s.Mode != "":
		p.Mode = s.Mode
	case envMode != "":
		p.Mode = envMode
	}
	if s.Timeout > 0 {
		p.Timeout = s.Timeout
	}
	if s.AttemptTimeout > 0 {
		p.AttemptTimeout = s.AttemptTimeout
	}
	return p
}

// WorstCaseBackoff is the longest the SDK's standard retryer can wait in
// all over retries retries of throttled requests: before retry i it waits a
// random fraction of min(2^i s, 20 s) (aws/retry jitter_backoff.go,
// backoffDelay2026; other faults start from 50 ms, so wait less).
func WorstCaseBackoff(retries int) time.Duration {
	var total time.Duration
	for i := range retries {
		d := MaxBackoff
		if i < 5 {
			d = min(time.Second<<i, MaxBackoff)
		}
		total += d
	}
	return total
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
		// A complete answer that cannot be read (a malformed 200) is not
		// retried by the SDK's checks: Cognito processed the request, and
		// with rotation a retry would present a spent token. A body that
		// breaks off is a lost answer, retried like a reset before it: the
		// rotation grace period exists for such retries.
		if len(extra) > 0 {
			o.Retryables = append(append([]retry.IsErrorRetryable{}, extra...), o.Retryables...)
		}
		if p.Backoff != nil {
			o.Backoff = p.Backoff
		}
	}
	if p.Mode == aws.RetryModeAdaptive {
		return unreachableShortcut{retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, standard)
		})}
	}
	return unreachableShortcut{retry.NewStandard(standard)}
}

// unreachableShortcut ends the retries of a request that never reached a
// server after UnreachableAttempts attempts, so a typo in an endpoint or a
// machine without network fails in seconds rather than after the whole
// persistent budget. Lost answers, timeouts, 5xx and throttling keep it.
//
// This follows hashicorp/aws-sdk-go-base (aws_config.go,
// networkErrorShortcutter; internal/constants MaxNetworkRetryCount = 9),
// which stops retrying "connection refused" and "no such host" after 9
// attempts under terraform-provider-aws's default budget
// (hashicorp/terraform-provider-aws#5614, after #1209). Like it, RetryDelay
// is where the SDK hands over the attempt number; ending there makes the
// SDK return the error at once. We stop sooner (3 attempts, under a second
// of backoff) and also count network-unreachable and certificate failures.
type unreachableShortcut struct {
	aws.RetryerV2
}

func (r unreachableShortcut) RetryDelay(attempt int, err error) (time.Duration, error) {
	if attempt >= UnreachableAttempts && NeverReached(err) {
		return 0, &retry.MaxAttemptsError{Attempt: attempt, Err: err}
	}
	return r.RetryerV2.RetryDelay(attempt, err)
}

// NeverReached tells a failure in which the request reached no server: the
// name did not resolve, the connection was refused or had no route, or the
// server's certificate was not accepted (so nothing was sent). Everything
// else (a reset or EOF after connecting, a timeout, an answer) may have
// reached Cognito.
func NeverReached(err error) bool {
	var dnsErr *net.DNSError
	var verify *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &dnsErr) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.As(err, &verify) || errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid)
}
