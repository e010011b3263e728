package retrypolicy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
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
		{"defaults", Settings{}, 0, "", Policy{26, aws.RetryModeStandard, 10 * time.Minute, 30 * time.Second, nil}},
		{"environment", Settings{}, 5, aws.RetryModeAdaptive, Policy{5, aws.RetryModeAdaptive, 10 * time.Minute, DefaultAttemptTimeout, nil}},
		{"explicit 0 beats the environment", Settings{MaxRetries: &zero, Mode: aws.RetryModeStandard, Timeout: time.Second, AttemptTimeout: time.Millisecond}, 5, aws.RetryModeAdaptive,
			Policy{1, aws.RetryModeStandard, time.Second, time.Millisecond, nil}},
		{"explicit retries", Settings{MaxRetries: &three}, 0, "", Policy{4, aws.RetryModeStandard, 10 * time.Minute, DefaultAttemptTimeout, nil}},
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
		if _, adaptive := r.(unreachableShortcut).RetryerV2.(*retry.AdaptiveMode); adaptive != (mode == aws.RetryModeAdaptive) {
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

// dialFailure is a failure as net/http reports it when connecting fails.
func dialFailure(cause error) error {
	return &url.Error{Op: "Post", URL: "https://cognito-idp.eu-west-1.amazonaws.com/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: cause}}}
}

func TestNeverReached(t *testing.T) {
	never := map[string]error{
		"connection refused":    dialFailure(syscall.ECONNREFUSED),
		"network unreachable":   dialFailure(syscall.ENETUNREACH),
		"host unreachable":      dialFailure(syscall.EHOSTUNREACH),
		"unknown host":          &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "cognito-idp.eu-wst-1.amazonaws.com", IsNotFound: true}}},
		"DNS server failure":    &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "server misbehaving", IsTemporary: true}}},
		"untrusted certificate": &url.Error{Op: "Post", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}},
		"wrong host name":       &url.Error{Op: "Post", Err: x509.HostnameError{Host: "proxy.example"}},
		"expired certificate":   &url.Error{Op: "Post", Err: x509.CertificateInvalidError{Reason: x509.Expired}},
	}
	for name, err := range never {
		if !NeverReached(err) {
			t.Errorf("%s: not recognised as never reaching a server", name)
		}
	}
	mayHaveReached := map[string]error{
		"reset after connecting": &url.Error{Op: "Post", Err: &net.OpError{Op: "read", Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}}},
		"EOF":                    &url.Error{Op: "Post", Err: io.EOF},
		"timeout":                &url.Error{Op: "Post", Err: context.DeadlineExceeded},
		"HTTP 503":               &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 503}}, Err: errors.New("unavailable")},
	}
	for name, err := range mayHaveReached {
		if NeverReached(err) {
			t.Errorf("%s: counted as never reaching a server", name)
		}
	}
}

func TestUnreachableGetsTheShortBudget(t *testing.T) {
	// The SDK's retry middleware calls RetryDelay before every retry; an
	// error there ends the request with it.
	for _, mode := range []aws.RetryMode{aws.RetryModeStandard, aws.RetryModeAdaptive} {
		r := Policy{MaxAttempts: 26, Mode: mode}.NewRetryer()
		refused := dialFailure(syscall.ECONNREFUSED)
		for attempt := 1; attempt < UnreachableAttempts; attempt++ {
			if _, err := r.RetryDelay(attempt, refused); err != nil {
				t.Errorf("%s: attempt %d of a refused connection is not retried: %v", mode, attempt, err)
			}
		}
		var maxAttempts *retry.MaxAttemptsError
		if _, err := r.RetryDelay(UnreachableAttempts, refused); !errors.As(err, &maxAttempts) || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("%s: a refused connection is retried after %d attempts (%v)", mode, UnreachableAttempts, err)
		}
		reset := &url.Error{Op: "Post", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}
		if _, err := r.RetryDelay(25, reset); err != nil {
			t.Errorf("%s: a reset connection lost the persistent budget: %v", mode, err)
		}
	}
}
