package retrypolicy

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestResolve(t *testing.T) {
	zero, three := 0, 3
	cases := []struct {
		name        string
		s           Settings
		envAttempts int
		envMode     aws.RetryMode
		want        Policy
	}{
		{"defaults", Settings{}, 0, "", Policy{26, aws.RetryModeStandard, 10 * time.Minute}},
		{"environment", Settings{}, 5, aws.RetryModeAdaptive, Policy{5, aws.RetryModeAdaptive, 10 * time.Minute}},
		{"explicit 0 beats the environment", Settings{MaxRetries: &zero, Mode: aws.RetryModeStandard, Timeout: time.Second}, 5, aws.RetryModeAdaptive,
			Policy{1, aws.RetryModeStandard, time.Second}},
		{"explicit retries", Settings{MaxRetries: &three}, 0, "", Policy{4, aws.RetryModeStandard, 10 * time.Minute}},
	}
	for _, tc := range cases {
		if got := Resolve(tc.s, tc.envAttempts, tc.envMode); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestWorstCaseBackoffFitsTheDefaultTimeout(t *testing.T) {
	// 1+2+4+8+16 s, then 20 s for each of the other 20 retries.
	if got := WorstCaseBackoff(DefaultMaxRetries); got != 7*time.Minute+11*time.Second {
		t.Errorf("WorstCaseBackoff(25) = %s", got)
	}
	if WorstCaseBackoff(0) != 0 || WorstCaseBackoff(1) != time.Second {
		t.Error("the first retry waits up to 1s")
	}
	if WorstCaseBackoff(DefaultMaxRetries) >= DefaultTimeout {
		t.Error("the default timeout does not cover the default retries")
	}
}

func TestNewRetryer(t *testing.T) {
	withStatus := func(code int) error {
		return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}}, Err: errors.New("connection reset by peer")}
	}
	for _, mode := range []aws.RetryMode{aws.RetryModeStandard, aws.RetryModeAdaptive} {
		r := Policy{MaxAttempts: 7, Mode: mode}.NewRetryer()
		if r.MaxAttempts() != 7 {
			t.Errorf("%s: MaxAttempts %d", mode, r.MaxAttempts())
		}
		if _, adaptive := r.(*retry.AdaptiveMode); adaptive != (mode == aws.RetryModeAdaptive) {
			t.Errorf("%s: got a %T", mode, r)
		}
		if r.IsErrorRetryable(&smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 200}}, Err: errors.New("invalid character '<'")}) {
			t.Errorf("%s: a malformed 200 is retried", mode)
		}
		if !r.IsErrorRetryable(withStatus(503)) || !r.IsErrorRetryable(errors.New("read: connection reset by peer")) {
			t.Errorf("%s: transient faults are not retried", mode)
		}
	}
}
