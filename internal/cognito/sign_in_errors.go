package cognito

import (
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// signInReasonOf maps every error type the API reference lists for
// InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge and
// AdminRespondToAuthChallenge (the SDKs' per-operation error lists agree,
// e.g. aws-sdk-rust's InitiateAuthError and RespondToAuthChallengeError)
// that GetTokensFromRefreshToken's table (reasonOf) does not, or maps
// differently. NotAuthorizedException and InvalidParameterException are
// told by their message (classifySignInError).
var signInReasonOf = map[string]struct {
	reason failure.Reason
	input  failure.Input
}{
	// Without PreventUserExistenceErrors Cognito says the user does not
	// exist; with it, "Incorrect username or password." (developer guide,
	// "Managing user existence error responses"). Either way the failure
	// is the same: which of the two was wrong is never told.
	"UserNotFoundException":                    {failure.NotAuthorized, failure.NoInput},
	"UserNotConfirmedException":                {failure.UserNotConfirmed, failure.Username},
	"PasswordResetRequiredException":           {failure.PasswordResetRequired, failure.Username},
	"CodeMismatchException":                    {failure.CodeRejected, failure.TOTPSecret},
	"ExpiredCodeException":                     {failure.CodeRejected, failure.TOTPSecret},
	"MFAMethodNotFoundException":               {failure.MFANotSetUp, failure.TOTPSecret},
	"SoftwareTokenMFANotFoundException":        {failure.MFANotSetUp, failure.TOTPSecret},
	"InvalidUserPoolConfigurationException":    {failure.PoolMisconfigured, failure.UserPoolID},
	"InvalidSmsRoleAccessPolicyException":      {failure.PoolMisconfigured, failure.UserPoolID},
	"InvalidSmsRoleTrustRelationshipException": {failure.PoolMisconfigured, failure.UserPoolID},
	"InvalidEmailRoleAccessPolicyException":    {failure.PoolMisconfigured, failure.UserPoolID},
	"UnsupportedOperationException":            {failure.OperationNotEnabled, failure.NoInput},
	// AdminInitiateAuth is signed: AWS's common errors of signed requests
	// (API reference, "Common Errors") are about the caller's credentials.
	"AccessDeniedException":       {failure.AccessDenied, failure.NoInput},
	"UnrecognizedClientException": {failure.InvalidCredentials, failure.NoInput},
	"InvalidSignatureException":   {failure.InvalidCredentials, failure.NoInput},
	"IncompleteSignature":         {failure.InvalidCredentials, failure.NoInput},
	"ExpiredTokenException":       {failure.InvalidCredentials, failure.NoInput},
	// Only answers to NEW_PASSWORD_REQUIRED (a new password or attribute),
	// which SignIn never sends: Code names them.
	"AliasExistsException":                    {failure.Other, failure.NoInput},
	"InvalidPasswordException":                {failure.Other, failure.NoInput},
	"PasswordHistoryPolicyViolationException": {failure.Other, failure.NoInput},
}

// classifySignInError classifies the answers of the sign-in operations.
//
// A client without the flow's ALLOW_ flag gets InvalidParameterException
// "<FLOW> flow not enabled for this client" (AWS's API reference is
// silent on the wording; it is how Cognito answers in public reports and
// what emulators copy, e.g. floci-io/floci#3974); SignIn puts the flag in
// Code. The message is matched loosely, under either refusal type.
func classifySignInError(code, message string) (failure.Reason, failure.Input) {
	lower := strings.ToLower(message)
	refusal := code == "NotAuthorizedException" || code == "InvalidParameterException"
	switch {
	case refusal && strings.Contains(lower, "not enabled for this client"):
		return failure.AuthFlowNotEnabled, failure.AuthFlow
	case refusal && strings.Contains(lower, "secret"):
		// "Unable to verify secret hash for client ...", "Client ... is
		// configured for secret but secret was not received".
		return failure.ClientSecretRejected, failure.ClientSecret
	case code == "NotAuthorizedException":
		return classifySignInNotAuthorized(lower)
	}
	if known, ok := signInReasonOf[code]; ok {
		return known.reason, known.input
	}
	if code == "ResourceNotFoundException" && strings.Contains(lower, "pool") && !strings.Contains(lower, "client") {
		// AdminInitiateAuth names the pool: "User pool ... does not exist."
		return failure.ClientNotFound, failure.UserPoolID
	}
	if known, ok := reasonOf[code]; ok {
		return known.reason, known.input
	}
	return failure.Other, failure.NoInput
}

// classifySignInNotAuthorized tells NotAuthorizedException's sign-in
// answers apart by their message; anything else is a wrong username or
// password ("Incorrect username or password.").
func classifySignInNotAuthorized(lower string) (failure.Reason, failure.Input) {
	switch {
	case strings.Contains(lower, "user is disabled"):
		return failure.UserDisabled, failure.Username
	case strings.Contains(lower, "attempts exceeded"):
		// "Password attempts exceeded": the lockout after repeated failures
		// (developer guide, "User pool authentication flow", lockout).
		return failure.AttemptsExceeded, failure.Username
	case strings.Contains(lower, "session"):
		// "Invalid session for the user, session is expired."
		return failure.SessionExpired, failure.NoInput
	}
	return failure.NotAuthorized, failure.NoInput
}

// classifyRevokeError classifies RevokeToken's answers: the API reference
// lists ForbiddenException, InternalErrorException,
// InvalidParameterException, TooManyRequestsException,
// UnauthorizedException, UnsupportedOperationException and
// UnsupportedTokenTypeException.
func classifyRevokeError(code, message string) (failure.Reason, failure.Input) {
	lower := strings.ToLower(message)
	switch {
	case (code == "UnauthorizedException" || code == "InvalidParameterException") && strings.Contains(lower, "secret"):
		return failure.ClientSecretRejected, failure.ClientSecret
	case code == "UnauthorizedException":
		// The client id and secret do not match the token's client.
		return failure.ClientRejected, failure.ClientID
	case code == "UnsupportedOperationException":
		// "Operation that isn't enabled for the user pool client": token
		// revocation is off for it.
		return failure.RevocationNotEnabled, failure.ClientID
	case code == "UnsupportedTokenTypeException":
		return failure.TokenTypeUnsupported, failure.RefreshToken
	}
	if known, ok := reasonOf[code]; ok && code != "UserNotFoundException" && code != "ResourceNotFoundException" && code != "RefreshTokenReuseException" {
		return known.reason, known.input
	}
	return failure.Other, failure.NoInput
}

func requestIDOf(metadata middleware.Metadata) string {
	id, _ := awsmiddleware.GetRequestIDMetadata(metadata)
	return id
}
