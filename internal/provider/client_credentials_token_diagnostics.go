package provider

import (
	"fmt"
	"maps"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// What cognito_client_credentials_token says when the token endpoint or
// GetClientToken fails.

var tokenEndpointSpeaker = speaker{name: "the token endpoint", title: "The token endpoint", answer: "token", cancelled: "Token request cancelled",
	checkReach: "Check `domain` or `token_url` and network access."}

// Shared by the token endpoint's diagnostics for answers that are not
// Cognito's.
const (
	unexpectedTokenAnswer = "Unexpected response from the token endpoint"
	forwardsUnchanged     = "check that it forwards Cognito's responses unchanged."
)

// clientCredentialsWording words a token endpoint's failure on its input;
// a failure about the URL lands on whichever of `domain` and `token_url` is
// set (endpointAttribute).
func clientCredentialsWording(endpointAttribute string) failureWording {
	// The inputs GetClientToken shares, plus the endpoint attribute.
	attributes := maps.Clone(clientTokenAttributes)
	attributes[failure.TokenURL] = endpointAttribute
	return failureWording{
		text:         clientCredentialsText,
		attributes:   attributes,
		unclassified: [2]string{"Token request failed", "Unexpected failure requesting a Cognito client-credentials token."},
	}
}

// clientTokenWording words a failed GetClientToken on its input.
var clientTokenWording = failureWording{
	text:         clientTokenText,
	attributes:   clientTokenAttributes,
	unclassified: [2]string{"Token request failed", "Unexpected failure calling Cognito's GetClientToken."},
}

// clientTokenAttributes are the cognito_client_credentials_token
// attributes of each GetClientToken input.
var clientTokenAttributes = map[failure.Input]string{
	failure.ClientID:     "client_id",
	failure.ClientSecret: "client_secret",
	failure.Scopes:       "scopes",
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

// tokenEndpointParts words what an Incomplete OAuth token response
// lacked, in OAuth's terms.
var tokenEndpointParts = map[failure.Part]string{
	failure.ExpiresIn:       "a positive whole expires_in",
	failure.BearerTokenType: "token_type Bearer",
	failure.AccessTokenJWT:  "an access token in JWT form",
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
			endpointText(e), attemptsMade(e.Attempts))
	case failure.Unavailable:
		return "The token endpoint is unavailable", fmt.Sprintf("%s answered HTTP %d (%s). Try again later; check the AWS Health Dashboard if it persists.", endpointText(e), e.Status, attemptsMade(e.Attempts))
	case failure.NoTokenEndpoint:
		return "No token endpoint at this URL", fmt.Sprintf("%s answered HTTP %d. Set `domain` to the user pool's domain, or `token_url` to `https://<domain>/oauth2/token`.", endpointText(e), e.Status)
	case failure.UnexpectedStatus:
		return unexpectedTokenAnswer, fmt.Sprintf("%s answered HTTP %d without an OAuth error code (%s). If `token_url` points at a proxy, "+forwardsUnchanged,
			endpointText(e), e.Status, attemptsMade(e.Attempts))
	case failure.Unreadable:
		return unexpectedTokenAnswer, fmt.Sprintf("The answer from %s could not be read as an OAuth 2.0 token response (%s): %s. Check that `domain` or `token_url` names a Cognito user pool domain; if it points at a proxy, "+forwardsUnchanged,
			endpointText(e), attemptsMade(e.Attempts), e.RootCause)
	case failure.Incomplete:
		return unexpectedTokenAnswer, "The token endpoint answered without " + tokenEndpointParts[e.Missing] + ". Amazon Cognito always sends one; if `token_url` points at a proxy, " + forwardsUnchanged
	default:
		return "The token endpoint returned an error", fmt.Sprintf("%s (%s).", endpointSays, attemptsMade(e.Attempts))
	}
}
