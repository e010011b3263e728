package cognitotest

import (
	"crypto/subtle"
	"maps"
	"net/http"
	"strings"
	"time"
)

type newDeviceMetadata struct {
	DeviceKey      string
	DeviceGroupKey string
}

type authenticationResult struct {
	AccessToken       string
	ExpiresIn         int32
	IdToken           string
	RefreshToken      string `json:",omitempty"`
	TokenType         string
	NewDeviceMetadata *newDeviceMetadata `json:",omitempty"`
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
// trigger; then it mutates state (rotation, new device) and signs tokens.
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
	out := &getTokensOutput{AuthenticationResult: authenticationResult{
		ExpiresIn: int32(c.client.AccessTokenValidity / time.Second),
		TokenType: "Bearer",
	}}
	res := &out.AuthenticationResult
	deviceKey := ""
	if c.client.DeviceTracking {
		deviceKey = in.DeviceKey
		if deviceKey == "" {
			deviceKey = s.registerDeviceLocked(c.user.Username)
			res.NewDeviceMetadata = &newDeviceMetadata{
				DeviceKey:      deviceKey,
				DeviceGroupKey: "-" + newPoolSuffix(),
			}
		}
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
	client, ok := s.clients[in.ClientId]
	if !ok {
		return checked{}, newErr(ErrResourceNotFound, "User pool client "+in.ClientId+" does not exist.")
	}
	if client.OperationDisabled {
		return checked{}, newErr(ErrOperationNotEnabled, MsgOperationNotEnabled)
	}
	switch {
	case client.Secret != "" && in.ClientSecret == "":
		return checked{}, newErr(ErrNotAuthorized, "Client "+client.ID+" is configured for secret but secret was not received")
	case client.Secret == "" && in.ClientSecret != "":
		// Mirrors InitiateAuth's answer to a SECRET_HASH for a public client.
		return checked{}, newErr(ErrInvalidParameter, "Client "+client.ID+" is not configured for secret but secret was received")
	case client.Secret != "" && subtle.ConstantTimeCompare([]byte(client.Secret), []byte(in.ClientSecret)) != 1:
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
	case tok.rotated && !now.Before(tok.rotatedAt.Add(client.GracePeriod)):
		return checked{}, newErr(ErrRefreshTokenReuse, MsgRefreshTokenReused)
	}
	user, ok := s.users[tok.sess.username]
	if !ok || user.Sub != tok.sess.sub {
		return checked{}, newErr(ErrUserNotFound, MsgUserNotFound)
	}
	if user.Disabled {
		return checked{}, newErr(ErrNotAuthorized, MsgUserDisabled)
	}
	// Only pools that remember devices look at DeviceKey; there, a key that
	// is unknown or belongs to someone else is refused.
	if client.DeviceTracking && in.DeviceKey != "" && s.devices[in.DeviceKey] != user.Username {
		return checked{}, newErr(ErrNotAuthorized, MsgInvalidDeviceKey)
	}
	return checked{client: client, user: user, token: tok}, nil
}

// claims builds the access and ID token claim sets Cognito issues.
func (s *Server) claims(c checked, sess session, deviceKey string, now time.Time) (access, id map[string]any) {
	exp := now.Add(c.client.AccessTokenValidity).Unix()
	common := func(use string) map[string]any {
		m := map[string]any{
			"sub": c.user.Sub, "iss": s.Issuer(), "token_use": use,
			"origin_jti": sess.originJTI, "event_id": sess.eventID,
			"auth_time": sess.authTime.Unix(), "iat": now.Unix(), "exp": exp,
			"jti": newUUID(),
		}
		if len(c.user.Groups) > 0 {
			m["cognito:groups"] = c.user.Groups
		}
		return m
	}
	access = common("access")
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
	maps.Copy(id, common("id"))
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
