package provider

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/tokenstore"
)

// The one place that words failures for users: the wire packages classify
// (failure.Error), this file says what happened and what
// to do, on the attribute the failure is about.

// speaker is how a diagnostic names a token source.
type speaker struct {
	// name is the source mid-sentence, title at the start of a summary.
	name, title string
	// answer is what a timed-out request got none of.
	answer string
	// cancelled is the summary of a cancelled request.
	cancelled string
	// checkReach is the advice when the source was not reached.
	checkReach string
}

var (
	cognitoSpeaker = speaker{name: "Cognito", title: "Cognito", answer: "answer", cancelled: "Token refresh cancelled",
		checkReach: "Check the region, `endpoint` and network access."}
	tokenEndpointSpeaker = speaker{name: "the token endpoint", title: "The token endpoint", answer: "token", cancelled: "Token request cancelled",
		checkReach: "Check `domain` or `token_url` and network access."}
)

// refreshAttributes are the refreshed-tokens attributes of each input.
var refreshAttributes = map[failure.Input]string{
	failure.RefreshToken: "refresh_token",
	failure.ClientID:     "client_id",
	failure.ClientSecret: "client_secret",
	failure.DeviceKey:    "device_key",
}

// Shared by the token endpoint's diagnostics for answers that are not
// Cognito's.
const (
	unexpectedTokenAnswer = "Unexpected response from the token endpoint"
	forwardsUnchanged     = "check that it forwards Cognito's responses unchanged."
)

func addRefreshError(diags *diag.Diagnostics, err error) {
	var refreshErr *failure.Error
	if !errors.As(err, &refreshErr) {
		diags.AddError("Token refresh failed", "Unexpected failure refreshing Cognito tokens.")
		return
	}
	summary, detail := refreshText(refreshErr)
	addScoped(diags, refreshAttributes[refreshErr.Input], summary, detail)
}

// addClientCredentialsError puts a token endpoint's failure on its input;
// a failure about the URL lands on whichever of `domain` and `token_url`
// is set (endpointAttribute).
func addClientCredentialsError(diags *diag.Diagnostics, err error, endpointAttribute string) {
	var tokenErr *failure.Error
	if !errors.As(err, &tokenErr) {
		diags.AddError("Token request failed", "Unexpected failure requesting a Cognito client-credentials token.")
		return
	}
	// The inputs GetClientToken shares, plus the endpoint attribute.
	attributes := maps.Clone(clientTokenAttributes)
	attributes[failure.TokenURL] = endpointAttribute
	summary, detail := clientCredentialsText(tokenErr)
	addScoped(diags, attributes[tokenErr.Input], summary, detail)
}

// clientTokenAttributes are the cognito_client_credentials_token
// attributes of each GetClientToken input.
var clientTokenAttributes = map[failure.Input]string{
	failure.ClientID:     "client_id",
	failure.ClientSecret: "client_secret",
	failure.Scopes:       "scopes",
}

// addClientTokenError adds the diagnostic for a failed GetClientToken.
func addClientTokenError(diags *diag.Diagnostics, err error) {
	var e *failure.Error
	if !errors.As(err, &e) {
		diags.AddError("Token request failed", "Unexpected failure calling Cognito's GetClientToken.")
		return
	}
	summary, detail := clientTokenText(e)
	addScoped(diags, clientTokenAttributes[e.Input], summary, detail)
}

// clientTokenFailureFields describe a failed GetClientToken for the DEBUG
// log by its classification, never by the cause's text.
func clientTokenFailureFields(err error) map[string]any {
	var e *failure.Error
	if !errors.As(err, &e) {
		return map[string]any{"error_type": fmt.Sprintf("%T", err)}
	}
	summary, _ := clientTokenText(e)
	return map[string]any{"summary": summary, "error_code": e.Code, "status": e.Status, "attempts": e.Attempts, "request_id": e.RequestID}
}

// makeClientTokenTheOnlyFlow is the exact advice for a client GetClientToken
// refuses for its auth flows.
const makeClientTokenTheOnlyFlow = "Without `domain` or `token_url`, the provider calls Cognito's GetClientToken, which needs an app client with a client secret whose only auth flow is ALLOW_CLIENT_TOKEN_AUTH (it cannot be combined with user sign-in flows). " +
	"Make it the only flow: `aws cognito-idp update-user-pool-client --user-pool-id <pool-id> --client-id <client-id> --explicit-auth-flows ALLOW_CLIENT_TOKEN_AUTH` " +
	"(the command resets every setting it is not given: repeat the client's scopes and other settings), or `explicit_auth_flows = [\"ALLOW_CLIENT_TOKEN_AUTH\"]` on an `aws_cognito_user_pool_client`. " +
	"To use the user pool's OAuth token endpoint instead, set `domain`."

// clientTokenText words a failed GetClientToken: the errors of its API
// reference, and the client settings told by Cognito's message
// (cognito.classifyClientTokenError).
func clientTokenText(e *failure.Error) (summary, detail string) {
	summary, detail, ok := sharedText(e, cognitoSpeaker)
	if !ok {
		summary, detail = clientTokenAnswerText(e)
	}
	return summary, withAftermath(e, detail, e.Reason == failure.Throttled)
}

func clientTokenAnswerText(e *failure.Error) (summary, detail string) {
	cognitoSays := fmt.Sprintf("Cognito says: %q.", e.Message)
	switch e.Reason {
	case failure.GrantNotAllowed:
		return "App client not set up for GetClientToken", cognitoSays + " " + makeClientTokenTheOnlyFlow
	case failure.ClientSecretRejected:
		return "Client secret not accepted", cognitoSays + " Set `client_secret` to the app client's current secret. GetClientToken needs an app client with a client secret: a client without one cannot get machine tokens, so create one with a secret (`--generate-secret`)."
	case failure.ScopeNotAllowed:
		return "Scope not allowed", cognitoSays + " Every entry of `scopes` must be a custom scope `<resource-server-identifier>/<scope-name>` of a resource server of this user pool, and allowed for the app client (AllowedOAuthScopes). " +
			"Without `scopes`, Cognito grants every scope the app client is allowed, and fails when it has none."
	case failure.ClientRejected:
		return "Client credentials not accepted", fmt.Sprintf("%s Check that `client_id` names an app client of the user pool in region %s and that `client_secret` is its current secret (a rotated or deleted secret stops working).", cognitoSays, e.Region)
	case failure.InvalidParameter:
		return "Cognito rejected a parameter", cognitoSays + " Check `client_id`, `client_secret` (an app client secret is 24 to 64 characters), `scopes` and `client_metadata`."
	case failure.OperationNotEnabled:
		return "GetClientToken not available for this user pool", fmt.Sprintf("%s Cognito does not offer GetClientToken in region %s or for this user pool's configuration; for example, it is not available in a secondary (replica) region of a multi-region user pool. "+
			"Set the provider's `region` to the user pool's primary region, or set `domain` to use the user pool's OAuth token endpoint instead.", cognitoSays, e.Region)
	case failure.BlockedByFirewall:
		return "Request blocked by AWS WAF", cognitoSays + " An AWS WAF web ACL associated with the user pool blocked the GetClientToken request. Check the web ACL's rules (for example IP sets or rate limits) for the address Terraform runs from."
	}
	return cognitoText(e)
}

func addScoped(diags *diag.Diagnostics, attribute, summary, detail string) {
	if attribute == "" {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(path.Root(attribute), summary, detail)
}

// failureFields describe a failed token request for the DEBUG log by status,
// OAuth error code and body length, never by the body or the cause's text:
// x/oauth2's RetrieveError.Error() holds the whole body, and a proxy may
// echo the Authorization header (the client's credentials) in it.
func failureFields(err error) map[string]any {
	var tokenErr *failure.Error
	if !errors.As(err, &tokenErr) {
		return map[string]any{"error_type": fmt.Sprintf("%T", err)}
	}
	summary, _ := clientCredentialsText(tokenErr)
	return map[string]any{
		"summary":     summary,
		"status":      tokenErr.Status,
		"error_code":  tokenErr.Code,
		"body_length": tokenErr.BodyLength,
		"attempts":    tokenErr.Attempts,
	}
}

// causeText is a string, never an error value: tflog masks only strings.
// A classified error's cause is scrubbed (failure.Error's Cause), which also
// catches truncated copies of a secret; one without a cause (a store found
// empty) logs its facts.
func causeText(err error) string {
	if classified := (*failure.Error)(nil); maskLogs && errors.As(err, &classified) && classified.Unwrap() != nil {
		return classified.Cause()
	}
	if cause := errors.Unwrap(err); cause != nil {
		return cause.Error()
	}
	return err.Error()
}

// withAftermath adds what every failed request's detail ends with: that the
// answer lasted until the timeout (unless the detail already says so), and
// the AWS request ID.
func withAftermath(e *failure.Error, detail string, persistenceSaid bool) string {
	if e.Persisted && !persistenceSaid {
		detail += persisted(e.Timeout)
	}
	if e.RequestID != "" && e.Reason != failure.Incomplete {
		detail += "\n\nAWS request ID: " + e.RequestID
	}
	return detail
}

// persisted says that the last answer lasted until the timeout ran out.
func persisted(timeout time.Duration) string {
	return fmt.Sprintf(" This persisted for the provider's whole `timeout` of %s, retries included: raise `timeout` to wait longer.", timeout)
}

// sharedText words the reasons both token sources word alike.
func sharedText(e *failure.Error, s speaker) (summary, detail string, ok bool) {
	switch e.Reason {
	case failure.Canceled:
		return s.cancelled, "The request to " + s.name + " was cancelled before it finished (for example by Ctrl-C).", true
	case failure.Timeout:
		return s.title + " did not answer in time", fmt.Sprintf("No %s from %s within %s (%s). Check network access to the endpoint, or raise the provider's `timeout`.",
			s.answer, e.Endpoint, e.Timeout, redact.AttemptsMade(e.Attempts)), true
	case failure.AttemptTimeout:
		return s.title + " did not answer in time", fmt.Sprintf("%s sent nothing for %s at a time (%s; an attempt that waits that long is abandoned and retried). Check network access to the endpoint.",
			e.Endpoint, e.AttemptTimeout, redact.AttemptsMade(e.Attempts)), true
	case failure.Unreachable:
		return "Could not reach " + s.name, fmt.Sprintf("No usable answer from %s (%s): %s.%s %s",
			e.Endpoint, redact.AttemptsMade(e.Attempts), e.RootCause, shortBudget(e), s.checkReach), true
	}
	return "", "", false
}

// shortBudget explains why a request that reached no server stopped early.
func shortBudget(e *failure.Error) string {
	if !e.NeverReached {
		return ""
	}
	return fmt.Sprintf(" The request reached no server (refused connection, unknown host, no route or rejected certificate): such a request is tried at most %d times.", retrypolicy.UnreachableAttempts)
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
			detail += fmt.Sprintf("This refresh took %s: an earlier attempt may already have rotated the token and its answer was lost (timeout, reset connection or server error). ", redact.AttemptsMade(e.Attempts)) + lostAnswerAdvice + " "
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
				cognitoSays, e.Timeout, redact.AttemptsMade(e.Attempts), retrypolicy.MaxBackoff, throttlingAdvice)
		}
		return "Cognito throttled the request", fmt.Sprintf("%s Cognito throttled every attempt: %s with exponential backoff (a random wait of up to %s between attempts)%s. %s",
			cognitoSays, redact.AttemptsMade(e.Attempts), retrypolicy.MaxBackoff, bound(e), throttlingAdvice)
	case failure.InternalError:
		return "Cognito internal error", fmt.Sprintf("%s Amazon Cognito failed internally; the request was retried with backoff (%s). Try again later; check the AWS Health Dashboard if it persists.", cognitoSays, redact.AttemptsMade(e.Attempts))
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
		return "Cognito is unavailable", fmt.Sprintf("%s answered HTTP %d (%s). Try again later.", e.Endpoint, e.Status, redact.AttemptsMade(e.Attempts))
	case failure.Unreadable:
		return "Unexpected response from Cognito", fmt.Sprintf("The answer from %s could not be read as a Cognito response (%s). If an endpoint override or proxy is in use, check that it forwards Cognito's responses unchanged.",
			e.Endpoint, redact.AttemptsMade(e.Attempts))
	case failure.Incomplete:
		return "Unexpected response from Cognito", "Cognito answered without " + e.Missing + ". This is not expected from Amazon Cognito; if an endpoint override or proxy is in use, check that it forwards Cognito's responses unchanged."
	case failure.NoRegion:
		return "No AWS region configured", "Set `region` in the provider block (or on this resource), or set the AWS_REGION (or AWS_DEFAULT_REGION) environment variable."
	default:
		return "Cognito returned an error", fmt.Sprintf("%s (%s, %s).", cognitoSays, e.Code, redact.AttemptsMade(e.Attempts))
	}
}

// bound names the policy's limits, when the retries ran out before them.
func bound(e *failure.Error) string {
	if e.MaxAttempts == 0 {
		return ""
	}
	return fmt.Sprintf("; the provider allows %d attempts (`max_retries` + 1) within its `timeout` of %s", e.MaxAttempts, e.Timeout)
}

// clientCredentialsText words a failed client-credentials token request.
func clientCredentialsText(e *failure.Error) (summary, detail string) {
	summary, detail, ok := sharedText(e, tokenEndpointSpeaker)
	if !ok {
		summary, detail = tokenEndpointText(e)
	}
	return summary, withAftermath(e, detail, false)
}

// tokenEndpointText words the token endpoint's answers: the OAuth 2.0
// error codes of Cognito's token endpoint (AWS developer guide, "The token
// issuer endpoint", and RFC 6749 §5.2) and the HTTP faults seen without one.
func tokenEndpointText(e *failure.Error) (summary, detail string) {
	endpointSays := fmt.Sprintf("The token endpoint answered HTTP %d %q", e.Status, e.Code)
	if e.Message != "" {
		endpointSays += fmt.Sprintf(" (%q)", e.Message)
	}
	endpointSays += "."
	switch e.Reason {
	case failure.ClientRejected:
		return "Client credentials not accepted", endpointSays + " Cognito could not authenticate the app client: check that `client_id` names an app client of this user pool and that `client_secret` is its current secret (a rotated or regenerated secret stops working)."
	case failure.GrantNotAllowed:
		return "App client may not use the client-credentials grant", endpointSays + " In the app client's settings, enable the OAuth 2.0 grant type \"Client credentials\" " +
			"(AllowedOAuthFlows = [\"client_credentials\"] with AllowedOAuthFlowsUserPoolClient = true; in the AWS provider `allowed_oauth_flows` and `allowed_oauth_flows_user_pool_client`), " +
			"make sure the client has a client secret, and allow it at least one custom scope of a resource server."
	case failure.ScopeNotAllowed:
		return "Scope not allowed", endpointSays + " Every entry of `scopes` must be a custom scope `<resource-server-identifier>/<scope-name>` of a resource server of this user pool, and allowed for the app client (AllowedOAuthScopes). " +
			"Without `scopes`, Cognito grants every custom scope the app client is allowed, and fails when it has none."
	case failure.GrantRefused:
		return "Grant refused", endpointSays + " Cognito refused to issue a token for this grant. Request only custom scopes of resource servers in `scopes` (OpenID and user-attribute scopes are for users, not machines), and check the app client's settings."
	case failure.GrantUnsupported:
		return "Endpoint does not support the client-credentials grant", endpointSays + " The URL does not look like a Cognito user pool's token endpoint: set `domain` to the user pool's domain (`<prefix>.auth.<region>.amazoncognito.com` or its custom domain) or `token_url` to `https://<domain>/oauth2/token`."
	case failure.RequestMalformed:
		return "Token request rejected as malformed", endpointSays + " Cognito did not accept the request's form. If `token_url` points at a proxy, check that it forwards the request body and the Authorization header unchanged; otherwise check `client_metadata`."
	case failure.Throttled:
		return "Cognito throttled the token request", fmt.Sprintf("%s answered HTTP 429 (%s). Client-credentials requests share a per-account rate quota: raise the provider's `max_retries`, lower Terraform's `-parallelism`, reuse one token for several providers, or ask AWS to raise the quota.",
			e.Endpoint, redact.AttemptsMade(e.Attempts))
	case failure.Unavailable:
		return "The token endpoint is unavailable", fmt.Sprintf("%s answered HTTP %d (%s). Try again later; check the AWS Health Dashboard if it persists.", e.Endpoint, e.Status, redact.AttemptsMade(e.Attempts))
	case failure.NoTokenEndpoint:
		return "No token endpoint at this URL", fmt.Sprintf("%s answered HTTP %d. Set `domain` to the user pool's domain, or `token_url` to `https://<domain>/oauth2/token`.", e.Endpoint, e.Status)
	case failure.UnexpectedStatus:
		return unexpectedTokenAnswer, fmt.Sprintf("%s answered HTTP %d without an OAuth error code (%s). If `token_url` points at a proxy, "+forwardsUnchanged,
			e.Endpoint, e.Status, redact.AttemptsMade(e.Attempts))
	case failure.Unreadable:
		return unexpectedTokenAnswer, fmt.Sprintf("The answer from %s could not be read as an OAuth 2.0 token response (%s): %s. Check that `domain` or `token_url` names a Cognito user pool domain; if it points at a proxy, "+forwardsUnchanged,
			e.Endpoint, redact.AttemptsMade(e.Attempts), e.RootCause)
	case failure.Incomplete:
		return unexpectedTokenAnswer, "The token endpoint answered without " + e.Missing + ". Amazon Cognito always sends one; if `token_url` points at a proxy, " + forwardsUnchanged
	default:
		return "The token endpoint returned an error", fmt.Sprintf("%s (%s).", endpointSays, redact.AttemptsMade(e.Attempts))
	}
}

// The one place that words refresh-token store failures for users. Every
// diagnostic is scoped to the store attribute that is set, names the store
// (tokenstore.Store.Name, never its value), says whether the rotated token
// was lost, and gives the recovery step.

// lostAnswerAdvice: a retry after a lost answer presents a spent token.
const lostAnswerAdvice = "A grace period of 0 cannot survive a lost answer: the retry presents a token Cognito has already spent, and nothing can recover it. " +
	"Set the app client's RetryGracePeriodSeconds to 60 (the most Cognito allows), which covers a retry after the provider's `attempt_timeout` (30 seconds by default) and its backoff."

// putTokenBack is the recovery whenever the chain of tokens is broken, with
// the command for the store in use.
func putTokenBack(store string, cfg storeConfig) string {
	step := fmt.Sprintf("`(umask 077; printf %%s \"$REFRESH_TOKEN\" > %s)`", shellQuote(cfg.file))
	if cfg.file == "" {
		step = fmt.Sprintf("`aws secretsmanager put-secret-value --secret-id %s --secret-string \"$REFRESH_TOKEN\"`", shellQuote(cfg.secretID))
	}
	return "Sign in again (as the user the token belongs to) and put the new refresh token into " + store + ", for example with " + step + "; from then on the provider keeps it current."
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.-:+=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lostAnswerIfRetried: after more than one attempt the first answer may
// have been lost, which only a grace period survives.
func lostAnswerIfRetried(e *failure.Error) string {
	if e.Attempts > 1 {
		return fmt.Sprintf("This refresh took %s, so an answer may have been lost. %s ", redact.AttemptsMade(e.Attempts), lostAnswerAdvice)
	}
	return ""
}

// addStoreCycleError turns a failed store cycle into a diagnostic.
func addStoreCycleError(diags *diag.Diagnostics, err error, store string, cfg storeConfig) {
	at := cfg.attributePath()
	var classified *failure.Error
	switch {
	case errors.As(err, &classified) && classified.Store != "":
		summary, detail := storeErrorText(classified, cfg)
		diags.AddAttributeError(at, summary, detail)
	case errors.As(err, &classified) && classified.Reason == failure.RefreshTokenReused:
		diags.AddAttributeError(at, "Refresh token in the store already rotated",
			fmt.Sprintf("%s holds a refresh token that Cognito has already rotated (RefreshTokenReuseException), and no other run stored a newer one within %s (a run that rotates the token stores it within milliseconds, so the provider waits no longer, whatever `timeout` is). "+
				"The chain of tokens is broken: a run rotated the token and could not store the new one (its answer was lost, or the write failed), or an old token was put into the store. %s%s",
				store, tokenstore.WinnerWait, lostAnswerIfRetried(classified), putTokenBack(store, cfg)))
	case errors.As(err, &classified) && classified.Input == failure.RefreshToken:
		// Cognito refused the token itself: it came from the store.
		summary, detail := refreshText(classified)
		diags.AddAttributeError(at, summary, detail+"\n\nThe refresh token came from "+store+", which is unchanged. "+putTokenBack(store, cfg))
	case errors.As(err, &classified):
		addRefreshError(diags, err)
	default:
		diags.AddAttributeError(at, "Refresh-token store failed", "Unexpected failure of the refresh-token cycle with "+store+".")
	}
}

// addTooShortValidity: the tokens would expire before min_remaining_validity.
func addTooShortValidity(diags *diag.Diagnostics, tokens cognito.Tokens, minValidity time.Duration) {
	left := max(tokensLast(tokens, now()), 0).Round(time.Second)
	diags.AddAttributeError(path.Root(minValidityAttr), "Tokens expire too soon",
		fmt.Sprintf("The tokens stay valid for %s, less than `min_remaining_validity` (%s). Cognito issues access tokens valid for the app client's access-token validity (AccessTokenValidity; this one's are valid for %d seconds) and ID tokens for its ID-token validity. "+
			"Raise those validities on the app client, or lower `min_remaining_validity`.", left, minValidity, tokens.ExpiresIn))
}

// addExposedStoreWarning warns of a token file other users can read.
func addExposedStoreWarning(diags *diag.Diagnostics, store string, cfg storeConfig) {
	diags.AddAttributeWarning(cfg.attributePath(), "Refresh-token file readable by other users",
		fmt.Sprintf("%s can be read by its group or by other users, and it holds a refresh token that signs in as its user. Make it readable by its owner only, for example `chmod 600 %q`. "+
			"The provider writes it with mode 0600 after each rotation.", store, cfg.file))
}

// storeErrorText words one store failure: what happened, whether the
// rotated token was lost, and what to do.
func storeErrorText(e *failure.Error, cfg storeConfig) (summary, detail string) {
	secretsManager := cfg.file == ""
	op := "Reading the refresh token from"
	switch e.Op {
	case "write":
		op = "Writing the rotated refresh token to"
	case "check":
		op = "Checking, before calling Cognito, that the rotated token can be written to"
	case "lock":
		op = "Locking"
	}
	what, fix := storeReasonText(e, secretsManager)
	summary = "Refresh-token store: " + what
	detail = fmt.Sprintf("%s %s failed: %s", op, e.Store, what)
	if e.Code != "" { // printable and value-free (tokenstore classifies)
		detail += " (" + e.Code + ")"
	}
	if e.Attempts > 1 {
		detail += ", " + redact.AttemptsMade(e.Attempts)
	}
	detail += ". " + versionQuotaFacts(e) + fix
	if e.Op == "lock" {
		detail += " Before calling Cognito the provider locks the file (through a `.lock` file beside it) and checks that its directory takes new files, so that a rotated token can always be written back."
	}
	if e.PendingVersion != "" {
		// Not lost: the token is in a version that only needs the label.
		summary += "; new refresh token kept in a pending version"
		detail += "\n\n" + pendingVersionText(e, cfg)
		return summary, detail
	}
	if e.SavedIn != "" {
		summary += "; new refresh token kept in another file"
		detail += fmt.Sprintf("\n\nCognito rotated the token; the new refresh token was not lost: it is in %q. Move that file over the store's file (for example `%s`) before the next run, "+
			"which would otherwise present the spent token.", e.SavedIn, moveFileCommand(runtime.GOOS, e.SavedIn, cfg.file))
	} else if e.TokenLost {
		summary += "; new refresh token lost"
		detail += "\n\nThe new refresh token was lost: Cognito had already rotated the token, so the one in the store stops working (at once, or after the app client's grace period), and the new one could not be stored. " +
			putTokenBack(e.Store, cfg)
	} else if e.Op != "write" {
		detail += "\n\nNothing was spent: Cognito was not called, and the token in the store is unchanged."
	}
	return summary, detail
}

// moveFileCommand moves from over to in the usual shell of goos. On Windows
// that is PowerShell, whose mv (Move-Item) refuses to overwrite without
// -Force and whose single quotes take a path as it is.
func moveFileCommand(goos, from, to string) string {
	if goos == "windows" {
		quote := func(p string) string { return "'" + strings.ReplaceAll(p, "'", "''") + "'" }
		return "Move-Item -Force -LiteralPath " + quote(from) + " -Destination " + quote(to)
	}
	return fmt.Sprintf("mv %q %q", from, to)
}

// versionQuotaFacts says how full the secret is, for VersionQuota.
func versionQuotaFacts(e *failure.Error) string {
	if e.Reason != failure.VersionQuota || e.Versions == 0 {
		return ""
	}
	text := fmt.Sprintf("The secret holds %d versions that Secrets Manager will not remove yet (created in the last 24 hours, or labelled); "+
		"the provider rotates only while fewer than %d are held, leaving %d of the %d for runs writing at the same time. ",
		e.Versions, tokenstore.SecretVersionQuota-tokenstore.VersionReserve, tokenstore.VersionReserve, tokenstore.SecretVersionQuota)
	if !e.VersionsFreeAt.IsZero() {
		text += "Enough of them turn 24 hours old at " + e.VersionsFreeAt.UTC().Format("2006-01-02 15:04 UTC") + ". "
	}
	return text
}

// pendingVersionText says where the new token is after a failed swap, and
// the exact command that makes it current. Version IDs are not secrets.
func pendingVersionText(e *failure.Error, cfg storeConfig) string {
	text := fmt.Sprintf("The new refresh token is not lost: it is in version %s of %s (staging label `%s`), but `AWSCURRENT` is still on version %s, whose token Cognito has already rotated. "+
		"The next run moves `AWSCURRENT` to it by itself once `secretsmanager:UpdateSecretVersionStage` succeeds; to do it now, run (with `--region` if the secret is not in your default region):\n\n",
		e.PendingVersion, e.Store, tokenstore.PendingStage, e.CurrentVersion)
	return text + "    aws secretsmanager update-secret-version-stage --secret-id " + cfg.secretID +
		" --version-stage AWSCURRENT --move-to-version-id " + e.PendingVersion + " --remove-from-version-id " + e.CurrentVersion
}

// storeReasonText is the reason's wording and its recovery step.
func storeReasonText(e *failure.Error, secretsManager bool) (what, fix string) {
	switch e.Reason {
	case failure.NotFound:
		if secretsManager {
			return "secret not found", "Secrets Manager has no such secret in this region, or it is scheduled for deletion. Check `secretsmanager_secret_id` and the region (an ARN's, else `region`, else the provider's), " +
				"or create the secret with the refresh token from the user's sign-in as its value (`aws secretsmanager create-secret --name <name> --secret-string file://<token-file>`)."
		}
		return "file not found", "Check `file` (a relative path is relative to the directory Terraform or OpenTofu runs in), " +
			"or create the file with the refresh token from the user's sign-in as its only line, readable by its owner only (mode 0600)."
	case failure.Empty:
		return "no refresh token in the store", "Put the refresh token from the user's sign-in into the store, as the whole value."
	case failure.Malformed:
		return "the store does not hold a refresh token", "The value must be the refresh token alone (letters, digits and `-_=.`; surrounding white space is ignored), " +
			"not a JSON document, a binary secret or a file larger than 1 MiB. Put the plain refresh token into the store."
	case failure.AccessDenied:
		if secretsManager {
			return "access denied", "The AWS identity in use lacks a permission on the secret: `secretsmanager:GetSecretValue` and `secretsmanager:ListSecretVersionIds` to read; `secretsmanager:PutSecretValue` and `secretsmanager:UpdateSecretVersionStage` to store a rotated token; " +
				"with a customer managed KMS key also `kms:Decrypt` and `kms:GenerateDataKey` on that key. Grant them (IAM policy or the secret's resource policy) and run again."
		}
		return "permission denied", "The provider must be able to read the file and, to store a rotated token, to create files in its directory (a `.lock` file and a temporary file renamed over it). Fix the permissions."
	case failure.NoCredentials:
		return "no AWS credentials", "The Secrets Manager store needs AWS credentials (Cognito does not), found by the AWS SDK's default chain: the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables, AWS_PROFILE with the shared config and credentials files, SSO, web identity, or an EC2 or ECS role. " +
			"Provide credentials to the Terraform or OpenTofu run (for example `aws sso login` and AWS_PROFILE)."
	case failure.InvalidCredentials:
		return "AWS refused the credentials", "The credentials found (by the AWS SDK's default chain) are unknown, expired or do not sign correctly. Refresh them (for example `aws sso login`) or check which profile or environment variables the run uses."
	case failure.Unreachable:
		if secretsManager {
			return "Secrets Manager unreachable", "No usable answer after every retry (network failure or server errors). Check network access to Secrets Manager in the secret's region, and AWS_ENDPOINT_URL_SECRETS_MANAGER if set, then run again."
		}
		return "file unreachable", "The file system failed. Check the file's volume and run again."
	case failure.Throttled:
		return "Secrets Manager throttled the requests", "Secrets Manager kept throttling after every retry. Lower Terraform's `-parallelism` or the number of runs sharing the secret, raise the provider's `max_retries` and `timeout`, or request a quota increase."
	case failure.Timeout:
		if e.Op == "write" {
			return "the store did not answer in time", fmt.Sprintf("The write of a rotated token runs for up to %s, a fixed bound that holds even past the provider's `timeout` or after Ctrl-C; each request within it follows the provider's `max_retries` and `attempt_timeout`. Check access to the store.", tokenstore.WriteBackTimeout)
		}
		return "the store did not answer in time", "It took longer than the provider's `timeout`. Check access to the store, or raise `timeout`."
	case failure.Other:
		if !secretsManager && e.Code == tokenstore.CodeIsDirectory {
			return "the path is a directory", "`file` must name the file that holds the refresh token, not its directory: add the file name to the path."
		}
		if !secretsManager && e.Code == tokenstore.CodeNotRegularFile {
			return "the path is not a regular file", "`file` names a FIFO, socket or device; the provider reads and replaces only a regular file (or a symlink to one). Point `file` at a regular file holding the refresh token."
		}
		return "unexpected failure", "Check the store and run again; the provider's DEBUG log (TF_LOG=DEBUG) has the cause."
	case failure.Canceled:
		return "cancelled", "The run was cancelled (for example by Ctrl-C) before the store answered. Run again."
	case failure.VersionQuota:
		return "Secrets Manager version quota reached", "Every rotation writes a version of the secret, and Secrets Manager keeps each version for 24 hours, " +
			fmt.Sprintf("%d per secret at most. To go on: wait for older versions to turn 24 hours old; ", tokenstore.SecretVersionQuota) +
			"let runs reuse the stored token set (the default reuses it while half its lifetime is left; leave `min_remaining_validity` unset or below that); open the resource fewer times per run (fewer `for_each` instances or runs sharing the secret); " +
			"or, for frequent runs on one machine, use a `file` store, which has no quota."
	default:
		return "unexpected failure", "Check the store and run again; the provider's DEBUG log (TF_LOG=DEBUG) has the cause."
	}
}
