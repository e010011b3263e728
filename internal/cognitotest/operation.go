package cognitotest

import (
	"crypto/subtle"
	"maps"
	"net/http"
	"strings"
	"time"
)

// authenticationResult never carries NewDeviceMetadata. Sources disagree on
// whether this operation returns it: the SDK's DeviceKey doc says "If your
// application doesn't provide the key of a registered device, Amazon Cognito
// issues a new one", but the same doc goes on "You must provide the confirmed
// device key in this request if device remembering is enabled", and the API
// reference's AuthenticationResultType page says "GetTokensFromRefreshToken
// doesn't return NewDeviceMetadata"
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthenticationResultType.html).
// The reference page is specific to this operation and agrees with AWS's
// knowledge-center article and public reports (see checkLocked), so the
// double follows it; the provider still passes NewDeviceMetadata through
// should Cognito ever send it.
type authenticationResult struct {
	AccessToken  string
	ExpiresIn    int32
	IdToken      string
	RefreshToken string `json:",omitempty"`
	TokenType    string
}

type getTokensOutput struct {
	AuthenticationResult authenticationResult
}

// checked is what the read-only checks resolved.
type checked struct {
	client AppClient
	user   User
	token  *refreshToken
}

// getTokens runs GetTokensFromRefreshToken in Cognito's order: WAF, input
// validation, app client, client secret, refresh token, user, device, Lambda
// trigger; then it mutates state (rotation) and signs tokens.
func (s *Server) getTokens(r *http.Request, w wireInput) (*getTokensOutput, *apiError) {
	in := w.flat()
	if e := s.forbidden(r, in); e != nil {
		return nil, e
	}
	if e := validate(w); e != nil {
		return nil, e
	}
	s.mu.Lock()
	c, e := s.checkLocked(in)
	s.mu.Unlock()
	if e != nil {
		return nil, e
	}
	if e := s.runTrigger(c.user, in); e != nil {
		return nil, e
	}

	// Re-check after the trigger (state may have moved meanwhile), then
	// commit in the same critical section so concurrent reuse of a token
	// with grace 0 lets exactly one caller through.
	s.mu.Lock()
	c, e = s.checkLocked(in)
	if e != nil {
		s.mu.Unlock()
		return nil, e
	}
	now := s.nowLocked()
	// ExpiresIn is the access token's lifetime, not the ID token's
	// (../shared/COGNITO.md; the OAuth token endpoint's expires_in is the
	// access token's too).
	out := &getTokensOutput{AuthenticationResult: authenticationResult{
		ExpiresIn: int32(c.client.AccessTokenValidity / time.Second),
		TokenType: "Bearer",
	}}
	res := &out.AuthenticationResult
	deviceKey := ""
	if s.cfg.RememberDevices {
		deviceKey = in.DeviceKey // checkLocked confirmed it
	}
	if c.client.Rotation {
		// Grace-period reuse mints another token of the same family; the
		// first rotation time stays, so retries never extend the grace.
		if !c.token.rotated {
			c.token.rotated, c.token.rotatedAt = true, now
		}
		res.RefreshToken = s.addTokenLocked(c.token.sess)
	}
	sess := *c.token.sess
	s.mu.Unlock()

	var err error
	access, id := s.claims(c, sess, deviceKey, now)
	if res.AccessToken, err = signJWT(s.accessKey, access); err != nil {
		return nil, newErr(ErrInternalError, MsgInternalError)
	}
	if res.IdToken, err = signJWT(s.idKey, id); err != nil {
		return nil, newErr(ErrInternalError, MsgInternalError)
	}
	return out, nil
}

// checkLocked performs every read-only check; s.mu must be held.
func (s *Server) checkLocked(in GetTokensInput) (checked, *apiError) {
	// Before the app client is looked up: no source says in which order
	// Cognito checks, but the cause is the pool's region or configuration.
	if s.cfg.OperationNotEnabled {
		return checked{}, newErr(ErrOperationNotEnabled, MsgOperationNotEnabled)
	}
	client, ok := s.clients[in.ClientId]
	if !ok {
		return checked{}, newErr(ErrResourceNotFound, "User pool client "+in.ClientId+" does not exist.")
	}
	switch {
	case client.Secret != "" && in.ClientSecret == "":
		return checked{}, newErr(ErrNotAuthorized, "Client "+client.ID+" is configured for secret but secret was not received.")
	case client.Secret == "" && in.ClientSecret != "":
		// Mirrors InitiateAuth's answer to a SECRET_HASH for a public client
		// ("... is not configured for secret but secret hash was received",
		// awslabs/aws-sdk-ios-samples#102); unseen for this operation.
		return checked{}, newErr(ErrInvalidParameter, "Client "+client.ID+" is not configured for secret but secret was received")
	case client.Secret != "" && subtle.ConstantTimeCompare([]byte(client.Secret), []byte(in.ClientSecret)) != 1:
		// Modeled on InitiateAuth's "Unable to verify secret hash for client
		// <id>" (AWS knowledge center, cognito-unable-to-verify-secret-hash);
		// unseen for this operation, which takes the secret itself.
		return checked{}, newErr(ErrNotAuthorized, "Unable to verify secret for client "+client.ID)
	}
	now := s.nowLocked()
	tok, ok := s.tokens[in.RefreshToken]
	switch {
	case !ok || tok.sess.clientID != client.ID:
		return checked{}, newErr(ErrNotAuthorized, MsgInvalidRefreshToken)
	case tok.sess.revoked:
		return checked{}, newErr(ErrNotAuthorized, MsgRefreshTokenRevoked)
	case !now.Before(tok.sess.expiresAt):
		return checked{}, newErr(ErrNotAuthorized, MsgRefreshTokenExpired)
	// Grace 0 means at once (COGNITO.md, refresh-token rotation), whatever
	// the clock says: a clock stepped back must not reopen the window.
	case tok.rotated && (client.GracePeriod == 0 || !now.Before(tok.rotatedAt.Add(client.GracePeriod))):
		return checked{}, newErr(ErrRefreshTokenReuse, MsgRefreshTokenReused)
	}
	user, ok := s.users[tok.sess.username]
	if !ok || user.Sub != tok.sess.sub {
		return checked{}, newErr(ErrUserNotFound, MsgUserNotFound)
	}
	if user.Disabled {
		return checked{}, newErr(ErrNotAuthorized, MsgUserDisabled)
	}
	// Only pools that remember devices look at DeviceKey. There a missing,
	// unknown, unconfirmed or someone else's key gets the same answer as a
	// bad token: AWS's knowledge-center article "How do I troubleshoot an
	// 'Invalid Refresh Token' error" lists a device not confirmed with
	// ConfirmDevice and a device key not passed as causes of exactly that
	// error (https://repost.aws/knowledge-center/cognito-invalid-refresh-token-error),
	// as do public reports (aws/aws-sdk-java-v2#3418, aws/aws-sdk-cpp#851,
	// aws-amplify/aws-sdk-android#1469). The SDK's DeviceKey doc for this
	// operation: "You must provide the confirmed device key in this request
	// if device remembering is enabled in your user pool."
	if s.cfg.RememberDevices {
		if d, ok := s.devices[in.DeviceKey]; !ok || !d.confirmed || d.username != user.Username {
			return checked{}, newErr(ErrNotAuthorized, MsgInvalidRefreshToken)
		}
	}
	return checked{client: client, user: user, token: tok}, nil
}

// claims builds the access and ID token claim sets Cognito issues.
func (s *Server) claims(c checked, sess session, deviceKey string, now time.Time) (access, id map[string]any) {
	// Each token expires after its own validity (IdTokenValidity is
	// separate from AccessTokenValidity on the app client).
	common := func(use string, validity time.Duration) map[string]any {
		m := map[string]any{
			"sub": c.user.Sub, "iss": s.Issuer(), "token_use": use,
			"origin_jti": sess.originJTI, "event_id": sess.eventID,
			"auth_time": sess.authTime.Unix(), "iat": now.Unix(), "exp": now.Add(validity).Unix(),
			"jti": newUUID(),
		}
		if len(c.user.Groups) > 0 {
			m["cognito:groups"] = c.user.Groups
		}
		return m
	}
	access = common("access", c.client.AccessTokenValidity)
	access["version"] = 2
	access["client_id"] = c.client.ID
	access["scope"] = strings.Join(c.client.Scopes, " ")
	access["username"] = c.user.Username
	if deviceKey != "" {
		access["device_key"] = deviceKey
	}

	// Attributes first, so they cannot shadow the registered claims.
	id = make(map[string]any, len(c.user.Attributes)+12)
	for k, v := range c.user.Attributes {
		id[k] = v
	}
	maps.Copy(id, common("id", c.client.IDTokenValidity))
	for _, k := range []string{"email_verified", "phone_number_verified"} {
		if v, ok := c.user.Attributes[k]; ok {
			id[k] = v == "true" // Cognito renders these as booleans
		}
	}
	if c.user.Email != "" {
		id["email"] = c.user.Email
		if _, ok := c.user.Attributes["email_verified"]; !ok {
			id["email_verified"] = true
		}
	}
	id["aud"] = c.client.ID
	id["cognito:username"] = c.user.Username
	return access, id
}
