package cognito

import (
	"context"
	"errors"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// Error is a failed refresh, classified: a failure.Reason and scrubbed
// facts. internal/provider words it.
type Error = failure.Error

// failedCall is what describe needs to know about the call that failed.
type failedCall struct {
	ctx            context.Context
	region         string
	endpoint       string
	endpointSource failure.EndpointSource
	timeout        time.Duration
	attempts       int
	// maxAttempts is the policy's bound (0 when unknown).
	maxAttempts int
	// lastErr is the last attempt's error, which the SDK drops when the
	// timeout ends its backoff.
	lastErr error
	secrets []string
	// deviceKeySet tells whether the request carried a DeviceKey (never
	// its value), for the NotAuthorizedException diagnosis.
	deviceKeySet bool
	// classifyAPI classifies the operation's error answers; nil:
	// GetTokensFromRefreshToken's (classifyAPIError).
	classifyAPI func(code, message string) (failure.Reason, failure.Input)
}

func describe(err error, f failedCall) *Error {
	e := classify(err, f)
	e.Endpoint, e.EndpointSource, e.Region, e.Timeout, e.DeviceKeySent = f.endpoint, f.endpointSource, f.region, f.timeout, f.deviceKeySet
	e.Attempts, e.MaxAttempts = f.attempts, f.maxAttempts
	return e
}

func classify(err error, f failedCall) *Error {
	e := failure.New(err, f.secrets)
	var withID interface{ ServiceRequestID() string }
	if errors.As(err, &withID) {
		// From the wire like the message: a proxy could put anything there.
		e.RequestID = redact.Wire(withID.ServiceRequestID(), f.secrets, maxRequestIDLength)
	}

	var apiErr smithy.APIError
	switch {
	case errors.Is(f.ctx.Err(), context.DeadlineExceeded) && throttled(f.lastErr):
		// The timeout ended the backoff after throttling: say so, not
		// "no answer", which would send users looking at the network.
		errors.As(f.lastErr, &apiErr)
		if errors.As(f.lastErr, &withID) {
			e.RequestID = redact.Wire(withID.ServiceRequestID(), f.secrets, maxRequestIDLength)
		}
		e.Reason, e.Code, e.Persisted = failure.Throttled, throttlingCode, true
		e.Message = redact.Wire(apiErr.ErrorMessage(), f.secrets, maxMessageLength)
	case errors.Is(f.ctx.Err(), context.DeadlineExceeded) && answered(f.lastErr):
		// Cognito kept answering (5xx, InternalErrorException, ...) until
		// the timeout ended the backoff: that answer is the reason, not the
		// network.
		last := classify(f.lastErr, failedCall{ctx: context.Background(), secrets: f.secrets, classifyAPI: f.classifyAPI})
		*e = *failure.New(err, f.secrets)
		e.Reason, e.Input, e.Code, e.Message, e.Status, e.RequestID = last.Reason, last.Input, last.Code, last.Message, last.Status, last.RequestID
		e.RootCause, e.AttemptTimeout, e.NeverReached, e.Persisted = last.RootCause, last.AttemptTimeout, last.NeverReached, true
	case errors.Is(f.ctx.Err(), context.DeadlineExceeded):
		e.Reason = failure.Timeout
	case errors.Is(f.ctx.Err(), context.Canceled):
		e.Reason = failure.Canceled
	case errors.As(err, &apiErr):
		// Cleaned too: an unknown code is shown unquoted (and a proxy, not
		// Cognito, may have made it up, escape sequences included).
		e.Code = redact.Wire(apiErr.ErrorCode(), f.secrets, maxCodeLength)
		e.Message = redact.Wire(apiErr.ErrorMessage(), f.secrets, maxMessageLength)
		classifyAPI := f.classifyAPI
		if classifyAPI == nil {
			classifyAPI = classifyAPIError
		}
		e.Reason, e.Input = classifyAPI(e.Code, e.Message)
	default:
		classifyTransportError(e, err, f)
	}
	return e
}

// reasonOf maps every error type the SDK knows for this operation.
var reasonOf = map[string]struct {
	reason failure.Reason
	input  failure.Input
}{
	"RefreshTokenReuseException":     {failure.RefreshTokenReused, failure.RefreshToken},
	"ResourceNotFoundException":      {failure.ClientNotFound, failure.ClientID},
	"UserNotFoundException":          {failure.UserNotFound, failure.RefreshToken},
	throttlingCode:                   {failure.Throttled, failure.NoInput},
	"InternalErrorException":         {failure.InternalError, failure.NoInput},
	"InvalidParameterException":      {failure.InvalidParameter, failure.NoInput},
	"ForbiddenException":             {failure.BlockedByFirewall, failure.NoInput},
	"OperationNotEnabledException":   {failure.OperationNotEnabled, failure.NoInput},
	"InvalidLambdaResponseException": {failure.TriggerInvalidResponse, failure.NoInput},
	"UnexpectedLambdaException":      {failure.TriggerFailed, failure.NoInput},
	"UserLambdaValidationException":  {failure.TriggerRejected, failure.NoInput},
}

// classifyAPIError classifies Cognito's error type and message.
func classifyAPIError(code, message string) (failure.Reason, failure.Input) {
	// Cognito reports a missing, wrong or unexpected client secret as either
	// of two error types; only its message tells.
	if (code == "NotAuthorizedException" || code == "InvalidParameterException") &&
		strings.Contains(strings.ToLower(message), "secret") {
		return failure.ClientSecretRejected, failure.ClientSecret
	}
	if code == "NotAuthorizedException" {
		return classifyNotAuthorized(message)
	}
	if known, ok := reasonOf[code]; ok {
		return known.reason, known.input
	}
	return failure.Other, failure.NoInput
}

// classifyNotAuthorized classifies NotAuthorizedException by its message.
//
// A pool that remembers devices (a user-pool setting) answers a refresh
// without a device key, or with one that was never confirmed with
// ConfirmDevice, with the same "Invalid Refresh Token." as a bad token: AWS's
// knowledge-center article "How do I troubleshoot an 'Invalid Refresh Token'
// error" (https://repost.aws/knowledge-center/cognito-invalid-refresh-token-error)
// and public reports (aws/aws-sdk-java-v2#3418, aws/aws-sdk-cpp#851). So that
// message alone cannot tell token from device: it has its own reason,
// RefreshTokenInvalid. A message that does name the device is about the
// device key.
func classifyNotAuthorized(message string) (failure.Reason, failure.Input) {
	lower := strings.ToLower(message)
	switch {
	case strings.Contains(lower, "device"):
		return failure.DeviceKeyRejected, failure.DeviceKey
	case strings.HasPrefix(lower, "invalid refresh token"):
		return failure.RefreshTokenInvalid, failure.RefreshToken
	case strings.Contains(lower, "user is disabled"):
		return failure.UserDisabled, failure.RefreshToken
	default:
		return failure.RefreshTokenRejected, failure.RefreshToken
	}
}

func classifyTransportError(e *Error, err error, f failedCall) {
	var deserialization *smithy.DeserializationError
	var response *smithyhttp.ResponseError
	// The shared transport's per-attempt bound (client.go) ran out.
	var silent *awshttp.ResponseTimeoutError
	switch {
	// Before the deserialization case: a 5xx from a load balancer carries an
	// HTML page, which the SDK reports as undecodable, but it is an outage.
	case errors.As(err, &response) && response.HTTPStatusCode() >= 500:
		e.Reason, e.Status = failure.Unavailable, response.HTTPStatusCode()
	case errors.As(err, &deserialization):
		e.Reason = failure.Unreadable
	case errors.As(err, &silent):
		e.Reason, e.AttemptTimeout = failure.AttemptTimeout, silent.TimeoutDur
	default:
		e.Reason = failure.Unreachable
		e.RootCause = redact.Wire(redact.RootCause(err).Error(), f.secrets, maxMessageLength)
		e.NeverReached = retrypolicy.NeverReached(err)
	}
}

// Caps on wire text: Cognito's error types and request IDs are short, its
// messages a sentence or a Lambda trigger's error.
const (
	maxCodeLength      = 64
	maxRequestIDLength = 128
	maxMessageLength   = 500
)

// throttlingCode is Cognito's error type for a request over its quota; the
// SDK's standard retryer treats it as a throttle.
const throttlingCode = "TooManyRequestsException"

// answered tells an error that carries Cognito's (or a proxy's) answer: an
// API error or an HTTP status, as opposed to no answer at all.
func answered(err error) bool {
	var apiErr smithy.APIError
	var response *smithyhttp.ResponseError
	return errors.As(err, &apiErr) || (errors.As(err, &response) && response.Response != nil && response.HTTPStatusCode() > 0)
}

func throttled(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == throttlingCode
}
