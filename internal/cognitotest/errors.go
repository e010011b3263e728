package cognitotest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// The 12 error types the SDK's GetTokensFromRefreshToken deserializer knows.
const (
	ErrForbidden              = "ForbiddenException"
	ErrInternalError          = "InternalErrorException"
	ErrInvalidLambdaResponse  = "InvalidLambdaResponseException"
	ErrInvalidParameter       = "InvalidParameterException"
	ErrNotAuthorized          = "NotAuthorizedException"
	ErrOperationNotEnabled    = "OperationNotEnabledException"
	ErrRefreshTokenReuse      = "RefreshTokenReuseException"
	ErrResourceNotFound       = "ResourceNotFoundException"
	ErrTooManyRequests        = "TooManyRequestsException"
	ErrUnexpectedLambda       = "UnexpectedLambdaException"
	ErrUserLambdaValidation   = "UserLambdaValidationException"
	ErrUserNotFound           = "UserNotFoundException"
	errUnknownOperation       = "UnknownOperationException" // Coral framework, not modeled
	errSerialization          = "SerializationException"    // Coral framework, not modeled
	coralNamespace            = "com.amazon.coral.service#"
	MsgInvalidRefreshToken    = "Invalid Refresh Token." // sourced
	MsgRefreshTokenExpired    = "Refresh Token has expired"
	MsgRefreshTokenRevoked    = "Refresh Token has been revoked" // sourced
	MsgRefreshTokenReused     = "Refresh Token has been reused"
	MsgUserNotFound           = "User does not exist."
	MsgUserDisabled           = "User is disabled."
	MsgThrottled              = "Rate exceeded"
	MsgInternalError          = "Internal server error."
	MsgForbidden              = "Request not allowed due to WAF block."
	MsgOperationNotEnabled    = "This operation is not available for this user pool." // unsourced: no public record of Cognito's wording
	MsgInvalidLambdaResponse  = "Unrecognizable lambda output"                        // sourced
	MsgInvalidLambdaJSON      = "Invalid lambda function output : Invalid JSON"       // sourced
	MsgUnexpectedLambdaPrefix = "PreTokenGeneration invocation failed due to error "  // sourced
	msgUserLambdaValidation   = "PreTokenGeneration failed with error "               // sourced
)

// Where the double's wording of an error comes from. The
// messages marked "sourced" above were seen from Cognito; the others are
// the double's best guess, kept short and free of request values.
//   - "Invalid Refresh Token." (with the period): "NotAuthorizedException -
//     Invalid Refresh Token." from GetTokensFromRefreshToken itself in
//     aws/aws-sdk-js-v3#7162, and the Java SDKs' rendering in
//     aws/aws-sdk-java-v2#1389 and #3418.
//   - "Refresh Token has been revoked": x-amzn-ErrorMessage captured in
//     aws-amplify/amplify-swift#3344.
//   - "Unrecognizable lambda output": x-amzn-ErrorMessage of
//     InvalidLambdaResponseException for a trigger that returned JSON Cognito
//     cannot use (amazon-archives/amazon-cognito-identity-js#167,
//     awslabs/aws-sdk-android-samples#165).
//   - "Invalid lambda function output : Invalid JSON": the same exception for
//     output that is not JSON (aws-amplify/amplify-cli#4341).
//   - "<Trigger> invocation failed due to error AccessDeniedException.":
//     UnexpectedLambdaException for a trigger Cognito may not invoke
//     (anomalyco/sst#4421 for PreTokenGeneration,
//     aws/serverless-application-model#1253).
//   - "<Trigger> failed with error <the function's message>.":
//     UserLambdaValidationException; Cognito appends the period even after
//     one (aws-amplify/amplify-ui-android#314, aws-amplify/amplify-flutter#1051).
//   - "User pool client <id> does not exist." (operation.go):
//     aws/aws-sdk-php#2183, aws-amplify/amplify-flutter#740.
//   - "Client <id> is configured for secret but secret was not received."
//     (operation.go): furaiev/amazon-cognito-identity-dart-2#164.

// ErrorTypes lists the 12 modeled error types, for table-driven tests.
var ErrorTypes = []string{
	ErrForbidden, ErrInternalError, ErrInvalidLambdaResponse, ErrInvalidParameter,
	ErrNotAuthorized, ErrOperationNotEnabled, ErrRefreshTokenReuse, ErrResourceNotFound,
	ErrTooManyRequests, ErrUnexpectedLambda, ErrUserLambdaValidation, ErrUserNotFound,
}

// defaultMessages is used when a fault names an error type without a message.
var defaultMessages = map[string]string{
	ErrForbidden:             MsgForbidden,
	ErrInternalError:         MsgInternalError,
	ErrInvalidLambdaResponse: MsgInvalidLambdaResponse,
	ErrInvalidParameter:      "1 validation error detected: Value at 'refreshToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9-_=.]+",
	ErrNotAuthorized:         MsgInvalidRefreshToken,
	ErrOperationNotEnabled:   MsgOperationNotEnabled,
	ErrRefreshTokenReuse:     MsgRefreshTokenReused,
	ErrResourceNotFound:      "User pool client does not exist.",
	ErrTooManyRequests:       MsgThrottled,
	ErrUnexpectedLambda:      MsgUnexpectedLambdaPrefix + "AccessDeniedException.",
	ErrUserLambdaValidation:  msgUserLambdaValidation + "injected.",
	ErrUserNotFound:          MsgUserNotFound,
}

// apiError is a modeled (or framework) error answer.
type apiError struct {
	Type    string
	Message string
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func newErr(typ, msg string) *apiError { return &apiError{Type: typ, Message: msg} }

// StatusFor returns the HTTP status Cognito uses for an error type: the model
// marks only InternalErrorException as a server fault (500); every other
// modeled exception, and the framework's own errors, are 400.
func StatusFor(errorType string) int {
	switch errorType {
	case ErrInternalError:
		return http.StatusInternalServerError
	case ErrMissingAuthenticationToken:
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

// writeError answers like Cognito: the type in both the JSON body and the
// x-amzn-ErrorType header (with the trailing colon real responses carry), the
// message also in x-amzn-ErrorMessage.
func writeError(w http.ResponseWriter, status int, e *apiError) {
	h := w.Header()
	h.Set("Content-Type", jsonContentType)
	h.Set("x-amzn-ErrorType", e.Type+":")
	if e.Message != "" {
		h.Set("x-amzn-ErrorMessage", e.Message)
	}
	typ := e.Type
	if typ == errUnknownOperation || typ == errSerialization {
		typ = coralNamespace + typ
	}
	body, _ := json.Marshal(map[string]string{"__type": typ, "message": e.Message})
	writeBody(w, status, body)
}

// writeBody sends a Content-Length like AWS does, never chunked encoding.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
