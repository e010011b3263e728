package cognitotest

// GetClientToken: the client-credentials grant as an API call, served on
// the same endpoint as GetTokensFromRefreshToken. Sources: the API
// reference page GetClientToken
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html),
// the developer guide's "Scopes, M2M, and resource servers", and the
// SDK's GetClientTokenInput/ClientAuthenticationResultType docs
// (cognitoidentityprovider v1.70.0 and later).
//
// The reference lists seven errors: ForbiddenException,
// InternalErrorException, InvalidParameterException, NotAuthorizedException,
// OperationNotEnabledException, ResourceNotFoundException and
// TooManyRequestsException. It does not say which one each broken client
// setting gets; where the double had to choose, the comment says so.

import (
	"crypto/subtle"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// AllowClientTokenAuth is the explicit auth flow GetClientToken needs.
const AllowClientTokenAuth = "ALLOW_CLIENT_TOKEN_AUTH"

// The double's wording of GetClientToken's refusals: no public record of
// Cognito's yet, so each names what is wrong and no request value.
const (
	MsgClientTokenFlowNotEnabled = "ALLOW_CLIENT_TOKEN_AUTH must be the only auth flow of this client."
	MsgClientTokenNoSecret       = "Client is not configured for secret."
	MsgClientTokenInvalidScope   = "Invalid scope requested."
	MsgClientTokenNoScopes       = "No scope is configured for this client."
)

// clientAuthenticationResult is ClientAuthenticationResultType: an access
// token, its lifetime and type; no ID token, refresh token or scope list
// (SDK types.ClientAuthenticationResultType).
type clientAuthenticationResult struct {
	AccessToken string
	ExpiresIn   int32
	TokenType   string
}

type getClientTokenOutput struct {
	ClientAuthenticationResult clientAuthenticationResult
}

// getClientToken runs GetClientToken in the order getTokens does: WAF,
// input validation, pool, app client, secret, auth flows, scopes, Lambda
// trigger; then it signs an access token.
func (s *Server) getClientToken(r *http.Request, w wireInput) (*getClientTokenOutput, *apiError) {
	in := w.flat()
	if e := s.forbidden(r, in); e != nil {
		return nil, e
	}
	// "ClientId ... This member is required", "Secret ... This member is
	// required" (SDK GetClientTokenInput), ClientSecretType's constraints.
	if e := validateClientToken(w); e != nil {
		return nil, e
	}
	s.mu.Lock()
	client, granted, e := s.checkClientTokenLocked(in)
	now := s.nowLocked()
	s.mu.Unlock()
	if e != nil {
		return nil, e
	}
	if e := s.runClientTokenTrigger(client, granted, in.ClientMetadata); e != nil {
		return nil, e
	}
	token, err := signJWT(s.accessKey, s.clientTokenClaims(client, granted, now))
	if err != nil {
		return nil, newErr(ErrInternalError, MsgInternalError)
	}
	return &getClientTokenOutput{ClientAuthenticationResult: clientAuthenticationResult{
		AccessToken: token, ExpiresIn: int32(client.AccessTokenValidity / time.Second), TokenType: "Bearer",
	}}, nil
}

// checkClientTokenLocked performs the read-only checks; s.mu must be held.
func (s *Server) checkClientTokenLocked(in GetTokensInput) (ClientCredentialsClient, []string, *apiError) {
	if s.cfg.OperationNotEnabled {
		return ClientCredentialsClient{}, nil, newErr(ErrOperationNotEnabled, MsgOperationNotEnabled)
	}
	pool := s.oauthLocked()
	client, ok := pool.clients[in.ClientId]
	if !ok {
		return ClientCredentialsClient{}, nil, newErr(ErrResourceNotFound, "User pool client "+in.ClientId+" does not exist.")
	}
	// "you must configure the app client with a client secret" (reference).
	// Which error a client without one gets is not documented: the double
	// answers InvalidParameterException, as GetTokensFromRefreshToken does
	// for a secret sent to a client without one (operation.go).
	if client.Secret == "" {
		return ClientCredentialsClient{}, nil, newErr(ErrInvalidParameter, MsgClientTokenNoSecret)
	}
	// The secret is the credential; a wrong one is NotAuthorizedException,
	// as for GetTokensFromRefreshToken (operation.go).
	if subtle.ConstantTimeCompare([]byte(client.Secret), []byte(in.Secret)) != 1 {
		return ClientCredentialsClient{}, nil, newErr(ErrNotAuthorized, "Unable to verify secret for client "+client.ID)
	}
	// "The ALLOW_CLIENT_TOKEN_AUTH flow is mutually exclusive with user
	// authentication flows. It must be the only authentication flow that you
	// configure for the app client" (reference). The error is not
	// documented: the double answers InvalidParameterException, as
	// InitiateAuth does for a flow the client does not allow ("... flow not
	// enabled for this client").
	if !slices.Equal(client.ExplicitAuthFlows, []string{AllowClientTokenAuth}) {
		return ClientCredentialsClient{}, nil, newErr(ErrInvalidParameter, MsgClientTokenFlowNotEnabled)
	}
	granted, e := clientTokenScopes(pool, client, in.Scopes)
	return client, granted, e
}

// clientTokenScopes returns the scopes to grant. "Each scope must belong to
// a resource server in your user pool. If you don't specify any scopes,
// Amazon Cognito authorizes the scopes that are configured for the app
// client" (SDK GetClientTokenInput.Scopes). A scope the client is not
// allowed is refused like one no resource server defines; the error is not
// documented: InvalidParameterException, the double's choice.
func clientTokenScopes(pool *oauthPool, client ClientCredentialsClient, requested []string) ([]string, *apiError) {
	allowed, _ := grantScopes(pool, client, clientCredentialsInput{})
	if len(requested) == 0 {
		if len(allowed) == 0 {
			return nil, newErr(ErrInvalidParameter, MsgClientTokenNoScopes)
		}
		return allowed, nil
	}
	for _, scope := range requested {
		if !slices.Contains(allowed, scope) {
			return nil, newErr(ErrInvalidParameter, MsgClientTokenInvalidScope)
		}
	}
	return slices.Clone(requested), nil
}

// clientTokenClaims are the claims of a machine token, the same for the
// token endpoint and GetClientToken: sub is the client id, there is no user.
func (s *Server) clientTokenClaims(client ClientCredentialsClient, granted []string, now time.Time) map[string]any {
	return map[string]any{
		"sub": client.ID, "client_id": client.ID, "token_use": "access",
		"scope": strings.Join(granted, " "), "auth_time": now.Unix(),
		"iss": s.Issuer(), "exp": now.Add(client.AccessTokenValidity).Unix(),
		"iat": now.Unix(), "version": 2, "jti": newUUID(),
	}
}

// runClientTokenTrigger passes ClientMetadata to the pre token generation
// trigger: "When Amazon Cognito invokes any of these functions, it passes a
// JSON payload ... [with] a clientMetadata attribute that provides the data
// that you assigned to the ClientMetadata parameter" (SDK
// GetClientTokenInput.ClientMetadata). The reference's error list has no
// Lambda exceptions; the double answers a failing trigger as it does for
// GetTokensFromRefreshToken, the service's modeled Lambda errors.
func (s *Server) runClientTokenTrigger(c ClientCredentialsClient, granted []string, metadata map[string]string) *apiError {
	if s.cfg.PreTokenGeneration == nil {
		return nil
	}
	ev := TriggerEvent{
		TriggerSource: "TokenGeneration_ClientCredentials", UserPoolID: s.cfg.PoolID,
		ClientID: c.ID, Username: "ClientCredentials", ClientMetadata: maps.Clone(metadata),
		Scopes: slices.Clone(granted),
	}
	s.mu.Lock()
	s.events = appendBounded(s.events, ev, s.maxRecorded)
	s.mu.Unlock()
	return lambdaError(s.cfg.PreTokenGeneration(ev))
}
