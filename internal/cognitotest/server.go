// Package cognitotest is a local Amazon Cognito user pool double for
// GetTokensFromRefreshToken that speaks the AWS JSON 1.1 wire protocol, so
// tests drive it through the real aws-sdk-go-v2 client.
package cognitotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

const (
	jsonContentType = "application/x-amz-json-1.1"
	targetPrefix    = "AWSCognitoIdentityProviderService."
	targetGetTokens = targetPrefix + "GetTokensFromRefreshToken"
	// TargetGetClientToken is GetClientToken's X-Amz-Target.
	TargetGetClientToken = targetPrefix + "GetClientToken"
	maxBodyBytes         = 1 << 20
	maxRecordedBody      = 64 << 10
)

// PoolConfig configures the user pool behind a Server.
type PoolConfig struct {
	Region string           // default "us-east-1"
	PoolID string           // default "<region>_<9 random alnum>"
	Now    func() time.Time // server clock; default time.Now (see also Advance)

	// PreTokenGeneration emulates the pre token generation Lambda trigger.
	// Return ErrLambdaInvalidResponse, a *LambdaValidationError or any other
	// error to get the matching Lambda exception.
	PreTokenGeneration func(TriggerEvent) error
	// Forbid emulates an AWS WAF web ACL: true -> ForbiddenException.
	Forbid func(r *http.Request, in GetTokensInput) bool

	// RememberDevices stands for a non-null UserPoolType.DeviceConfiguration:
	// device remembering is a user-pool setting in Cognito, not an app
	// client's. The refresh flow then needs the key of a confirmed device
	// (see IssueRefreshTokenWithDevice and ConfirmDevice).
	// DeviceConfiguration's two flags (ChallengeRequiredOnNewDevice,
	// DeviceOnlyRememberedOnUserPrompt) govern MFA at sign-in and the
	// remembered status, which no source says the refresh flow looks at, so
	// the double has no knobs for them.
	RememberDevices bool

	// OperationNotEnabled makes every refresh and sign-in fail with
	// OperationNotEnabledException. The SDK's doc of that type
	// (cognitoidentityprovider types/errors.go) says the operation is not
	// available in the region or for the pool's configuration, for example
	// in a secondary replica region of a multi-region user pool: a
	// property of the pool and region, not of an app client.
	OperationNotEnabled bool

	MaxRecorded int // recorded requests and trigger events kept; default 10000
}

// RecordedRequest is one API request as the server saw and answered it.
type RecordedRequest struct {
	Method    string
	Path      string
	Target    string
	Header    http.Header
	Body      []byte // first 64 KiB
	Input     GetTokensInput
	Status    int    // 0 when the connection was reset or the client left
	ErrorType string // "" on success
	RequestID string
	At        time.Time
}

// Server is a running double. Create it with NewServer; Close it when done.
type Server struct {
	URL string

	cfg              PoolConfig
	ts               *httptest.Server
	done             chan struct{}
	closeOnce        sync.Once
	accessKey, idKey signingKey
	jwks             []byte
	maxRecorded      int

	mu      sync.Mutex
	offset  time.Duration
	clients map[string]AppClient
	users   map[string]User
	devices map[string]*device // device key -> device
	tokens  map[string]*refreshToken
	faults  []Fault
	rate    *rateLimiter // SetRateLimit, API requests; nil = unlimited
	// tokenRate is SetRateLimit for /oauth2/token, a quota category of its
	// own (ClientCredentials) in Cognito; nil = unlimited.
	tokenRate *rateLimiter
	requests  []RecordedRequest
	reqCount  int
	events    []TriggerEvent
	conns     int
	oauth     oauthPool // the token endpoint's clients and resource servers
	secrets   smState   // the Secrets Manager double (secretsmanager.go)
	signIn    signInState
}

// NewServer starts a double on 127.0.0.1. It panics only if the machine
// cannot generate RSA keys or listen, like httptest.NewServer.
func NewServer(cfg PoolConfig) *Server {
	s, err := NewServerAt("", cfg)
	if err != nil {
		panic("cognitotest: " + err.Error())
	}
	return s
}

// NewServerAt is NewServer listening on addr ("" = 127.0.0.1:0), for the
// standalone binary.
func NewServerAt(addr string, cfg PoolConfig) (*Server, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.PoolID == "" {
		cfg.PoolID = cfg.Region + "_" + newPoolSuffix()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxRecorded <= 0 {
		cfg.MaxRecorded = 10000
	}
	s := &Server{
		cfg: cfg, done: make(chan struct{}), maxRecorded: cfg.MaxRecorded,
		clients: map[string]AppClient{}, users: map[string]User{},
		devices: map[string]*device{}, tokens: map[string]*refreshToken{},
	}
	var err1, err2 error
	s.accessKey, err1 = newSigningKey()
	s.idKey, err2 = newSigningKey()
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	s.jwks = marshalJWKS(s.idKey, s.accessKey)

	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, err
		}
		s.ts.Listener.Close()
		s.ts.Listener = ln
	}
	s.ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	s.ts.Start()
	s.URL = s.ts.URL
	return s, nil
}

// Close stops the server; pending Delay faults end at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.CloseClientConnections()
		s.ts.Close()
	})
}

func (s *Server) Region() string { return s.cfg.Region }
func (s *Server) PoolID() string { return s.cfg.PoolID }

// Issuer is the iss claim of issued tokens, the real Cognito URL.
func (s *Server) Issuer() string {
	return "https://cognito-idp." + s.cfg.Region + ".amazonaws.com/" + s.cfg.PoolID
}

// JWKSURL is where this server serves the key set.
func (s *Server) JWKSURL() string { return s.URL + "/" + s.cfg.PoolID + "/.well-known/jwks.json" }

// Requests returns the recorded API requests (at most MaxRecorded, newest last).
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// RequestCount counts API requests since start or Reset (JWKS fetches excluded).
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqCount
}

// ConnectionsAccepted counts TCP connections accepted since start or Reset.
func (s *Server) ConnectionsAccepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Reset forgets recorded requests, trigger events and the connection count;
// pool state (clients, users, tokens, faults) stays.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.events, s.reqCount, s.conns = nil, nil, 0, 0
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newUUID()
	w.Header().Set("x-amzn-RequestId", reqID)
	if r.Method == http.MethodGet && r.URL.Path == "/"+s.cfg.PoolID+"/.well-known/jwks.json" {
		w.Header().Set("Content-Type", "application/json")
		writeBody(w, http.StatusOK, s.jwks)
		return
	}

	if strings.HasPrefix(r.Header.Get("X-Amz-Target"), smTargetPrefix) {
		s.serveSecretsManager(w, r)
		return
	}

	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	rec := RecordedRequest{
		Method: r.Method, Path: r.URL.Path, Target: r.Header.Get("X-Amz-Target"),
		Header: r.Header.Clone(), Body: bytes.Clone(body[:min(len(body), maxRecordedBody)]),
		RequestID: reqID, At: s.Now(),
	}
	if in, err := decodeInput(body); err == nil {
		rec.Input = in.flat() // recorded even when a fault pre-empts the call
	}
	if r.URL.Path == TokenPath {
		rec.Status, rec.ErrorType = s.answerToken(w, r, body, readErr)
	} else {
		rec.Status, rec.ErrorType = s.answer(w, r, body, readErr)
	}
	s.mu.Lock()
	s.reqCount++
	s.requests = appendBounded(s.requests, rec, s.maxRecorded)
	s.mu.Unlock()
}

// answer handles one API request and reports the status and error type sent.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, body []byte, readErr error) (int, string) {
	if status, errType, throttled := s.overRate(w); throttled {
		return status, errType
	}
	f, faulted := s.takeFault()
	if faulted && !f.AfterProcessing && !s.wait(r.Context(), f) {
		return 0, "" // client gave up or server closing
	}
	if faulted && f.answers() && !f.AfterProcessing {
		return s.answerFault(w, f)
	}

	out, e := s.dispatch(r, body, readErr)
	if faulted && f.AfterProcessing && !s.wait(r.Context(), f) {
		return 0, "" // processed (rotated), but the answer never left
	}
	if faulted && f.answers() {
		return s.answerFault(w, f)
	}
	if e != nil {
		status := StatusFor(e.Type)
		writeError(w, status, e)
		return status, e.Type
	}
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", jsonContentType)
	writeBody(w, http.StatusOK, b)
	return http.StatusOK, ""
}

// dispatch routes by X-Amz-Target like the AWS JSON protocol: anything but
// GetTokensFromRefreshToken, GetClientToken and the sign-in operations
// (sign_in.go) is an UnknownOperationException.
func (s *Server) dispatch(r *http.Request, body []byte, readErr error) (any, *apiError) {
	target := r.Header.Get("X-Amz-Target")
	signIn := s.signInOperation(target)
	if r.Method != http.MethodPost || r.URL.Path != "/" || (target != targetGetTokens && target != TargetGetClientToken && signIn == nil) ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json-1.") {
		return nil, newErr(errUnknownOperation, "")
	}
	if readErr != nil {
		return nil, newErr(errSerialization, "Request body could not be read.")
	}
	if signIn != nil {
		return signIn(r, body)
	}
	w, err := decodeInput(body)
	if err != nil {
		return nil, newErr(errSerialization, "Start of structure or map found where not expected.")
	}
	if target == TargetGetClientToken {
		return s.getClientToken(r, w)
	}
	return s.getTokens(r, w)
}

// decodeInput parses the request with exact, case-sensitive member names
// (encoding/json alone would accept "clientid"); unknown members are ignored.
func decodeInput(body []byte) (wireInput, error) {
	var w wireInput
	if len(bytes.TrimSpace(body)) == 0 {
		return w, nil
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		return w, err
	}
	if dec.More() {
		return w, errors.New("trailing data")
	}
	fields := map[string]any{
		"RefreshToken": &w.RefreshToken, "ClientId": &w.ClientId, "ClientSecret": &w.ClientSecret,
		"DeviceKey": &w.DeviceKey, "ClientMetadata": &w.ClientMetadata,
		"Secret": &w.Secret, "Scopes": &w.Scopes,
	}
	for name, dst := range fields {
		if v, ok := raw[name]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return w, err
			}
		}
	}
	return w, nil
}
