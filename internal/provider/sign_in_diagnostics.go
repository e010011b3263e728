package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// What cognito_sign_in says when a sign-in or its revocation fails. A
// sign-in has side effects: a wrong password counts towards the user's
// lockout, and a success makes the user a monthly active user (billed once
// a month per user). So each diagnostic says what running again would cost.

// signInInputAttributes are the sign-in attributes of each input.
var signInInputAttributes = map[failure.Input]string{
	failure.ClientID:     "client_id",
	failure.ClientSecret: "client_secret",
	failure.Username:     "username",
	failure.Password:     "password",
	failure.UserPoolID:   "user_pool_id",
	failure.AuthFlow:     "auth_flow",
	failure.TOTPSecret:   "totp_secret",
}

// signInFacts are the request's facts its diagnostics may show: none is a
// secret (the client ID is one, so commands say <client-id>).
type signInFacts struct {
	poolID, username string
	flow             cognito.SignInFlow
}

func signInFactsOf(req cognito.SignInRequest) signInFacts {
	flow := req.Flow
	if flow == "" {
		flow = cognito.FlowUserSRP
	}
	return signInFacts{poolID: req.UserPoolID, username: req.Username, flow: flow}
}

// admin names the pool and user in a command.
func (f signInFacts) admin() string {
	return "--user-pool-id " + shellQuote(f.poolID) + " --username " + shellQuote(f.username)
}

var signInSpeaker = speaker{name: "Cognito", title: "Cognito", answer: "answer", cancelled: "Sign-in cancelled",
	checkReach: "Check the region (the user pool ID's, or `region`), `endpoint` and network access."}

// signInWording words a failed sign-in of f's request on its attribute.
func signInWording(f signInFacts) failureWording {
	return failureWording{
		text:         func(e *failure.Error) (string, string) { return signInText(e, f) },
		attributes:   signInInputAttributes,
		unclassified: [2]string{"Sign-in failed", "Unexpected failure signing in to Cognito."},
	}
}

// addSignInError puts a failed sign-in on the attribute at fault. Failures
// of the AWS credentials AdminInitiateAuth needs are auth_flow's.
func addSignInError(diags *diag.Diagnostics, err error, f signInFacts) {
	if e := (*failure.Error)(nil); errors.As(err, &e) && e.Input == failure.NoInput {
		switch e.Reason {
		case failure.NoCredentials, failure.InvalidCredentials, failure.AccessDenied:
			e.Input = failure.AuthFlow
		}
	}
	addFailure(diags, err, signInWording(f))
}

// mayHaveCounted: an answer lost after the request reached Cognito.
const mayHaveCounted = " Cognito may have checked the password before the answer was lost: a wrong one then counted towards the user's lockout, a right one made the user a monthly active user. Running again signs in again."

// signInText words a failed sign-in.
func signInText(e *failure.Error, f signInFacts) (summary, detail string) {
	summary, detail, ok := sharedText(e, signInSpeaker)
	if ok {
		if e.Reason != failure.Canceled && !e.NeverReached {
			detail += mayHaveCounted
		}
	} else {
		summary, detail = signInAnswerText(e, f)
	}
	return summary, withAftermath(e, detail, e.Reason == failure.Throttled)
}

// lockoutRule is Cognito's lockout (developer guide, "Lockout behavior for
// failed sign-in attempts").
const lockoutRule = "after five failed sign-ins Cognito locks the user out for one second, doubling with each further failure up to about 15 minutes"

func signInAnswerText(e *failure.Error, f signInFacts) (summary, detail string) {
	cognitoSays := fmt.Sprintf("Cognito says: %q.", e.Message)
	switch e.Reason {
	case failure.AuthFlowNotEnabled:
		return "Auth flow not enabled on the app client", fmt.Sprintf("The app client does not allow %s: its ExplicitAuthFlows lack %s. Add it, keeping the flows it has (the command replaces the list, and resets every setting it is not given: repeat them): "+
			"`aws cognito-idp update-user-pool-client --user-pool-id %s --client-id <client-id> --explicit-auth-flows %s ALLOW_REFRESH_TOKEN_AUTH <flows it has>`, "+
			"or add %q to `explicit_auth_flows` of the `aws_cognito_user_pool_client`. Or set `auth_flow` to a flow the client allows. Nothing was counted against the user.",
			f.flow, e.Code, shellQuote(f.poolID), e.Code, e.Code)
	case failure.NotAuthorized:
		return "Incorrect username or password", "Cognito refused the sign-in: the username or the password is wrong (Cognito does not say which, and neither does the provider; an app client that prevents user existence errors answers an unknown user the same way). " +
			"Check `username` and `password` before running again: " + lockoutRule + ", so every run with a wrong password makes the lockout longer."
	case failure.UserNotConfirmed:
		return "User not confirmed", "The user has not confirmed sign-up, so Cognito does not sign it in. Confirm it as an administrator: `aws cognito-idp admin-confirm-sign-up " + f.admin() + "`, then run again."
	case failure.PasswordResetRequired:
		return "Password reset required", "An administrator required a password reset for this user (status RESET_REQUIRED), so the password no longer signs in. Set a new permanent password: " +
			"`aws cognito-idp admin-set-user-password " + f.admin() + " --password <new-password> --permanent`, and set `password` to it."
	case failure.UserDisabled:
		return "User disabled", cognitoSays + " The user is disabled in the user pool; running again does not help. An administrator must enable it: `aws cognito-idp admin-enable-user " + f.admin() + "`."
	case failure.AttemptsExceeded:
		return "User locked out after failed sign-ins", cognitoSays + " Too many sign-ins of this user failed: " + lockoutRule + ". " +
			"Do not retry with the same values: each further failure makes the lockout longer. Fix `password` (and `totp_secret`), then wait; the count resets after a successful sign-in, or after 15 minutes without one."
	case failure.ChallengeUnsupported:
		return challengeText(e, f)
	case failure.CodeRejected:
		return "TOTP code not accepted", cognitoSays + " Cognito refused the code computed from `totp_secret`. (A code refused as already used is not the cause: it is retried with the next window's code, and then, after waiting up to 30 seconds, with the one after.) " +
			"Check that `totp_secret` is the seed of the user's current software token (associating a new one replaces it) and that this machine's clock is right. The password was right; a wrong code may count as a failed sign-in."
	case failure.MFANotSetUp:
		return "MFA not set up for the user", cognitoSays + " Cognito asked for an MFA method the user has not set up. " + setUpTOTP(f)
	case failure.SessionExpired:
		return "Sign-in session expired", cognitoSays + " The session for answering the sign-in's challenges ran out (the app client's AuthSessionValidity, 3 minutes by default) or was refused. " +
			"Run again; if it recurs, check this machine's clock and the latency to Cognito, or raise the client's AuthSessionValidity (up to 15 minutes)."
	case failure.PoolMisconfigured:
		return "User pool configuration prevents sign-in", fmt.Sprintf("%s The user pool's MFA, SMS or email configuration (%s) keeps Cognito from completing the sign-in. Fix the user pool's settings (for example the IAM role Cognito sends SMS with).", cognitoSays, e.Code)
	case failure.NoCredentials:
		return "No AWS credentials for ADMIN_USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH signs in through AdminInitiateAuth, the one Cognito operation that needs AWS credentials, and the AWS SDK's default chain found none " +
			"(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, web identity, or an EC2 or ECS role). Provide credentials allowed `cognito-idp:AdminInitiateAuth` and `cognito-idp:AdminRespondToAuthChallenge` on the user pool, " +
			"or use `auth_flow = \"USER_SRP_AUTH\"`, which needs none."
	case failure.InvalidCredentials:
		return "AWS refused the credentials", cognitoSays + " ADMIN_USER_PASSWORD_AUTH signs AdminInitiateAuth with the AWS SDK's default chain's credentials, and AWS refused them (unknown, expired or badly signed). Refresh them (for example `aws sso login`), or use `auth_flow = \"USER_SRP_AUTH\"`, which needs none."
	case failure.AccessDenied:
		return "AWS denied AdminInitiateAuth", cognitoSays + " The AWS identity in use may not call AdminInitiateAuth: allow it `cognito-idp:AdminInitiateAuth` and `cognito-idp:AdminRespondToAuthChallenge` on the user pool, or use `auth_flow = \"USER_SRP_AUTH\"`, which needs no credentials."
	case failure.ClientNotFound:
		if e.Input == failure.UserPoolID {
			return "User pool not found", fmt.Sprintf("%s Check `user_pool_id` and that region %s is the user pool's.", cognitoSays, e.Region)
		}
		return "App client not found", fmt.Sprintf("Cognito has no app client with this `client_id` in region %s. Check `client_id`, and that `user_pool_id` (or `region`) names the user pool's region.", e.Region)
	case failure.ClientSecretRejected:
		return "Client secret missing or wrong", cognitoSays + " If the app client has a client secret, set `client_secret` to it; if it has none, remove `client_secret`. Nothing was counted against the user."
	case failure.InvalidParameter:
		return "Cognito rejected a parameter", cognitoSays + " Check `user_pool_id`, `client_id`, `username`, `auth_flow` and `client_metadata`, and the app client's settings."
	case failure.OperationNotEnabled:
		return "Sign-in not available for this user pool", fmt.Sprintf("%s Cognito does not offer this sign-in in region %s or for this user pool's configuration: choice-based sign-in (`USER_AUTH`) needs the Essentials or Plus feature plan. "+
			"Use another `auth_flow`, or change the user pool's feature plan.", cognitoSays, e.Region)
	case failure.InternalError:
		return "Cognito internal error", fmt.Sprintf("%s Amazon Cognito failed internally (%s). A request carrying the password or a code is not retried, because Cognito may have counted it: a wrong password towards the lockout, a right one as a monthly active user. Try again later.", cognitoSays, attemptsMade(e.Attempts))
	case failure.Unavailable:
		return "Cognito is unavailable", fmt.Sprintf("%s answered HTTP %d (%s). A request carrying the password or a code is not retried, because Cognito may have counted it. Try again later.", endpointText(e), e.Status, attemptsMade(e.Attempts))
	case failure.Throttled:
		summary, detail = cognitoText(e)
		return summary, detail + " A throttled sign-in was not checked, so it counted towards neither the lockout nor the monthly active users."
	}
	return cognitoText(e)
}

// setUpTOTP is how a service user gets software-token MFA.
func setUpTOTP(f signInFacts) string {
	return "For a service user, use a software token: associate one (`aws cognito-idp associate-software-token` with the user's access token, then `verify-software-token` with a code from it), " +
		"make it the preferred MFA (`aws cognito-idp admin-set-user-mfa-preference " + f.admin() + " --software-token-mfa-settings Enabled=true,PreferredMfa=true`), and set `totp_secret` to its seed."
}

// challengeText words a challenge the provider does not answer.
func challengeText(e *failure.Error, f signInFacts) (summary, detail string) {
	summary = "Sign-in challenge " + e.Code + " not supported"
	const passwordRight = " Cognito asked for it after checking the password, so the sign-in did not count as a failure; no tokens were issued."
	switch e.Code {
	case "SOFTWARE_TOKEN_MFA":
		return "TOTP code needed", "The user has software-token MFA, and Cognito asked for a code. Set `totp_secret` to the base32 seed of the user's software token (the `SecretCode` that AssociateSoftwareToken returned), and the provider answers with a code computed from it." + passwordRight
	case "NEW_PASSWORD_REQUIRED":
		return summary, "The user must choose a new password (status FORCE_CHANGE_PASSWORD, for example after AdminCreateUser with a temporary password); the provider does not choose passwords. " +
			"Set a permanent password: `aws cognito-idp admin-set-user-password " + f.admin() + " --password <new-password> --permanent`, and set `password` to it." + passwordRight
	case "SMS_MFA", "EMAIL_OTP":
		return summary, "Cognito sent the user a code by SMS or email, which the provider cannot read; each sign-in sends another. " + setUpTOTP(f) + passwordRight
	case "MFA_SETUP":
		return summary, "The user pool requires MFA and the user has none set up. " + setUpTOTP(f) + passwordRight
	case "SELECT_MFA_TYPE":
		return summary, "The user has more than one MFA method and no preferred one, so Cognito asks which to use. Make the software token preferred: `aws cognito-idp admin-set-user-mfa-preference " + f.admin() +
			" --software-token-mfa-settings Enabled=true,PreferredMfa=true`, and set `totp_secret` to its seed." + passwordRight
	case "CUSTOM_CHALLENGE":
		return summary, "The user pool's custom authentication Lambda triggers (define, create and verify auth challenge) asked a challenge of their own, which the provider cannot answer. " +
			"Let the define-auth-challenge trigger issue tokens after the password for this user, or sign it in with an app client and flow the triggers do not extend."
	case "WEB_AUTHN":
		return summary, "Cognito asked for a passkey, which needs a browser and an authenticator. Set `preferred_challenge` to `PASSWORD_SRP` or `PASSWORD`, or use another `auth_flow`."
	case "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER":
		return summary, "The user pool remembers devices and asked for the key of a device the provider does not have. Set the user pool's device tracking so that new devices are not challenged (DeviceConfiguration ChallengeRequiredOnNewDevice = false), or turn it off." + passwordRight
	}
	return summary, fmt.Sprintf("Cognito asked for the challenge %s, which the provider does not answer: it answers PASSWORD_VERIFIER (SRP), SOFTWARE_TOKEN_MFA (with `totp_secret`) and, for `USER_AUTH`, SELECT_CHALLENGE. "+
		"Change the user's or the user pool's settings so that a password (and TOTP) is enough for this user. Auth flow: %s.", e.Code, f.flow)
}

// addNotRevokedWarning warns that a sign-in's tokens are left valid, and
// why (because, mid-sentence).
func addNotRevokedWarning(diags *diag.Diagnostics, at path.Path, because string, rev revocation) {
	diags.AddAttributeWarning(at, "Refresh token not revoked", "The refresh token of the sign-in was not revoked at close: "+because+". "+leftValid(rev))
}

// addRevokeWarning words a failed RevokeToken as a warning.
func addRevokeWarning(diags *diag.Diagnostics, at path.Path, err error, rev revocation) {
	var e *failure.Error
	if !errors.As(err, &e) {
		addNotRevokedWarning(diags, at, "RevokeToken failed unexpectedly", rev)
		return
	}
	var why string
	switch e.Reason {
	case failure.RevocationNotEnabled:
		why = "token revocation is off for the app client (EnableTokenRevocation). Turn it on (`aws cognito-idp update-user-pool-client ... --enable-token-revocation`, repeating the client's other settings), or set `revoke_on_close = false` to stop trying"
	case failure.ClientSecretRejected, failure.ClientRejected:
		why = "Cognito did not accept the app client's credentials for RevokeToken (`client_id`, and `client_secret` when the client has one)"
	default:
		summary, detail := signInText(e, signInFacts{poolID: rev.userPoolID, username: rev.username})
		why = "RevokeToken failed: " + summary + ". " + detail
	}
	addNotRevokedWarning(diags, at, why, rev)
}

// leftValid says what a sign-in whose refresh token was not revoked left
// valid, and how to end it.
func leftValid(rev revocation) string {
	until := "until they expire"
	if rev.accessExpiresAt != "" {
		until = "until " + rev.accessExpiresAt + " (the ID token until its `exp`)"
	}
	text := "Left valid: the refresh token, until it expires (the app client's refresh-token validity, 30 days unless changed), and the access and ID tokens, " + until + ". "
	if rev.userPoolID == "" {
		return text + "To end every session of the user now: `aws cognito-idp admin-user-global-sign-out --user-pool-id <pool-id> --username <username>`."
	}
	return text + "To end every session of the user now: `aws cognito-idp admin-user-global-sign-out --user-pool-id " + shellQuote(rev.userPoolID) + " --username " + shellQuote(rev.username) + "`."
}
