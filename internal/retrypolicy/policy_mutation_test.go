package retrypolicy

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// TestNewRetryerConsultsExtraChecksFirst: an extra check decides before the
// SDK's own, both ways, in both modes; without extras the SDK decides.
func TestNewRetryerConsultsExtraChecksFirst(t *testing.T) {
	oauthFault := errors.New("oauth endpoint: temporarily_unavailable")
	reset := errors.New("read: connection reset by peer") // the SDK retries it
	extra := retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
		switch {
		case errors.Is(err, oauthFault):
			return aws.TrueTernary
		case errors.Is(err, reset):
			return aws.FalseTernary
		}
		return aws.UnknownTernary
	})
	for _, mode := range []aws.RetryMode{aws.RetryModeStandard, aws.RetryModeAdaptive} {
		p := Policy{MaxAttempts: 3, Mode: mode}
		with := p.NewRetryer(extra)
		if !with.IsErrorRetryable(oauthFault) {
			t.Errorf("%s: an error the extra check calls retryable is not retried", mode)
		}
		if with.IsErrorRetryable(reset) {
			t.Errorf("%s: the SDK's check overrode the extra check's no", mode)
		}
		without := p.NewRetryer()
		if without.IsErrorRetryable(oauthFault) || !without.IsErrorRetryable(reset) {
			t.Errorf("%s: without extra checks the SDK's own do not decide", mode)
		}
	}
}

// TestNewRetryerNeverRunsOutOfQuota: the client-side retry quota is off, so
// a burst of failures does not stop retries (the SDK's default bucket of
// 500 tokens is spent after 100 timeouts).
func TestNewRetryerNeverRunsOutOfQuota(t *testing.T) {
	r := Policy{MaxAttempts: 3, Mode: aws.RetryModeStandard}.NewRetryer()
	for i := range 1000 {
		if _, err := r.GetRetryToken(t.Context(), errors.New("read: connection reset by peer")); err != nil {
			t.Fatalf("retry %d refused: %v", i, err)
		}
	}
}

// TestWorstCaseBackoffDoubles: each of the first retries may wait twice as
// long as the one before, then MaxBackoff.
func TestWorstCaseBackoffDoubles(t *testing.T) {
	for retries, want := range map[int]time.Duration{
		2: 3 * time.Second, 3: 7 * time.Second, 5: 31 * time.Second, 6: 51 * time.Second,
	} {
		if got := WorstCaseBackoff(retries); got != want {
			t.Errorf("WorstCaseBackoff(%d) = %s, want %s", retries, got, want)
		}
	}
}

// TestResolveEnvironmentEdges: an environment attempt count of 1 (no
// retries) counts; a negative one does not; a negative timeout does not.
func TestResolveEnvironmentEdges(t *testing.T) {
	if got := Resolve(Settings{}, 1, "").MaxAttempts; got != 1 {
		t.Errorf("AWS_MAX_ATTEMPTS=1: MaxAttempts %d", got)
	}
	if got := Resolve(Settings{Timeout: -time.Second}, -1, "").MaxAttempts; got != DefaultMaxRetries+1 {
		t.Errorf("a negative environment count: MaxAttempts %d", got)
	}
	if got := Resolve(Settings{Timeout: -time.Second}, 0, "").Timeout; got != DefaultTimeout {
		t.Errorf("a negative timeout: %s", got)
	}
	if got := Resolve(Settings{Mode: aws.RetryModeStandard}, 0, aws.RetryModeAdaptive).Mode; got != aws.RetryModeStandard {
		t.Errorf("the provider block's mode lost to the environment's: %s", got)
	}
}

// fixedBackoff is an injected backoff: every retry waits d.
type fixedBackoff time.Duration

func (d fixedBackoff) BackoffDelay(int, error) (time.Duration, error) { return time.Duration(d), nil }

// TestBackoffIsInjectable: Settings.Backoff reaches the retryer in both
// modes; without it the SDK's jitter stays (never the injected value).
func TestBackoffIsInjectable(t *testing.T) {
	throttled := errors.New("throttled")
	for _, mode := range []aws.RetryMode{aws.RetryModeStandard, aws.RetryModeAdaptive} {
		p := Resolve(Settings{Mode: mode, Backoff: fixedBackoff(123 * time.Hour)}, 0, "")
		if d, err := p.NewRetryer().RetryDelay(1, throttled); err != nil || d != 123*time.Hour {
			t.Errorf("%s: injected backoff not used: %v, %v", mode, d, err)
		}
		p.Backoff = nil
		if d, _ := p.NewRetryer().RetryDelay(1, throttled); d > time.Second {
			t.Errorf("%s: without an injected backoff the first retry waits %v, more than the SDK's 1s", mode, d)
		}
	}
}
