package provider

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// What cognito_refreshed_tokens says when GetTokensFromRefreshToken fails.

// refreshWording words a failed refresh on its attribute.
var refreshWording = failureWording{
	text:         refreshText,
	attributes:   refreshAttributes,
	unclassified: [2]string{"Token refresh failed", "Unexpected failure refreshing Cognito tokens."},
}

// refreshAttributes are the refreshed-tokens attributes of each input.
var refreshAttributes = map[failure.Input]string{
	failure.RefreshToken: "refresh_token",
	failure.ClientID:     "client_id",
	failure.ClientSecret: "client_secret",
	failure.DeviceKey:    "device_key",
}

// refreshText words a failed refresh (GetTokensFromRefreshToken).
func refreshText(e *failure.Error) (summary, detail string) {
	summary, detail, ok := sharedText(e, cognitoSpeaker)
	if !ok {
		summary, detail = cognitoText(e)
	}
	// Throttling's own wording says how long it lasted.
	return summary, withAftermath(e, detail, e.Reason == failure.Throttled)
}

// howToGetADeviceKey says where a confirmed device key comes from.
const howToGetADeviceKey = " A device key comes from the sign-in that issued the refresh token (`AuthenticationResult.NewDeviceMetadata.DeviceKey`) and works once the app confirms it with ConfirmDevice; AWS SDKs and Amplify store it with the tokens."

const throttlingAdvice = "Cognito's request-rate quotas apply per category of operation, shared by every user pool and app client of the AWS account in the region: " +
	"lower Terraform's `-parallelism`, raise the provider's `max_retries` and `timeout`, or request a quota increase in the Service Quotas console."

// cognitoText words Cognito's own answers.
func cognitoText(e *failure.Error) (summary, detail string) {
	cognitoSays := fmt.Sprintf("Cognito says: %q.", e.Message)
	switch e.Reason {
	case failure.ClientSecretRejected:
		return "Client secret missing or wrong", cognitoSays + " If the app client has a client secret, set `client_secret` to it; if it has none, remove `client_secret`."
	case failure.DeviceKeyRejected:
		return "Device key not accepted", cognitoSays + " Set `device_key` to the key of a device confirmed (ConfirmDevice) for the user who owns the refresh token." + howToGetADeviceKey
	case failure.RefreshTokenInvalid:
		// Cognito gives this answer for a device key too (cognito's
		// classifyNotAuthorized): name both.
		detail = cognitoSays + " The refresh token is invalid or was issued to another app client. Sign in again to get a new refresh token and update `refresh_token`."
		if e.DeviceKeySent {
			return "Refresh token not accepted", detail + "\n\nCognito gives the same answer when the user pool remembers devices and `device_key` is not a device confirmed (ConfirmDevice) for this user: check that the device was confirmed after the sign-in that issued it." + howToGetADeviceKey
		}
		return "Refresh token not accepted", detail + "\n\nCognito gives the same answer when the user pool remembers devices and no device key is sent: set `device_key` to the key of a device confirmed (ConfirmDevice) for this user." + howToGetADeviceKey
	case failure.UserDisabled:
		return "User disabled", cognitoSays + " The user this refresh token belongs to is disabled in the user pool. An administrator must enable the user again (AdminEnableUser); a new sign-in does not help while the user is disabled."
	case failure.RefreshTokenRejected:
		return "Refresh token not accepted", cognitoSays + " The refresh token is invalid, expired, revoked, or was issued to another app client. Sign in again to get a new refresh token and update `refresh_token`."
	case failure.RefreshTokenReused:
		detail = cognitoSays + " The app client rotates refresh tokens: every refresh returns `new_refresh_token` and the presented token stops working once the client's grace period (0-60 seconds) is over. "
		if e.Attempts > 1 {
			detail += fmt.Sprintf("This refresh took %s: an earlier attempt may already have rotated the token and its answer was lost (timeout, reset connection or server error). ", attemptsMade(e.Attempts)) + lostAnswerAdvice + " "
		}
		return "Refresh token already rotated", detail + "Terraform opens an ephemeral resource at plan and again at apply (OpenTofu does so when the apply uses its values), and runs overlap, so a token given in `refresh_token` is soon presented after it was rotated. " +
			"Use `refresh_token_store` (a file or a Secrets Manager secret) instead: the provider then stores each rotated token before returning, and every run reads the current one. " +
			"Sign in again to get a valid refresh token, and put it into the store."
	case failure.ClientNotFound:
		return "App client not found", fmt.Sprintf("Cognito has no app client with this `client_id` in region %s. Check `client_id` and that `region` is the user pool's region.", e.Region)
	case failure.UserNotFound:
		return "User not found", "The user this refresh token belongs to no longer exists in the user pool (or is not confirmed). Sign in again as an existing user to get a new refresh token."
	case failure.Throttled:
		if e.Persisted {
			return "Cognito throttled the request", fmt.Sprintf("%s Cognito kept throttling for the provider's whole `timeout` of %s: it gave up after %s with exponential backoff (a random wait of up to %s between attempts). %s",
				cognitoSays, e.Timeout, attemptsMade(e.Attempts), retrypolicy.MaxBackoff, throttlingAdvice)
		}
		return "Cognito throttled the request", fmt.Sprintf("%s Cognito throttled every attempt: %s with exponential backoff (a random wait of up to %s between attempts)%s. %s",
			cognitoSays, attemptsMade(e.Attempts), retrypolicy.MaxBackoff, bound(e), throttlingAdvice)
	case failure.InternalError:
		return "Cognito internal error", fmt.Sprintf("%s Amazon Cognito failed internally; the request was retried with backoff (%s). Try again later; check the AWS Health Dashboard if it persists.", cognitoSays, attemptsMade(e.Attempts))
	case failure.InvalidParameter:
		return "Cognito rejected a parameter", cognitoSays + " Check the values of `refresh_token`, `client_id`, `client_secret`, `device_key` and `client_metadata`, and the app client's settings."
	case failure.BlockedByFirewall:
		return "Request blocked by AWS WAF", cognitoSays + " An AWS WAF web ACL associated with the user pool blocked the request. Check the web ACL's rules (for example IP sets or rate limits) for the address Terraform runs from."
	case failure.OperationNotEnabled:
		return "Operation not available for this user pool", fmt.Sprintf("%s Cognito does not offer GetTokensFromRefreshToken in region %s or for this user pool's configuration; for example, it is not available in a secondary (replica) region of a multi-region user pool. "+
			"Send the request to the user pool's primary region (`region`, in the provider block or on this resource) and check the user pool's configuration. Refresh-token rotation settings do not cause this error.", cognitoSays, e.Region)
	case failure.TriggerInvalidResponse:
		return "A Lambda trigger returned an invalid response", cognitoSays + " A Lambda trigger of the user pool (for example pre token generation) answered in a form Cognito does not accept. Fix the trigger's response; `client_metadata` is passed to it."
	case failure.TriggerFailed:
		return "A Lambda trigger failed", cognitoSays + " Cognito could not run a Lambda trigger of the user pool (error, timeout or missing permission). Check the trigger function's logs and its invoke permission for Cognito."
	case failure.TriggerRejected:
		return "A Lambda trigger rejected the request", cognitoSays + " A Lambda trigger of the user pool refused to issue tokens. Its message says why; `client_metadata` is passed to it."
	case failure.Unavailable:
		return "Cognito is unavailable", fmt.Sprintf("%s answered HTTP %d (%s). Try again later.", endpointText(e), e.Status, attemptsMade(e.Attempts))
	case failure.Unreadable:
		return "Unexpected response from Cognito", fmt.Sprintf("The answer from %s could not be read as a Cognito response (%s). If an endpoint override or proxy is in use, check that it forwards Cognito's responses unchanged.",
			endpointText(e), attemptsMade(e.Attempts))
	case failure.Incomplete:
		return "Unexpected response from Cognito", "Cognito answered without " + cognitoParts[e.Missing] + ". This is not expected from Amazon Cognito; if an endpoint override or proxy is in use, check that it forwards Cognito's responses unchanged."
	case failure.NoRegion:
		return "No AWS region configured", "Set `region` in the provider block (or on this resource), or set the AWS_REGION (or AWS_DEFAULT_REGION) environment variable."
	default:
		return "Cognito returned an error", fmt.Sprintf("%s (%s, %s).", cognitoSays, e.Code, attemptsMade(e.Attempts))
	}
}

// cognitoParts words what an Incomplete Cognito answer lacked, in the
// API's terms.
var cognitoParts = map[failure.Part]string{
	failure.AuthenticationResult:       "an AuthenticationResult",
	failure.ClientAuthenticationResult: "a ClientAuthenticationResult",
	failure.AccessToken:                "an access token",
	failure.IDToken:                    "an ID token",
	failure.ExpiresIn:                  "a positive ExpiresIn",
	failure.AccessTokenJWT:             "an access token in JWT form",
	failure.RefreshTokenPart:           "a refresh token",
	failure.SRPChallenge:               "usable SRP challenge parameters (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP)",
}

// bound names the policy's limits, when the retries ran out before them.
func bound(e *failure.Error) string {
	if e.MaxAttempts == 0 {
		return ""
	}
	return fmt.Sprintf("; the provider allows %d attempts (`max_retries` + 1) within its `timeout` of %s", e.MaxAttempts, e.Timeout)
}

// addTooShortValidity: the tokens would expire before min_remaining_validity.
func addTooShortValidity(diags *diag.Diagnostics, tokens cognito.Tokens, minValidity time.Duration) {
	left := max(tokensLast(tokens, now()), 0).Round(time.Second)
	diags.AddAttributeError(path.Root(minValidityAttr), "Tokens expire too soon",
		fmt.Sprintf("The tokens stay valid for %s, less than `min_remaining_validity` (%s). Cognito issues access tokens valid for the app client's access-token validity (AccessTokenValidity; this one's are valid for %d seconds) and ID tokens for its ID-token validity. "+
			"Raise those validities on the app client, or lower `min_remaining_validity`.", left, minValidity, tokens.ExpiresIn))
}
