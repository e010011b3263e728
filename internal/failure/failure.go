// Package failure is the one failure type of the packages that talk to a
// service or keep a token (internal/cognito, internal/clientcredentials,
// internal/tokenstore): a closed Reason and scrubbed facts. It holds no wording for users; internal/provider
// words every Reason once.
package failure

import (
	"fmt"
	"strings"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

// Reason is the closed set of ways a token request or a token store
// fails. A store gives Other, Canceled, Timeout, Unreachable, Throttled
// and the store reasons from NotFound on.
type Reason int

const (
	// Other is an error answer not below; Code names it.
	Other Reason = iota
	// Canceled: the request's context was cancelled.
	Canceled
	// Timeout: no answer before the request's deadline.
	Timeout
	// AttemptTimeout: attempts sent nothing for the per-attempt bound.
	AttemptTimeout
	// Unreachable: no usable answer (network failure); NeverReached says
	// whether any server was reached.
	Unreachable
	// Unreadable: an answer that is not the service's protocol.
	Unreadable
	// Unavailable: an HTTP 5xx answer without a service error code.
	Unavailable
	// UnexpectedStatus: an HTTP status without a service error code that
	// no other reason covers.
	UnexpectedStatus
	// Throttled: the service kept throttling.
	Throttled
	// InternalError: the service failed internally.
	InternalError
	// ClientSecretRejected: the client secret is missing, unexpected or
	// wrong.
	ClientSecretRejected
	// DeviceKeyRejected: the service named the device key.
	DeviceKeyRejected
	// RefreshTokenInvalid: Cognito's "Invalid Refresh Token", which it also
	// answers for a missing or unconfirmed device key.
	RefreshTokenInvalid
	// RefreshTokenRejected: any other refusal of the refresh token.
	RefreshTokenRejected
	// RefreshTokenReused: the refresh token was already rotated.
	RefreshTokenReused
	// UserDisabled: the token's user is disabled.
	UserDisabled
	// UserNotFound: the token's user no longer exists.
	UserNotFound
	// ClientNotFound: no app client with this id in the region.
	ClientNotFound
	// InvalidParameter: the service rejected a parameter.
	InvalidParameter
	// BlockedByFirewall: an AWS WAF web ACL blocked the request.
	BlockedByFirewall
	// OperationNotEnabled: the operation is not offered in the region or
	// for the pool's configuration.
	OperationNotEnabled
	// TriggerInvalidResponse: a Lambda trigger answered in a bad form.
	TriggerInvalidResponse
	// TriggerFailed: a Lambda trigger could not run.
	TriggerFailed
	// TriggerRejected: a Lambda trigger refused the request.
	TriggerRejected
	// ClientRejected: the client's credentials were not accepted
	// (OAuth invalid_client).
	ClientRejected
	// GrantNotAllowed: the client may not use the grant
	// (unauthorized_client).
	GrantNotAllowed
	// ScopeNotAllowed: a scope is not allowed (invalid_scope).
	ScopeNotAllowed
	// GrantRefused: the grant was refused (invalid_grant).
	GrantRefused
	// GrantUnsupported: the URL does not take the grant
	// (unsupported_grant_type).
	GrantUnsupported
	// RequestMalformed: the request's form was refused (invalid_request).
	RequestMalformed
	// NoTokenEndpoint: HTTP 404 or 405, no token endpoint at the URL.
	NoTokenEndpoint
	// Incomplete: a success answer without a part; Missing names it.
	Incomplete
	// NoRegion: no AWS region was configured, so no request was sent.
	NoRegion
	// NotFound: the store does not exist (no such file or secret, or a
	// secret without a current version).
	NotFound
	// Empty: the store exists but holds no token.
	Empty
	// Malformed: the store holds something that is not a token.
	Malformed
	// AccessDenied: the caller's identity or the file's permissions forbid
	// the store operation.
	AccessDenied
	// NoCredentials: no AWS credentials were found for the store.
	NoCredentials
	// InvalidCredentials: AWS refused the store's credentials.
	InvalidCredentials
	// VersionQuota: the secret has no room for another version (Secrets
	// Manager's LimitExceededException, or the store's check before the
	// exchange); Versions and VersionsFreeAt tell how full it is.
	VersionQuota
	// NotAuthorized: the username or the password is wrong. Which one is
	// never told, whichever answer Cognito gave.
	NotAuthorized
	// UserNotConfirmed: the user has not confirmed sign-up.
	UserNotConfirmed
	// PasswordResetRequired: an administrator requires a password reset.
	PasswordResetRequired
	// ChallengeUnsupported: Cognito asked for a challenge that is not
	// answered automatically; Code names it.
	ChallengeUnsupported
	// AuthFlowNotEnabled: the app client does not allow the auth flow;
	// Code names the ALLOW_ flag it lacks.
	AuthFlowNotEnabled
	// CodeRejected: Cognito refused the TOTP code (wrong, or already used).
	CodeRejected
	// SessionExpired: the challenge session ran out (3 minutes) or is
	// invalid.
	SessionExpired
	// AttemptsExceeded: too many failed sign-ins; the user is locked out
	// for a while.
	AttemptsExceeded
	// PoolMisconfigured: the user pool's configuration (MFA, SMS or email
	// role) keeps Cognito from completing the sign-in; Code names it.
	PoolMisconfigured
	// MFANotSetUp: the MFA method Cognito asked about is not set up for the
	// user.
	MFANotSetUp
	// TokenTypeUnsupported: RevokeToken was given a token it does not
	// revoke.
	TokenTypeUnsupported
	// RevocationNotEnabled: the app client has token revocation off.
	RevocationNotEnabled
)

var reasonNames = [...]string{
	Other: "other", Canceled: "canceled", Timeout: "timeout", AttemptTimeout: "attempt timeout",
	Unreachable: "unreachable", Unreadable: "unreadable", Unavailable: "unavailable",
	UnexpectedStatus: "unexpected status", Throttled: "throttled", InternalError: "internal error",
	ClientSecretRejected: "client secret rejected", DeviceKeyRejected: "device key rejected",
	RefreshTokenInvalid: "refresh token invalid", RefreshTokenRejected: "refresh token rejected",
	RefreshTokenReused: "refresh token reused", UserDisabled: "user disabled", UserNotFound: "user not found",
	ClientNotFound: "client not found", InvalidParameter: "invalid parameter", BlockedByFirewall: "blocked by firewall",
	OperationNotEnabled: "operation not enabled", TriggerInvalidResponse: "trigger invalid response",
	TriggerFailed: "trigger failed", TriggerRejected: "trigger rejected", ClientRejected: "client rejected",
	GrantNotAllowed: "grant not allowed", ScopeNotAllowed: "scope not allowed", GrantRefused: "grant refused",
	GrantUnsupported: "grant unsupported", RequestMalformed: "request malformed", NoTokenEndpoint: "no token endpoint",
	Incomplete: "incomplete", NoRegion: "no region", NotFound: "not found", Empty: "empty", Malformed: "malformed",
	AccessDenied: "access denied", NoCredentials: "no credentials", InvalidCredentials: "invalid credentials",
	VersionQuota: "version quota", NotAuthorized: "not authorized", UserNotConfirmed: "user not confirmed",
	PasswordResetRequired: "password reset required", ChallengeUnsupported: "challenge unsupported",
	AuthFlowNotEnabled: "auth flow not enabled", CodeRejected: "code rejected", SessionExpired: "session expired",
	AttemptsExceeded: "attempts exceeded", PoolMisconfigured: "pool misconfigured", MFANotSetUp: "mfa not set up",
	TokenTypeUnsupported: "token type unsupported", RevocationNotEnabled: "revocation not enabled",
}

func (r Reason) String() string { return name(int(r), reasonNames[:], "Reason") }

// MarshalText and UnmarshalText spell a Reason by its name.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

func (r *Reason) UnmarshalText(text []byte) error { return parse((*int)(r), text, reasonNames[:]) }

// Input is the request input a failure is about, by its role in the
// request; the caller maps it to whatever it calls that input.
type Input int

const (
	// NoInput: the failure is about no one input.
	NoInput Input = iota
	RefreshToken
	ClientID
	ClientSecret
	DeviceKey
	Scopes
	// TokenURL: the URL the token request went to.
	TokenURL
	Username
	Password
	UserPoolID
	AuthFlow
	TOTPSecret
)

var inputNames = [...]string{
	NoInput: "none", RefreshToken: "refresh token", ClientID: "client id", ClientSecret: "client secret",
	DeviceKey: "device key", Scopes: "scopes", TokenURL: "token url", Username: "username", Password: "password",
	UserPoolID: "user pool id", AuthFlow: "auth flow", TOTPSecret: "totp secret",
}

func (i Input) String() string { return name(int(i), inputNames[:], "Input") }

func (i Input) MarshalText() ([]byte, error) { return []byte(i.String()), nil }

func (i *Input) UnmarshalText(text []byte) error { return parse((*int)(i), text, inputNames[:]) }

// Part is what an Incomplete answer lacked, by the service's field; the
// caller words it in the service's terms.
type Part int

const (
	// NoPart: the answer lacked nothing (not Incomplete).
	NoPart Part = iota
	// AuthenticationResult: Cognito's AuthenticationResult.
	AuthenticationResult
	// ClientAuthenticationResult: GetClientToken's ClientAuthenticationResult.
	ClientAuthenticationResult
	AccessToken
	IDToken
	// ExpiresIn: a positive (for OAuth, whole) lifetime.
	ExpiresIn
	// BearerTokenType: token_type Bearer.
	BearerTokenType
	// AccessTokenJWT: an access token in JWT form.
	AccessTokenJWT
	// RefreshTokenPart: a sign-in's refresh token.
	RefreshTokenPart
	// SRPChallenge: usable SRP challenge parameters (SALT, SRP_B,
	// SECRET_BLOCK, USER_ID_FOR_SRP).
	SRPChallenge
)

var partNames = [...]string{
	NoPart: "", AuthenticationResult: "AuthenticationResult", ClientAuthenticationResult: "ClientAuthenticationResult",
	AccessToken: "access token", IDToken: "ID token", ExpiresIn: "expires in", BearerTokenType: "Bearer token type",
	AccessTokenJWT: "access token JWT", RefreshTokenPart: "refresh token", SRPChallenge: "SRP challenge",
}

func (p Part) String() string { return name(int(p), partNames[:], "Part") }

func (p Part) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

func (p *Part) UnmarshalText(text []byte) error { return parse((*int)(p), text, partNames[:]) }

// Operation is the store operation a store failure happened in.
type Operation int

const (
	// NoOperation: not a store failure.
	NoOperation Operation = iota
	// StoreRead reads the token.
	StoreRead
	// StoreLock takes the writers' lock before the read (nothing spent).
	StoreLock
	// StoreCheck checks, before Cognito is called, that a rotated token can
	// be written.
	StoreCheck
	// StoreWrite writes the rotated token.
	StoreWrite
)

var operationNames = [...]string{NoOperation: "", StoreRead: "read", StoreLock: "lock", StoreCheck: "check", StoreWrite: "write"}

func (o Operation) String() string { return name(int(o), operationNames[:], "Operation") }

func (o Operation) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

func (o *Operation) UnmarshalText(text []byte) error {
	return parse((*int)(o), text, operationNames[:])
}

// EndpointSource is where the endpoint a request went to came from.
type EndpointSource int

const (
	// DefaultEndpoint: the service's own (regional) endpoint, or the URL the
	// configuration names outright.
	DefaultEndpoint EndpointSource = iota
	// EnvironmentEndpoint: AWS_ENDPOINT_URL* or the profile's endpoint_url.
	EnvironmentEndpoint
)

var endpointSourceNames = [...]string{DefaultEndpoint: "default", EnvironmentEndpoint: "environment"}

func (s EndpointSource) String() string {
	return name(int(s), endpointSourceNames[:], "EndpointSource")
}

func (s EndpointSource) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *EndpointSource) UnmarshalText(text []byte) error {
	return parse((*int)(s), text, endpointSourceNames[:])
}

func name(i int, names []string, kind string) string {
	if i < 0 || i >= len(names) {
		return fmt.Sprintf("%s(%d)", kind, i)
	}
	return names[i]
}

func parse(into *int, text []byte, names []string) error {
	for i, n := range names {
		if n == string(text) {
			*into = i
			return nil
		}
	}
	return fmt.Errorf("unknown name %q", text)
}

// Error is a classified failure. Every text field is scrubbed of the
// request's secrets and capped before it is set (redact.Wire); the
// unwrapped cause is not, so it is only logged through Cause.
type Error struct {
	Reason Reason
	// Input is the request input the failure is about.
	Input Input
	// Code is the service's error type or OAuth error code ("" for none).
	Code string
	// Message is the service's own message (Cognito's, or the OAuth
	// error_description).
	Message string
	// Status is the last answer's HTTP status (0 when none came).
	Status int
	// BodyLength is the last answer's body length, for logs (0 when none
	// came or the source does not tell).
	BodyLength int
	// RequestID is the service's request ID ("" when none came).
	RequestID   string
	Attempts    int
	MaxAttempts int // the retry policy's bound (0 when unknown)
	// Persisted: the answer (Reason) lasted until the request's deadline.
	Persisted bool
	// Timeout bounds the request, retries included; AttemptTimeout one
	// attempt's wait for an answer.
	Timeout        time.Duration
	AttemptTimeout time.Duration
	// Endpoint is the URL the request went to, without its secrets
	// (redact.URL); EndpointSource says where it came from.
	Endpoint       string
	EndpointSource EndpointSource
	Region         string
	// RootCause is the innermost error's text, for Unreachable and
	// Unreadable.
	RootCause string
	// NeverReached: the request reached no server (retrypolicy.NeverReached).
	NeverReached bool
	// Missing is the part an Incomplete answer lacks.
	Missing Part
	// DeviceKeySent tells whether the request carried a device key (never
	// its value).
	DeviceKeySent bool

	// The facts of a store failure (Store is "" for a request):
	// Op is the store operation that failed; Store is the store's name,
	// never its value.
	Op    Operation
	Store string
	// TokenLost: the token had already been rotated and the new one could
	// not be stored, so the store holds a spent token.
	TokenLost bool
	// PendingVersion: the store kept the new token as this version but
	// could not make it current; CurrentVersion is the version it failed to
	// take AWSCURRENT from. Version IDs are not secrets.
	PendingVersion, CurrentVersion string
	// Versions counts the versions the secret holds that Secrets Manager
	// will not remove yet (VersionQuota); VersionsFreeAt is when enough of
	// them turn 24 hours old for one more write (zero when unknown).
	Versions       int
	VersionsFreeAt time.Time
	// SavedIn: the store could not put the new token in place and left it
	// in this file instead (a path, not a secret).
	SavedIn string

	err error
	// secrets are the request's, for Cause.
	secrets []string
}

// New starts the Error of a failed request: its cause, and the request's
// secrets, which Cause scrubs.
func New(cause error, secrets []string) *Error {
	return &Error{Reason: Other, err: cause, secrets: secrets}
}

// Error is safe to show: the reason and the scrubbed facts.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Store != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Op, e.Store)
	}
	b.WriteString(e.Reason.String())
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, ", HTTP %d", e.Status)
	}
	fmt.Fprintf(&b, ", %s", redact.AttemptsMade(e.Attempts))
	if e.Persisted {
		fmt.Fprintf(&b, " until the %s timeout", e.Timeout)
	}
	if e.TokenLost {
		b.WriteString("; the rotated token was not stored")
	}
	if e.SavedIn != "" {
		fmt.Fprintf(&b, "; the rotated token is in %s", e.SavedIn)
	}
	if e.PendingVersion != "" {
		fmt.Fprintf(&b, "; it is in version %s, which is not current", e.PendingVersion)
	}
	return b.String()
}

// Unwrap returns the cause. Its text can carry request values (a service
// may echo them) and whole URLs, so it is only ever logged through Cause.
func (e *Error) Unwrap() error { return e.err }

// Cause is the cause's text for logs, scrubbed of the request's secrets.
func (e *Error) Cause() string {
	if e.err == nil {
		return ""
	}
	return redact.Scrub(e.err.Error(), e.secrets)
}
