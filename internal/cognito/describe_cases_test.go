package cognito

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// describeCase is one branch of describe: the SDK's error and what the
// refresh knew. The same names key the provider's wording table
// (internal/provider/testdata/diagnostics.json).
type describeCase struct {
	name string
	err  error
	f    failedCall
}

const caseEndpoint = "https://cognito-idp.eu-west-1.amazonaws.com"

func apiError(code, message string) error {
	return &smithy.GenericAPIError{Code: code, Message: message}
}

// answeredWith wraps err the way the SDK hands back an answer: an HTTP
// response with Cognito's request ID.
func answeredWith(status int, err error) error {
	return &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
		RequestID:     "c0ffee00-1111-2222-3333-444455556666",
	}
}

func caseFailure(mutate func(*failedCall)) failedCall {
	f := failedCall{ctx: context.Background(), region: "eu-west-1", endpoint: caseEndpoint, timeout: 30 * time.Second, attempts: 1, maxAttempts: 4,
		secrets: []string{"sekret-refresh-token"}}
	if mutate != nil {
		mutate(&f)
	}
	return f
}

func expired() context.Context {
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(1, 0))
	cancel()
	return ctx
}

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// describeCases covers every branch of describe and its explain helpers.
func describeCases() []describeCase {
	api := func(name, code, message string, mutate func(*failedCall)) describeCase {
		return describeCase{name, answeredWith(400, apiError(code, message)), caseFailure(mutate)}
	}
	threeAttempts := func(f *failedCall) { f.attempts = 3 }
	withDevice := func(f *failedCall) { f.deviceKeySet = true }
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "cognito-idp.eu-west-1.amazonaws.com", IsNotFound: true}}
	throttle := answeredWith(400, apiError("TooManyRequestsException", "Rate exceeded"))
	return []describeCase{
		api("secret via NotAuthorized", "NotAuthorizedException", "Unable to verify secret hash for client 6npouauc8jt1fioujvblmvpise", nil),
		api("secret via InvalidParameter", "InvalidParameterException", "Client is configured with secret but SECRET_HASH was not received", nil),
		api("device not accepted", "NotAuthorizedException", "Invalid device key given.", nil),
		api("invalid refresh token, no device key", "NotAuthorizedException", "Invalid Refresh Token", nil),
		api("invalid refresh token, device key", "NotAuthorizedException", "Invalid Refresh Token", withDevice),
		api("user disabled", "NotAuthorizedException", "User is disabled.", nil),
		api("refresh token not accepted", "NotAuthorizedException", "Refresh Token has been revoked", nil),
		api("rotated once", "RefreshTokenReuseException", "Refresh token has been used.", nil),
		api("rotated after retries", "RefreshTokenReuseException", "Refresh token has been used.", threeAttempts),
		api("app client not found", "ResourceNotFoundException", "User pool client 1example does not exist.", nil),
		api("user not found", "UserNotFoundException", "User does not exist.", nil),
		api("throttled", "TooManyRequestsException", "Rate exceeded", func(f *failedCall) { f.attempts = 4 }),
		api("throttled, bound unknown", "TooManyRequestsException", "Rate exceeded", func(f *failedCall) { f.attempts = 4; f.maxAttempts = 0 }),
		api("internal error", "InternalErrorException", "Internal server error.", threeAttempts),
		api("invalid parameter", "InvalidParameterException", "1 validation error detected", nil),
		api("waf", "ForbiddenException", "Request blocked.", nil),
		api("operation not enabled", "OperationNotEnabledException", "Operation not enabled.", nil),
		api("invalid lambda response", "InvalidLambdaResponseException", "Invalid lambda response.", nil),
		api("unexpected lambda", "UnexpectedLambdaException", "Lambda failed.", nil),
		api("lambda validation", "UserLambdaValidationException", "PreTokenGeneration failed with error no.", nil),
		api("unknown code", "SomethingNewException", "Something new.", threeAttempts),
		api("secret in message", "NotAuthorizedException", "Refresh token sekret-refresh-token is bad", nil),
		{"api error without request id", apiError("UserNotFoundException", "User does not exist."), caseFailure(nil)},
		{"unavailable", answeredWith(503, errors.New("503 Service Unavailable")), caseFailure(threeAttempts)},
		{"unreadable", &smithy.DeserializationError{Err: errors.New("invalid character '<'")}, caseFailure(threeAttempts)},
		{"attempt timed out", fmt.Errorf("read body: %w", &awshttp.ResponseTimeoutError{TimeoutDur: 10 * time.Second}), caseFailure(threeAttempts)},
		{"unreachable", fmt.Errorf("operation error: %w", errors.New("read: connection reset by peer")), caseFailure(threeAttempts)},
		{"never reached", fmt.Errorf("operation error: %w", refused), caseFailure(func(f *failedCall) { f.attempts = 2 })},
		{"connection refused", fmt.Errorf("operation error: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), caseFailure(func(f *failedCall) { f.attempts = 2 })},
		{"timeout", context.DeadlineExceeded, caseFailure(func(f *failedCall) { f.ctx = expired(); f.attempts = 2 })},
		{"cancelled", context.Canceled, caseFailure(func(f *failedCall) { f.ctx = cancelled() })},
		{"throttled until the timeout", context.DeadlineExceeded, caseFailure(func(f *failedCall) { f.ctx = expired(); f.attempts = 5; f.lastErr = throttle })},
		{"throttled until the timeout, no request id", context.DeadlineExceeded, caseFailure(func(f *failedCall) {
			f.ctx = expired()
			f.attempts = 5
			f.lastErr = apiError("TooManyRequestsException", "Rate exceeded")
		})},
		{"internal error until the timeout", context.DeadlineExceeded, caseFailure(func(f *failedCall) {
			f.ctx = expired()
			f.attempts = 5
			f.lastErr = answeredWith(500, apiError("InternalErrorException", "Internal server error."))
		})},
		{"unavailable until the timeout", context.DeadlineExceeded, caseFailure(func(f *failedCall) {
			f.ctx = expired()
			f.attempts = 5
			f.lastErr = answeredWith(502, errors.New("502 Bad Gateway"))
		})},
		{"invalid refresh token until the timeout, device key", context.DeadlineExceeded, caseFailure(func(f *failedCall) {
			f.ctx = expired()
			f.attempts = 2
			f.deviceKeySet = true
			f.lastErr = answeredWith(400, apiError("NotAuthorizedException", "Invalid Refresh Token"))
		})},
		{"timeout with a lost answer", context.DeadlineExceeded, caseFailure(func(f *failedCall) {
			f.ctx = expired()
			f.attempts = 2
			f.lastErr = errors.New("read: connection reset by peer")
		})},
	}
}
