package cognitotest

// The user pool domain's OAuth 2.0 token endpoint, POST /oauth2/token, for
// the client-credentials grant. Sources: the AWS developer guide pages "The
// token issuer endpoint" (request, response and error examples) and
// "Scopes, M2M, and resource servers", and RFC 6749 §2.3.1, §4.4 and §5.2.

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// TokenPath is where the token endpoint is served, as on a user pool domain.
const TokenPath = "/oauth2/token"

// The OAuth 2.0 error codes the token endpoint answers with (RFC 6749 §5.2;
// AWS lists all but invalid_scope on the token endpoint page, and public
// reports show invalid_scope for client-credentials requests).
const (
	OAuthInvalidRequest       = "invalid_request"
	OAuthInvalidClient        = "invalid_client"
	OAuthInvalidGrant         = "invalid_grant"
	OAuthUnauthorizedClient   = "unauthorized_client"
	OAuthUnsupportedGrantType = "unsupported_grant_type"
	OAuthInvalidScope         = "invalid_scope"
)

// OAuthErrorCodes lists them, for table-driven tests.
var OAuthErrorCodes = []string{
	OAuthInvalidRequest, OAuthInvalidClient, OAuthInvalidGrant,
	OAuthUnauthorizedClient, OAuthUnsupportedGrantType, OAuthInvalidScope,
}

// ResourceServer is a user pool resource server; its custom scopes are
// requested as "<Identifier>/<scope>".
type ResourceServer struct {
	Identifier string
	Scopes     []string
}

// ClientCredentialsClient is an app client for the client-credentials grant.
type ClientCredentialsClient struct {
	ID     string // generated (26 lowercase alnum) if empty
	Secret string // generated (51 chars) if empty and !NoSecret
	// NoSecret makes a public client, which cannot use the grant.
	NoSecret bool
	// AllowedOAuthFlows defaults to ["client_credentials"].
	AllowedOAuthFlows []string
	// OAuthDisabled is AllowedOAuthFlowsUserPoolClient = false.
	OAuthDisabled bool
	// ExplicitAuthFlows are the client's auth flows; GetClientToken needs
	// exactly [AllowClientTokenAuth]. Nil: none.
	ExplicitAuthFlows []string
	// Scopes are the AllowedOAuthScopes, "<identifier>/<scope>".
	Scopes              []string
	AccessTokenValidity time.Duration // default 1h
}

type oauthPool struct {
	resourceServers map[string]ResourceServer
	clients         map[string]ClientCredentialsClient
}

// AddResourceServer defines a resource server and its custom scopes.
func (s *Server) AddResourceServer(rs ResourceServer) {
	rs.Scopes = slices.Clone(rs.Scopes)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauthLocked().resourceServers[rs.Identifier] = rs
}

// AddClientCredentialsClient adds an app client for the client-credentials grant.
func (s *Server) AddClientCredentialsClient(c ClientCredentialsClient) ClientCredentialsClient {
	if c.ID == "" {
		c.ID = randomString(26, lowerAlnum)
	}
	if c.Secret == "" && !c.NoSecret {
		c.Secret = randomString(51, lowerAlnum)
	}
	if c.AllowedOAuthFlows == nil {
		c.AllowedOAuthFlows = []string{"client_credentials"}
	}
	if c.AccessTokenValidity <= 0 {
		c.AccessTokenValidity = time.Hour
	}
	c.Scopes = slices.Clone(c.Scopes)
	c.ExplicitAuthFlows = slices.Clone(c.ExplicitAuthFlows)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauthLocked().clients[c.ID] = c
	return c
}

func (s *Server) oauthLocked() *oauthPool {
	if s.oauth.clients == nil {
		s.oauth = oauthPool{resourceServers: map[string]ResourceServer{}, clients: map[string]ClientCredentialsClient{}}
	}
	return &s.oauth
}

// TokenURL is the token endpoint's URL on this server.
func (s *Server) TokenURL() string { return s.URL + TokenPath }

// oauthError is an error answer of the token endpoint.
type oauthError struct {
	Code   string `json:"error"`
	status int
}

func newOAuthErr(code string) *oauthError {
	return &oauthError{Code: code, status: http.StatusBadRequest}
}

// clientCredentialsInput is a parsed token request.
type clientCredentialsInput struct {
	grantType, clientID, clientSecret string
	scopes                            []string
	scopeGiven                        bool
	metadata                          map[string]string
}

// answerToken answers one request to the token endpoint and reports the
// status and OAuth error code sent. Faults apply as to API requests; an
// ErrorType fault answers that OAuth error code (HTTP 400 unless Status).
func (s *Server) answerToken(w http.ResponseWriter, r *http.Request, body []byte, readErr error) (int, string) {
	if s.overTokenRate(w) {
		return http.StatusTooManyRequests, ""
	}
	f, faulted := s.takeFault()
	if faulted && !s.wait(r.Context(), f) {
		return 0, ""
	}
	if faulted && f.answers() && !f.AfterProcessing {
		return s.answerTokenFault(w, f)
	}
	out, e := s.issueClientToken(r, body, readErr)
	if faulted && f.answers() {
		return s.answerTokenFault(w, f)
	}
	// Cognito's answers carry this charset (token endpoint page examples).
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if e != nil {
		b, _ := json.Marshal(e)
		writeBody(w, e.status, b)
		return e.status, e.Code
	}
	b, _ := json.Marshal(out)
	writeBody(w, http.StatusOK, b)
	return http.StatusOK, ""
}

func (s *Server) answerTokenFault(w http.ResponseWriter, f Fault) (int, string) {
	if f.ErrorType == "" || f.ResetConnection {
		if f.ContentType == "" {
			f.ContentType = "application/json;charset=UTF-8" // not the API's x-amz-json
		}
		return s.answerFault(w, f)
	}
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	b, _ := json.Marshal(map[string]string{"error": f.ErrorType})
	writeBody(w, status, b)
	return status, f.ErrorType
}

type clientTokenOutput struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// issueClientToken checks the request in the order an OAuth server must:
// form, grant type, client authentication, the client's permission for
// the grant, scopes; then it signs an access token.
func (s *Server) issueClientToken(r *http.Request, body []byte, readErr error) (*clientTokenOutput, *oauthError) {
	in, e := parseTokenRequest(r, body, readErr)
	if e != nil {
		return nil, e
	}
	switch in.grantType {
	case "client_credentials":
	case "authorization_code", "refresh_token":
		// The double issues no codes and no refresh tokens here.
		return nil, newOAuthErr(OAuthInvalidGrant)
	default:
		return nil, newOAuthErr(OAuthUnsupportedGrantType)
	}

	s.mu.Lock()
	pool := s.oauthLocked()
	client, known := pool.clients[in.clientID]
	// A public client (no secret) cannot authenticate: invalid_client, as
	// for an unknown client or a wrong secret (token endpoint page).
	if !known || client.Secret == "" || subtle.ConstantTimeCompare([]byte(client.Secret), []byte(in.clientSecret)) != 1 {
		s.mu.Unlock()
		return nil, newOAuthErr(OAuthInvalidClient)
	}
	if client.OAuthDisabled || !slices.Contains(client.AllowedOAuthFlows, "client_credentials") {
		s.mu.Unlock()
		return nil, newOAuthErr(OAuthUnauthorizedClient)
	}
	granted, ok := grantScopes(pool, client, in)
	now := s.nowLocked()
	s.mu.Unlock()
	if !ok {
		return nil, newOAuthErr(OAuthInvalidScope)
	}
	s.recordClientCredentialsEvent(client, in.metadata)

	// sub is the client id: there is no user (token endpoint page; the
	// access token page lists no username for machine-to-machine tokens).
	token, err := signJWT(s.accessKey, s.clientTokenClaims(client, granted, now))
	if err != nil {
		return nil, &oauthError{Code: "server_error", status: http.StatusInternalServerError}
	}
	return &clientTokenOutput{AccessToken: token, ExpiresIn: int64(client.AccessTokenValidity / time.Second), TokenType: "Bearer"}, nil
}

// grantScopes returns the scopes to grant. Requested scopes must be custom
// scopes of a resource server that the client is allowed; without a
// request, every custom scope the client is allowed, and a client with
// none gets invalid_scope. (The token endpoint page says disallowed scopes
// are ignored; public reports show invalid_scope. The double answers
// invalid_scope, the answer our provider must explain.)
func grantScopes(pool *oauthPool, client ClientCredentialsClient, in clientCredentialsInput) ([]string, bool) {
	defined := func(scope string) bool {
		// Identifiers may be URLs: the scope name follows the last slash.
		i := strings.LastIndex(scope, "/")
		if i < 0 {
			return false
		}
		rs, exists := pool.resourceServers[scope[:i]]
		return exists && slices.Contains(rs.Scopes, scope[i+1:])
	}
	var allowed []string
	for _, scope := range client.Scopes {
		if defined(scope) {
			allowed = append(allowed, scope)
		}
	}
	if !in.scopeGiven {
		return allowed, len(allowed) > 0
	}
	if len(in.scopes) == 0 {
		return nil, false
	}
	for _, scope := range in.scopes {
		if !slices.Contains(allowed, scope) {
			return nil, false
		}
	}
	return in.scopes, true
}

// parseTokenRequest reads the form and the client authentication:
// client_secret_basic (Basic, with RFC 6749 §2.3.1's form-encoding of id
// and secret) or client_secret_post, but not both.
func parseTokenRequest(r *http.Request, body []byte, readErr error) (clientCredentialsInput, *oauthError) {
	var in clientCredentialsInput
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method != http.MethodPost || mediaType != "application/x-www-form-urlencoded" || readErr != nil {
		return in, newOAuthErr(OAuthInvalidRequest)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return in, newOAuthErr(OAuthInvalidRequest)
	}
	for _, values := range form {
		if len(values) > 1 { // RFC 6749 §3.2: parameters must not repeat
			return in, newOAuthErr(OAuthInvalidRequest)
		}
	}
	in.grantType = form.Get("grant_type")
	if in.grantType == "" {
		return in, newOAuthErr(OAuthInvalidRequest)
	}
	if header := r.Header.Get("Authorization"); header != "" {
		id, secret, ok := basicCredentials(header)
		if !ok {
			return in, newOAuthErr(OAuthInvalidClient)
		}
		// RFC 6749 §2.3 and §5.2: one authentication method per request.
		if form.Has("client_secret") {
			return in, newOAuthErr(OAuthInvalidRequest)
		}
		if form.Has("client_id") && form.Get("client_id") != id {
			return in, newOAuthErr(OAuthInvalidRequest)
		}
		in.clientID, in.clientSecret = id, secret
	} else {
		in.clientID, in.clientSecret = form.Get("client_id"), form.Get("client_secret")
	}
	if form.Has("scope") {
		in.scopeGiven = true
		in.scopes = strings.Fields(form.Get("scope"))
	}
	if raw := form.Get("aws_client_metadata"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &in.metadata); err != nil {
			return in, newOAuthErr(OAuthInvalidRequest)
		}
	}
	return in, nil
}

func basicCredentials(header string) (id, secret string, ok bool) {
	scheme, encoded, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return "", "", false
	}
	rawID, rawSecret, found := bytes.Cut(decoded, []byte(":"))
	if !found {
		return "", "", false
	}
	id, err1 := url.QueryUnescape(string(rawID))
	secret, err2 := url.QueryUnescape(string(rawSecret))
	return id, secret, err1 == nil && err2 == nil
}

// recordClientCredentialsEvent records what a pre token generation trigger
// (event version 3) would receive; Cognito passes aws_client_metadata only
// on client-credentials requests (token endpoint page).
func (s *Server) recordClientCredentialsEvent(c ClientCredentialsClient, metadata map[string]string) {
	if s.cfg.PreTokenGeneration == nil {
		return
	}
	ev := TriggerEvent{
		TriggerSource: "TokenGeneration_ClientCredentials", UserPoolID: s.cfg.PoolID,
		ClientID: c.ID, Username: "ClientCredentials", ClientMetadata: metadata,
	}
	s.mu.Lock()
	s.events = appendBounded(s.events, ev, s.maxRecorded)
	s.mu.Unlock()
}
