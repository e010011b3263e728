package cognitotest

import (
	"crypto/rsa"
	"maps"
	"slices"
	"time"
)

// AppClient is a user pool app client. Zero values get Cognito's defaults.
//
// Access and ID tokens have separate validities, each 5 minutes to 1 day and
// 1 hour by default (SDK types.UserPoolClientType AccessTokenValidity and
// IdTokenValidity, types.TokenValidityUnitsType); values outside the range are
// clamped where Cognito's CreateUserPoolClient would refuse them. Device
// remembering is not here: it is a user-pool setting (PoolConfig).
type AppClient struct {
	ID                   string        // generated (26 lowercase alnum) if empty
	Secret               string        // empty and !GenerateSecret = public client
	GenerateSecret       bool          // generate a 51-char secret like Cognito
	Rotation             bool          // refresh-token rotation
	GracePeriod          time.Duration // 0..60s (clamped), RetryGracePeriodSeconds
	AccessTokenValidity  time.Duration // default 1h; ExpiresIn reports this one
	IDTokenValidity      time.Duration // default 1h; only the ID token's exp
	RefreshTokenValidity time.Duration // default 30 days
	Scopes               []string      // default aws.cognito.signin.user.admin

	// Sign-in settings (sign_in.go). ExplicitAuthFlows nil gets Cognito's
	// default (DefaultExplicitAuthFlows); PreventUserExistenceErrors is
	// "ENABLED" or "LEGACY" (the default); AuthSessionValidity is 3..15
	// minutes, default 3.
	ExplicitAuthFlows          []string
	PreventUserExistenceErrors string
	AuthSessionValidity        time.Duration
	DisableTokenRevocation     bool // EnableTokenRevocation false: RevokeToken refused
}

// Token validity bounds for access and ID tokens (SDK TokenValidityUnitsType).
const (
	minTokenValidity     = 5 * time.Minute
	maxTokenValidity     = 24 * time.Hour
	defaultTokenValidity = time.Hour
)

// tokenValidity applies Cognito's default and range to an access or ID
// token validity.
func tokenValidity(d time.Duration) time.Duration {
	if d <= 0 {
		return defaultTokenValidity
	}
	return min(max(d, minTokenValidity), maxTokenValidity)
}

// User is a user pool user.
type User struct {
	Username   string
	Sub        string // uuid if empty
	Email      string
	Groups     []string
	Attributes map[string]string // extra ID-token claims, e.g. "custom:team"
	Disabled   bool              // -> NotAuthorizedException "User is disabled."

	// Sign-in (sign_in.go): the password (the double derives the SRP
	// verifier from it; "" = no password sign-in), the UserStatus* ("" =
	// CONFIRMED), the base32 TOTP seed (SOFTWARE_TOKEN_MFA after the
	// password) and any other Challenge* to ask after the password.
	Password   string
	Status     string
	TOTPSecret string
	Challenge  string
}

// session is one sign-in: every token rotated from the same original shares
// its origin_jti, auth_time and absolute expiry.
type session struct {
	clientID, username, sub string
	originJTI, eventID      string
	authTime, expiresAt     time.Time
	revoked                 bool
}

type refreshToken struct {
	sess      *session
	rotated   bool
	rotatedAt time.Time
}

// maxTokens bounds the token table; past it, tokens of expired or revoked
// sessions are swept (they would then answer "Invalid Refresh Token").
const maxTokens = 20000

func (s *Server) AddClient(c AppClient) AppClient {
	if c.ID == "" {
		c.ID = randomString(26, lowerAlnum)
	}
	if c.Secret == "" && c.GenerateSecret {
		c.Secret = randomString(51, lowerAlnum)
	}
	c.GracePeriod = min(max(c.GracePeriod, 0), 60*time.Second)
	c.AccessTokenValidity = tokenValidity(c.AccessTokenValidity)
	c.IDTokenValidity = tokenValidity(c.IDTokenValidity)
	if c.RefreshTokenValidity <= 0 {
		c.RefreshTokenValidity = 30 * 24 * time.Hour
	}
	if len(c.Scopes) == 0 {
		c.Scopes = []string{"aws.cognito.signin.user.admin"}
	}
	c.Scopes = slices.Clone(c.Scopes)
	c.ExplicitAuthFlows, c.PreventUserExistenceErrors, c.AuthSessionValidity = signInDefaults(c)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c.ID] = c
	return c
}

func (s *Server) AddUser(u User) User {
	if u.Sub == "" {
		u.Sub = newUUID()
	}
	u.Groups = slices.Clone(u.Groups)
	u.Attributes = maps.Clone(u.Attributes)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.Username] = u
	return u
}

// DeleteUser removes the user; refreshing its tokens then fails with
// UserNotFoundException, also if a new user later takes the same name.
func (s *Server) DeleteUser(username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.users, username)
}

// IssueRefreshToken stands in for a sign-in: it starts a session for the user
// on the client. Unknown users are allowed (their refresh fails with
// UserNotFoundException); an unknown client yields a token that is invalid.
func (s *Server) IssueRefreshToken(clientID, username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	validity := 30 * 24 * time.Hour
	if c, ok := s.clients[clientID]; ok {
		validity = c.RefreshTokenValidity
	}
	sess := &session{
		clientID: clientID, username: username, sub: s.users[username].Sub,
		originJTI: newUUID(), eventID: newUUID(),
		authTime: now, expiresAt: now.Add(validity),
	}
	return s.addTokenLocked(sess)
}

func (s *Server) addTokenLocked(sess *session) string {
	if len(s.tokens) >= maxTokens {
		now := s.nowLocked()
		for k, t := range s.tokens {
			if t.sess.revoked || !now.Before(t.sess.expiresAt) {
				delete(s.tokens, k)
			}
		}
	}
	tok := newRefreshToken()
	s.tokens[tok] = &refreshToken{sess: sess}
	return tok
}

// ExpireRefreshToken moves the token's session past its absolute expiry, so
// it and every token rotated from the same sign-in answer "Refresh Token has
// expired".
func (s *Server) ExpireRefreshToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[token]; ok {
		t.sess.expiresAt = s.nowLocked().Add(-time.Second)
	}
}

// RevokeRefreshToken revokes like the RevokeToken API: the whole rotation
// family stops working ("Refresh Token has been revoked").
func (s *Server) RevokeRefreshToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[token]; ok {
		t.sess.revoked = true
	}
}

// device is one device Cognito tracks for a user. Sign-in in a pool that
// remembers devices issues it unconfirmed (NewDeviceMetadata); the app then
// confirms it with ConfirmDevice (SDK types.DeviceConfigurationType and
// ConfirmDevice docs).
type device struct {
	username  string
	confirmed bool
}

// IssueRefreshTokenWithDevice stands in for a sign-in in a pool that remembers
// devices: besides the refresh token it returns the device key Cognito issues
// in NewDeviceMetadata. The device stays unconfirmed until ConfirmDevice, and
// refreshing with an unconfirmed key fails like refreshing without one. In a
// pool that does not remember devices the key is "" (Cognito issues none).
func (s *Server) IssueRefreshTokenWithDevice(clientID, username string) (token, deviceKey string) {
	token = s.IssueRefreshToken(clientID, username)
	if !s.cfg.RememberDevices {
		return token, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	deviceKey = s.cfg.Region + "_" + newUUID()
	s.devices[deviceKey] = &device{username: username}
	return token, deviceKey
}

// ConfirmDevice confirms an issued device, like the ConfirmDevice API (which
// the user's app calls with its access token). It reports whether the key was
// known.
func (s *Server) ConfirmDevice(deviceKey string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[deviceKey]
	if ok {
		d.confirmed = true
	}
	return ok
}

// Advance moves the server clock forward (on top of PoolConfig.Now), e.g.
// past a rotation grace period without sleeping.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// Now is the server's current time (PoolConfig.Now plus Advance offsets).
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time { return s.cfg.Now().Add(s.offset) }

// JWKS returns the pool's JSON Web Key Set, as served at
// /<poolId>/.well-known/jwks.json.
func (s *Server) JWKS() []byte { return slices.Clone(s.jwks) }

// PublicKey returns the public key with the given kid, or nil.
func (s *Server) PublicKey(kid string) *rsa.PublicKey {
	for _, k := range []signingKey{s.accessKey, s.idKey} {
		if k.kid == kid {
			return &k.priv.PublicKey
		}
	}
	return nil
}
