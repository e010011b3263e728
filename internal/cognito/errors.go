package cognito

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// Error is a failed refresh, phrased for a Terraform diagnostic: Summary names
// the problem, Detail says what to do. Neither ever contains a secret.
type Error struct {
	Summary string
	Detail  string
	// Attribute is the input the problem is about ("" when none is).
	Attribute string
	// Code is Cognito's error type, e.g. NotAuthorizedException.
	Code      string
	RequestID string
	Attempts  int

	err error
	// secrets are the request's and the endpoint URLs' (redact.URLSecrets),
	// for Cause.
	secrets []string
}

func (e *Error) Error() string { return e.Summary + ": " + e.Detail }

// Unwrap returns the SDK's error. Its text can carry request values (Cognito
// echoes client ids) and the endpoint's whole URL, so it is only ever logged
// through masking: Cause.
func (e *Error) Unwrap() error { return e.err }

// Cause is the SDK error's text for logs, scrubbed like the diagnostic.
func (e *Error) Cause() string {
	if e.err == nil {
		return ""
	}
	return redact.Scrub(e.err.Error(), e.secrets)
}

// failure is what describe needs to know about the call that failed.
type failure struct {
	ctx      context.Context
	region   string
	endpoint string
	timeout  time.Duration
	attempts int
	// maxAttempts is the policy's bound (0 when unknown).
	maxAttempts int
	// lastErr is the last attempt's error, which the SDK drops when the
	// timeout ends its backoff.
	lastErr error
	secrets []string
	// deviceKeySet tells whether the request carried a DeviceKey (never
	// its value), for the NotAuthorizedException diagnosis.
	deviceKeySet bool
}

func describe(err error, f failure) *Error {
	e := &Error{err: err, Attempts: f.attempts, secrets: f.secrets}
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
		e.Code = throttlingCode
		e.Summary = "Cognito throttled the request"
		e.Detail = fmt.Sprintf("Cognito says: %q. Cognito kept throttling for the provider's whole `timeout` of %s: it gave up after %s with exponential backoff (a random wait of up to %s between attempts). %s",
			redact.Wire(apiErr.ErrorMessage(), f.secrets, maxMessageLength), f.timeout, redact.AttemptsMade(f.attempts), retrypolicy.MaxBackoff, throttlingAdvice)
	case errors.Is(f.ctx.Err(), context.DeadlineExceeded) && answered(f.lastErr):
		// Cognito kept answering (5xx, InternalErrorException, ...) until
		// the timeout ended the backoff: explain that answer, not the network.
		last := describe(f.lastErr, failure{ctx: context.Background(), region: f.region, endpoint: f.endpoint,
			timeout: f.timeout, attempts: f.attempts, lastErr: f.lastErr, secrets: f.secrets, deviceKeySet: f.deviceKeySet})
		last.err = err
		last.Detail = strings.TrimSuffix(last.Detail, "\n\nAWS request ID: "+last.RequestID) + persisted(f.timeout)
		e = last
	case errors.Is(f.ctx.Err(), context.DeadlineExceeded):
		e.Summary = "Cognito did not answer in time"
		e.Detail = fmt.Sprintf("No answer from %s within %s (%s). Check network access to the endpoint, or raise the provider's `timeout`.",
			f.endpoint, f.timeout, redact.AttemptsMade(f.attempts))
	case errors.Is(f.ctx.Err(), context.Canceled):
		e.Summary = "Token refresh cancelled"
		e.Detail = "The request to Cognito was cancelled before it finished (for example by Ctrl-C)."
	case errors.As(err, &apiErr):
		// Cleaned too: an unknown code is shown unquoted (and a proxy, not
		// Cognito, may have made it up, escape sequences included).
		e.Code = redact.Wire(apiErr.ErrorCode(), f.secrets, maxCodeLength)
		explainAPIError(e, redact.Wire(apiErr.ErrorMessage(), f.secrets, maxMessageLength), f)
	default:
		explainTransportError(e, err, f)
	}
	if e.RequestID != "" {
		e.Detail += "\n\nAWS request ID: " + e.RequestID
	}
	return e
}

// explainAPIError covers every error type the SDK knows for this operation.
func explainAPIError(e *Error, message string, f failure) {
	cognitoSays := fmt.Sprintf("Cognito says: %q.", message)
	// Cognito reports a missing, wrong or unexpected client secret as either
	// of two error types; only its message tells.
	if (e.Code == "NotAuthorizedException" || e.Code == "InvalidParameterException") &&
		strings.Contains(strings.ToLower(message), "secret") {
		e.Summary, e.Attribute = "Client secret missing or wrong", "client_secret"
		e.Detail = cognitoSays + " If the app client has a client secret, set `client_secret` to it; if it has none, remove `client_secret`."
		return
	}
	switch e.Code {
	case "NotAuthorizedException":
		explainNotAuthorized(e, message, cognitoSays, f.deviceKeySet)
	case "RefreshTokenReuseException":
		e.Summary, e.Attribute = "Refresh token already rotated", "refresh_token"
		e.Detail = cognitoSays + " The app client rotates refresh tokens: every refresh returns `new_refresh_token` and the presented token stops working once the client's grace period (0-60 seconds) is over. "
		if f.attempts > 1 {
			e.Detail += fmt.Sprintf("This refresh took %s: an earlier attempt may already have rotated the token and its answer was lost (timeout, reset connection or server error). "+
				"The grace period (the app client's RetryGracePeriodSeconds) exists to let such retries through: set it above 0. ", redact.AttemptsMade(f.attempts))
		}
		e.Detail += "Terraform opens an ephemeral resource at plan and again at apply (OpenTofu does so when the apply uses its values), so a token that is rotated at plan is presented again at apply: set the app client's RetryGracePeriodSeconds high enough to cover plan and apply (or run apply without a separate plan), and store `new_refresh_token` after each run. Sign in again to get a valid refresh token."
	case "ResourceNotFoundException":
		e.Summary, e.Attribute = "App client not found", "client_id"
		e.Detail = fmt.Sprintf("Cognito has no app client with this `client_id` in region %s. Check `client_id` and that `region` is the user pool's region.", f.region)
	case "UserNotFoundException":
		e.Summary, e.Attribute = "User not found", "refresh_token"
		e.Detail = "The user this refresh token belongs to no longer exists in the user pool (or is not confirmed). Sign in again as an existing user to get a new refresh token."
	case throttlingCode:
		e.Summary = "Cognito throttled the request"
		e.Detail = fmt.Sprintf("%s Cognito throttled every attempt: %s with exponential backoff (a random wait of up to %s between attempts)%s. %s",
			cognitoSays, redact.AttemptsMade(f.attempts), retrypolicy.MaxBackoff, bound(f), throttlingAdvice)
	case "InternalErrorException":
		e.Summary = "Cognito internal error"
		e.Detail = fmt.Sprintf("%s Amazon Cognito failed internally; the request was retried with backoff (%s). Try again later; check the AWS Health Dashboard if it persists.", cognitoSays, redact.AttemptsMade(f.attempts))
	case "InvalidParameterException":
		e.Summary = "Cognito rejected a parameter"
		e.Detail = cognitoSays + " Check the values of `refresh_token`, `client_id`, `client_secret`, `device_key` and `client_metadata`, and the app client's settings."
	case "ForbiddenException":
		e.Summary = "Request blocked by AWS WAF"
		e.Detail = cognitoSays + " An AWS WAF web ACL associated with the user pool blocked the request. Check the web ACL's rules (for example IP sets or rate limits) for the address Terraform runs from."
	case "OperationNotEnabledException":
		// The SDK's doc comment (types/errors.go): not available in the
		// region or for the pool's configuration, e.g. a replica region.
		e.Summary = "Operation not available for this user pool"
		e.Detail = fmt.Sprintf("%s Cognito does not offer GetTokensFromRefreshToken in region %s or for this user pool's configuration; for example, it is not available in a secondary (replica) region of a multi-region user pool. "+
			"Send the request to the user pool's primary region (`region`, in the provider block or on this resource) and check the user pool's configuration. Refresh-token rotation settings do not cause this error.", cognitoSays, f.region)
	case "InvalidLambdaResponseException":
		e.Summary = "A Lambda trigger returned an invalid response"
		e.Detail = cognitoSays + " A Lambda trigger of the user pool (for example pre token generation) answered in a form Cognito does not accept. Fix the trigger's response; `client_metadata` is passed to it."
	case "UnexpectedLambdaException":
		e.Summary = "A Lambda trigger failed"
		e.Detail = cognitoSays + " Cognito could not run a Lambda trigger of the user pool (error, timeout or missing permission). Check the trigger function's logs and its invoke permission for Cognito."
	case "UserLambdaValidationException":
		e.Summary = "A Lambda trigger rejected the request"
		e.Detail = cognitoSays + " A Lambda trigger of the user pool refused to issue tokens. Its message says why; `client_metadata` is passed to it."
	default:
		e.Summary = "Cognito returned an error"
		e.Detail = fmt.Sprintf("%s (%s, %s).", cognitoSays, e.Code, redact.AttemptsMade(f.attempts))
	}
}

// explainNotAuthorized diagnoses NotAuthorizedException by its message.
//
// A pool that remembers devices (a user-pool setting) answers a refresh
// without a device key, or with one that was never confirmed with
// ConfirmDevice, with the same "Invalid Refresh Token." as a bad token: AWS's
// knowledge-center article "How do I troubleshoot an 'Invalid Refresh Token'
// error" (https://repost.aws/knowledge-center/cognito-invalid-refresh-token-error)
// and public reports (aws/aws-sdk-java-v2#3418, aws/aws-sdk-cpp#851). So that
// message alone cannot tell token from device: the diagnosis names both,
// according to whether `device_key` was set. A message that does name the
// device is put on `device_key`.
func explainNotAuthorized(e *Error, message, cognitoSays string, deviceKeySet bool) {
	lower := strings.ToLower(message)
	switch {
	case strings.Contains(lower, "device"):
		e.Summary, e.Attribute = "Device key not accepted", "device_key"
		e.Detail = cognitoSays + " Set `device_key` to the key of a device confirmed (ConfirmDevice) for the user who owns the refresh token." + howToGetADeviceKey
	case strings.HasPrefix(lower, "invalid refresh token"):
		e.Summary, e.Attribute = "Refresh token not accepted", "refresh_token"
		e.Detail = cognitoSays + " The refresh token is invalid or was issued to another app client. Sign in again to get a new refresh token and update `refresh_token`."
		if deviceKeySet {
			e.Detail += "\n\nCognito gives the same answer when the user pool remembers devices and `device_key` is not a device confirmed (ConfirmDevice) for this user: check that the device was confirmed after the sign-in that issued it." + howToGetADeviceKey
		} else {
			e.Detail += "\n\nCognito gives the same answer when the user pool remembers devices and no device key is sent: set `device_key` to the key of a device confirmed (ConfirmDevice) for this user." + howToGetADeviceKey
		}
	case strings.Contains(lower, "user is disabled"):
		e.Summary, e.Attribute = "User disabled", "refresh_token"
		e.Detail = cognitoSays + " The user this refresh token belongs to is disabled in the user pool. An administrator must enable the user again (AdminEnableUser); a new sign-in does not help while the user is disabled."
	default:
		e.Summary, e.Attribute = "Refresh token not accepted", "refresh_token"
		e.Detail = cognitoSays + " The refresh token is invalid, expired, revoked, or was issued to another app client. Sign in again to get a new refresh token and update `refresh_token`."
	}
}

// howToGetADeviceKey says where a confirmed device key comes from.
const howToGetADeviceKey = " A device key comes from the sign-in that issued the refresh token (`AuthenticationResult.NewDeviceMetadata.DeviceKey`) and works once the app confirms it with ConfirmDevice; AWS SDKs and Amplify store it with the tokens."

func explainTransportError(e *Error, err error, f failure) {
	var deserialization *smithy.DeserializationError
	var response *smithyhttp.ResponseError
	// The shared transport's per-attempt bound (client.go) ran out.
	var silent *awshttp.ResponseTimeoutError
	switch {
	// Before the deserialization case: a 5xx from a load balancer carries an
	// HTML page, which the SDK reports as undecodable, but it is an outage.
	case errors.As(err, &response) && response.HTTPStatusCode() >= 500:
		e.Summary = "Cognito is unavailable"
		e.Detail = fmt.Sprintf("%s answered HTTP %d (%s). Try again later.", f.endpoint, response.HTTPStatusCode(), redact.AttemptsMade(f.attempts))
	case errors.As(err, &deserialization):
		e.Summary = "Unexpected response from Cognito"
		e.Detail = fmt.Sprintf("The answer from %s could not be read as a Cognito response (%s). If an endpoint override or proxy is in use, check that it forwards Cognito's responses unchanged.",
			f.endpoint, redact.AttemptsMade(f.attempts))
	case errors.As(err, &silent):
		e.Summary = "Cognito did not answer in time"
		e.Detail = fmt.Sprintf("%s sent nothing for %s at a time (%s; an attempt that waits that long is abandoned and retried). Check network access to the endpoint.",
			f.endpoint, silent.TimeoutDur, redact.AttemptsMade(f.attempts))
	default:
		e.Summary = "Could not reach Cognito"
		e.Detail = fmt.Sprintf("No usable answer from %s (%s): %s.%s Check the region, `endpoint` and network access.",
			f.endpoint, redact.AttemptsMade(f.attempts), redact.Wire(redact.RootCause(err).Error(), f.secrets, maxMessageLength), shortBudget(err))
	}
}

// Caps on wire text in a diagnostic: Cognito's error types and request IDs
// are short, its messages a sentence or a Lambda trigger's error.
const (
	maxCodeLength      = 64
	maxRequestIDLength = 128
	maxMessageLength   = 500
)

// throttlingCode is Cognito's error type for a request over its quota; the
// SDK's standard retryer treats it as a throttle.
const throttlingCode = "TooManyRequestsException"

const throttlingAdvice = "Cognito's request-rate quotas apply per category of operation, shared by every user pool and app client of the AWS account in the region: " +
	"lower Terraform's `-parallelism`, raise the provider's `max_retries` and `timeout`, or request a quota increase in the Service Quotas console."

// answered tells an error that carries Cognito's (or a proxy's) answer: an
// API error or an HTTP status, as opposed to no answer at all.
func answered(err error) bool {
	var apiErr smithy.APIError
	var response *smithyhttp.ResponseError
	return errors.As(err, &apiErr) || (errors.As(err, &response) && response.Response != nil && response.HTTPStatusCode() > 0)
}

// persisted says that the last answer lasted until the timeout ran out.
func persisted(timeout time.Duration) string {
	return fmt.Sprintf(" This persisted for the provider's whole `timeout` of %s, retries included: raise `timeout` to wait longer.", timeout)
}

func throttled(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == throttlingCode
}

// bound names the policy's limits, when the retries ran out before them.
func bound(f failure) string {
	if f.maxAttempts == 0 {
		return ""
	}
	return fmt.Sprintf("; the provider allows %d attempts (`max_retries` + 1) within its `timeout` of %s", f.maxAttempts, f.timeout)
}

// shortBudget explains why a request that reached no server stopped early.
func shortBudget(err error) string {
	if !retrypolicy.NeverReached(err) {
		return ""
	}
	return fmt.Sprintf(" The request reached no server (refused connection, unknown host, no route or rejected certificate): such a request is tried at most %d times.", retrypolicy.UnreachableAttempts)
}
