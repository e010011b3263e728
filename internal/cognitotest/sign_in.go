package cognitotest

// Signing a user in: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge
// and AdminRespondToAuthChallenge. Sources, cited by rule below:
//   - API reference pages API_InitiateAuth.html, API_AdminInitiateAuth.html,
//     API_RespondToAuthChallenge.html, API_AdminRespondToAuthChallenge.html
//     (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/),
//     and the SDK's docs of the same inputs and outputs
//     (cognitoidentityprovider v1.74.1 api_op_*.go, types/types.go);
//   - developer guide (https://docs.aws.amazon.com/cognito/latest/developerguide/):
//     "Authentication" (authentication.html), "Choice-based
//     authentication" (authentication-flows-selection-sdk.md), "TOTP
//     software token MFA" (user-pool-settings-mfa-totp.html), "Managing
//     user existence error responses" (cognito-user-pool-managing-errors.html),
//     "Revoking tokens" (token-revocation.html).
// The double serves the password flows only: no CUSTOM_AUTH Lambda, no
// passkeys, no device tracking. Other challenges are declared per user
// (User.Challenge) and answered by nothing, so a client's handling of them
// can be tested.

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/srp"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/totp"
)

// X-Amz-Target of the sign-in operations.
const (
	TargetInitiateAuth                = targetPrefix + "InitiateAuth"
	TargetRespondToAuthChallenge      = targetPrefix + "RespondToAuthChallenge"
	TargetAdminInitiateAuth           = targetPrefix + "AdminInitiateAuth"
	TargetAdminRespondToAuthChallenge = targetPrefix + "AdminRespondToAuthChallenge"
	TargetRevokeToken                 = targetPrefix + "RevokeToken"
)

// Auth flows (SDK types.AuthFlowType) and the client flags that allow them
// (SDK types.ExplicitAuthFlowsType): "The ALLOW_ prefix" flags each enable
// one flow; a flow the client does not allow is refused.
const (
	FlowUserSRP           = "USER_SRP_AUTH"
	FlowUserPassword      = "USER_PASSWORD_AUTH"
	FlowAdminUserPassword = "ADMIN_USER_PASSWORD_AUTH"
	FlowUserAuth          = "USER_AUTH"
	FlowRefreshToken      = "REFRESH_TOKEN_AUTH"
	FlowCustom            = "CUSTOM_AUTH"

	AllowUserSRPAuth           = "ALLOW_USER_SRP_AUTH"
	AllowUserPasswordAuth      = "ALLOW_USER_PASSWORD_AUTH"
	AllowAdminUserPasswordAuth = "ALLOW_ADMIN_USER_PASSWORD_AUTH"
	AllowUserAuth              = "ALLOW_USER_AUTH"
	AllowRefreshTokenAuth      = "ALLOW_REFRESH_TOKEN_AUTH"
	AllowCustomAuth            = "ALLOW_CUSTOM_AUTH"
)

// DefaultExplicitAuthFlows is what an app client created without
// ExplicitAuthFlows allows: "If you don't specify a value for
// ExplicitAuthFlows, your app client supports ALLOW_REFRESH_TOKEN_AUTH,
// ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH" (SDK
// CreateUserPoolClientInput.ExplicitAuthFlows, API_CreateUserPoolClient.html).
var DefaultExplicitAuthFlows = []string{AllowCustomAuth, AllowRefreshTokenAuth, AllowUserSRPAuth}

// flowFlag is the ALLOW_ flag each flow needs (SDK types.ExplicitAuthFlowsType).
var flowFlag = map[string]string{
	FlowUserSRP: AllowUserSRPAuth, FlowUserPassword: AllowUserPasswordAuth,
	FlowAdminUserPassword: AllowAdminUserPasswordAuth, FlowUserAuth: AllowUserAuth,
	FlowRefreshToken: AllowRefreshTokenAuth, FlowCustom: AllowCustomAuth,
}

// User states (SDK types.UserStatusType). User.Status "" is CONFIRMED.
const (
	UserStatusConfirmed           = "CONFIRMED"
	UserStatusUnconfirmed         = "UNCONFIRMED"
	UserStatusResetRequired       = "RESET_REQUIRED"
	UserStatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
)

// Challenges (SDK types.ChallengeNameType). The double answers the first
// four itself; any other can be declared in User.Challenge.
const (
	ChallengePasswordVerifier    = "PASSWORD_VERIFIER"
	ChallengeSoftwareTokenMFA    = "SOFTWARE_TOKEN_MFA"
	ChallengeSelectChallenge     = "SELECT_CHALLENGE"
	ChallengeNewPasswordRequired = "NEW_PASSWORD_REQUIRED"
	ChallengeSMSMFA              = "SMS_MFA"
	ChallengeEmailOTP            = "EMAIL_OTP"
	ChallengeMFASetup            = "MFA_SETUP"
	ChallengeSelectMFAType       = "SELECT_MFA_TYPE"
	ChallengeCustom              = "CUSTOM_CHALLENGE"
	ChallengeWebAuthn            = "WEB_AUTHN"
	ChallengeDeviceSRPAuth       = "DEVICE_SRP_AUTH"
	// USER_AUTH's first factors, named in PREFERRED_CHALLENGE and in the
	// ANSWER to SELECT_CHALLENGE (API_InitiateAuth.html AuthParameters).
	ChallengePasswordSRP = "PASSWORD_SRP"
	ChallengePassword    = "PASSWORD"
)

// PreventUserExistenceErrors values (SDK types.PreventUserExistenceErrorTypes).
const (
	PreventUserExistenceEnabled = "ENABLED"
	PreventUserExistenceLegacy  = "LEGACY"
)

// Sign-in error types beyond GetTokensFromRefreshToken's (errors.go), each
// in the error list of the API reference page of the operation that uses it.
const (
	ErrUserNotConfirmed      = "UserNotConfirmedException"
	ErrPasswordResetRequired = "PasswordResetRequiredException"
	ErrCodeMismatch          = "CodeMismatchException"
	ErrExpiredCode           = "ExpiredCodeException"
	ErrUnauthorized          = "UnauthorizedException"
	ErrUnsupportedOperation  = "UnsupportedOperationException"
	ErrUnsupportedTokenType  = "UnsupportedTokenTypeException"
	// The Common Errors page of the Cognito API reference
	// (APIReference/CommonErrors.html): an unsigned request to an
	// IAM-authorized operation is MissingAuthenticationToken, HTTP 403; a
	// malformed signature IncompleteSignature, HTTP 400.
	ErrMissingAuthenticationToken = "MissingAuthenticationToken"
	ErrIncompleteSignature        = "IncompleteSignature"
)

// Wording of the sign-in refusals. "Sourced" ones are Cognito's as seen in
// public reports; the others are the double's, naming no request value.
const (
	// Sourced: {"__type":"NotAuthorizedException","message":"Incorrect
	// username or password."} from AdminInitiateAuth (ellaisys/aws-cognito#94);
	// the managing-errors page: the generic failure "tells you the user
	// name or password is incorrect".
	MsgIncorrectCredentials = "Incorrect username or password."
	// Sourced: aws-amplify/amplify-js#3679.
	MsgUserNotConfirmed = "User is not confirmed."
	// Unsourced wording.
	MsgPasswordResetRequired = "Password reset required for the user"
	// Sourced: NotAuthorizedException "Invalid session for the user." on a
	// spent session (aws-amplify/amplify-js#10959).
	MsgSessionExpired = "Invalid session for the user."
	// Sourced: developer guide, "Lockout behavior for failed sign-in
	// attempts" (authentication.html#authentication-flow-lockout-behavior).
	MsgPasswordAttemptsExceeded = "Password attempts exceeded"
	// "<FLOW> flow not enabled for this client": how other Cognito doubles
	// word it (floci-io/floci#3974); no capture from Cognito found.
	msgFlowNotEnabledSuffix = " flow not enabled for this client"
	// Sourced: AWS knowledge center "cognito-unable-to-verify-secret-hash".
	msgSecretHashPrefix = "Unable to verify secret hash for client "
	// Sourced: aws-amplify/amplify-js#3066 and #11069.
	MsgCodeMismatch = "Invalid code or auth state for the user."
	// Unsourced: the double's words.
	MsgCodeReused      = "Your software token has already been used once."
	MsgMissingAuthFlow = "Initiate Auth method not supported."
	MsgMissingAuth     = "Missing Authentication Token"
	MsgBadSignature    = "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."
)

// minAuthSession and maxAuthSession: "AuthSessionValidity is the duration,
// in minutes, of that session token. Your user pool native user must
// respond to each authentication challenge before the session expires"
// (SDK types.UserPoolClientType.AuthSessionValidity); the session "expires
// after 3 ~ 15 minutes" (AWS re:Post answer QUXOn0iCq-TNavGxtuFc7DGA), the
// range API_CreateUserPoolClient.html gives; 3 is the default.
const (
	minAuthSession = 3 * time.Minute
	maxAuthSession = 15 * time.Minute
)

// lockoutThreshold and lockoutMax: "After five failed ... sign-in attempts
// with a password, Amazon Cognito locks out your user for one second. The
// lockout duration then doubles after each additional one failed attempt,
// up to a maximum of approximately 15 minutes ... For a cumulative number
// of failed sign-in attempts n ... 2^(n-5) seconds. To reset ... sign in
// successfully after a lockout period expires, or not initiate any sign-in
// attempts for 15 consecutive minutes" (developer guide, authentication.html
// #authentication-flow-lockout-behavior).
const (
	lockoutThreshold = 5
	lockoutMax       = 15 * time.Minute
)

// signInDefaults applies AddClient's defaults to the sign-in settings.
func signInDefaults(c AppClient) ([]string, string, time.Duration) {
	flows := slices.Clone(c.ExplicitAuthFlows)
	if flows == nil {
		flows = slices.Clone(DefaultExplicitAuthFlows)
	}
	// "When you create a new app client with the Amazon Cognito user pools
	// API, PreventUserExistenceErrors is LEGACY" (managing-errors page).
	prevent := c.PreventUserExistenceErrors
	if prevent == "" {
		prevent = PreventUserExistenceLegacy
	}
	validity := c.AuthSessionValidity
	if validity <= 0 {
		validity = minAuthSession
	}
	return flows, prevent, min(max(validity, minAuthSession), maxAuthSession)
}

// signInState is the server's sign-in memory, guarded by Server.mu.
type signInState struct {
	sessions  map[string]*authSession // Session string -> challenge in flight
	verifiers map[string]srpKey       // username -> SRP verifier of its password
	totpUsed  map[string]int64        // username -> last TOTP window accepted
	failures  map[string]*lockout     // username -> failed password attempts
	revoked   map[string]bool         // origin_jti of revoked sign-ins
}

type srpKey struct {
	password string
	v        srpVerifier
}

type lockout struct {
	failed      int
	lockedUntil time.Time
	last        time.Time
}

// authSession is one challenge in flight: what Cognito's Session stands for.
type authSession struct {
	clientID, username string
	admin              bool
	challenge          string // what the next answer must be
	expires            time.Time
	srp                *srpChallenge
	simulated          bool // unknown user under PreventUserExistenceErrors ENABLED
}

func (st *signInState) init() {
	if st.sessions == nil {
		st.sessions, st.verifiers = map[string]*authSession{}, map[string]srpKey{}
		st.totpUsed, st.failures, st.revoked = map[string]int64{}, map[string]*lockout{}, map[string]bool{}
	}
}

// signInOperation returns the handler of a sign-in target, or nil.
func (s *Server) signInOperation(target string) func(*http.Request, []byte) (any, *apiError) {
	switch target {
	case TargetInitiateAuth:
		return func(r *http.Request, b []byte) (any, *apiError) { return s.initiateAuth(r, b, false) }
	case TargetAdminInitiateAuth:
		return func(r *http.Request, b []byte) (any, *apiError) { return s.initiateAuth(r, b, true) }
	case TargetRespondToAuthChallenge:
		return func(r *http.Request, b []byte) (any, *apiError) { return s.respondToAuthChallenge(r, b, false) }
	case TargetAdminRespondToAuthChallenge:
		return func(r *http.Request, b []byte) (any, *apiError) { return s.respondToAuthChallenge(r, b, true) }
	case TargetRevokeToken:
		return s.revokeToken
	case TargetGetUser:
		return s.getUser
	}
	return nil
}

// signInInput holds the members of the five operations' requests.
type signInInput struct {
	AuthFlow, ChallengeName, ClientId, UserPoolId, Session *string
	AuthParameters, ChallengeResponses, ClientMetadata     map[string]string
	Token, ClientSecret, AccessToken                       *string
}

// decodeSignIn reads the request with exact member names, as decodeInput.
func decodeSignIn(body []byte) (signInInput, *apiError) {
	var in signInInput
	if len(bytes.TrimSpace(body)) == 0 {
		return in, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return in, newErr(errSerialization, "Start of structure or map found where not expected.")
	}
	fields := map[string]any{
		"AuthFlow": &in.AuthFlow, "ChallengeName": &in.ChallengeName, "ClientId": &in.ClientId,
		"UserPoolId": &in.UserPoolId, "Session": &in.Session, "AuthParameters": &in.AuthParameters,
		"ChallengeResponses": &in.ChallengeResponses, "ClientMetadata": &in.ClientMetadata,
		"Token": &in.Token, "ClientSecret": &in.ClientSecret, "AccessToken": &in.AccessToken,
	}
	for name, dst := range fields {
		if v, ok := raw[name]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return in, newErr(errSerialization, "Start of structure or map found where not expected.")
			}
		}
	}
	return in, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// signInOutput is InitiateAuthResponse and RespondToAuthChallengeResponse
// (and their Admin twins): a challenge with its Session, or tokens.
type signInOutput struct {
	ChallengeName        string                `json:",omitempty"`
	Session              string                `json:",omitempty"`
	ChallengeParameters  map[string]string     `json:",omitempty"`
	AvailableChallenges  []string              `json:",omitempty"`
	AuthenticationResult *authenticationResult `json:",omitempty"`
}

// checkSigV4 stands for IAM authorization of the Admin operations: "Amazon
// Cognito evaluates Identity and Access Management (IAM) policies in
// requests for this API operation. For this operation, you must use IAM
// credentials to authorize requests" (SDK AdminInitiateAuth and
// AdminRespondToAuthChallenge docs, API_AdminInitiateAuth.html). The
// refusals are the Common Errors page's (ErrMissingAuthenticationToken).
// The double checks the shape of a SigV4 Authorization header, not the
// signature: any credentials pass.
func checkSigV4(r *http.Request) *apiError {
	h := r.Header.Get("Authorization")
	if h == "" {
		return newErr(ErrMissingAuthenticationToken, MsgMissingAuth)
	}
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok || !strings.Contains(rest, "Credential=") || !strings.Contains(rest, "SignedHeaders=") ||
		!strings.Contains(rest, "Signature=") {
		return newErr(ErrIncompleteSignature, MsgBadSignature)
	}
	return nil
}

// initiateAuth serves InitiateAuth and AdminInitiateAuth.
func (s *Server) initiateAuth(r *http.Request, body []byte, admin bool) (any, *apiError) {
	in, e := decodeSignIn(body)
	if e != nil {
		return nil, e
	}
	if admin {
		if e := checkSigV4(r); e != nil {
			return nil, e
		}
	}
	if e := s.forbidden(r, GetTokensInput{ClientId: deref(in.ClientId), ClientMetadata: in.ClientMetadata}); e != nil {
		return nil, e
	}
	// "AuthFlow ... This member is required", "ClientId ... This member is
	// required", and for the Admin operation "UserPoolId ... required"
	// (SDK InitiateAuthInput, AdminInitiateAuthInput).
	rules := []fieldRule{
		{name: "authFlow", value: in.AuthFlow, required: true, pattern: anyPattern, patternS: ".*"},
		{name: "clientId", value: in.ClientId, required: true, sensitive: true, min: 1, max: 128, pattern: clientPattern, patternS: `[\w+]+`},
	}
	if admin {
		rules = append(rules, fieldRule{name: "userPoolId", value: in.UserPoolId, required: true, min: 1, max: 55, pattern: poolPattern, patternS: `[\w-]+_[0-9a-zA-Z]+`})
	}
	if e := validationError(rules); e != nil {
		return nil, e
	}
	if admin && *in.UserPoolId != s.cfg.PoolID {
		return nil, newErr(ErrResourceNotFound, "User pool "+*in.UserPoolId+" does not exist.")
	}
	flow, params := *in.AuthFlow, in.AuthParameters
	username := params["USERNAME"]

	s.mu.Lock()
	defer s.mu.Unlock()
	s.signIn.init()
	client, e := s.signInClientLocked(*in.ClientId, username, params["SECRET_HASH"])
	if e != nil {
		return nil, e
	}
	// "ADMIN_USER_PASSWORD_AUTH is a flow type of AdminInitiateAuth and
	// isn't valid for InitiateAuth" (SDK InitiateAuthInput.AuthFlow);
	// AdminInitiateAuth lists no USER_PASSWORD_AUTH
	// (SDK AdminInitiateAuthInput.AuthFlow). The refusal's wording is the
	// double's.
	served := []string{FlowUserSRP, FlowUserPassword, FlowUserAuth}
	if admin {
		served = []string{FlowUserSRP, FlowAdminUserPassword, FlowUserAuth}
	}
	if !slices.Contains(served, flow) {
		return nil, newErr(ErrInvalidParameter, MsgMissingAuthFlow)
	}
	if !slices.Contains(client.ExplicitAuthFlows, flowFlag[flow]) {
		return nil, newErr(ErrInvalidParameter, flow+msgFlowNotEnabledSuffix)
	}
	if username == "" {
		return nil, newErr(ErrInvalidParameter, "Missing required parameter USERNAME")
	}
	switch flow {
	case FlowUserSRP:
		return s.startSRPLocked(client, username, params["SRP_A"], admin)
	case FlowUserPassword, FlowAdminUserPassword:
		return s.passwordLocked(client, username, params["PASSWORD"], admin, in.ClientMetadata)
	}
	// USER_AUTH: "If you don't provide a value for PREFERRED_CHALLENGE,
	// Amazon Cognito responds with the AvailableChallenges parameter that
	// specifies the available sign-in methods" (SDK
	// InitiateAuthInput.AuthParameters); the challenge is SELECT_CHALLENGE,
	// answered with "a challenge selection as ANSWER. It must be one of the
	// challenge types in the AvailableChallenges response parameter" (SDK
	// InitiateAuthOutput.ChallengeName).
	return s.firstFactorLocked(client, username, params["PREFERRED_CHALLENGE"], params, admin, in.ClientMetadata)
}

// firstFactorLocked runs USER_AUTH's chosen first factor, or offers the
// choice when none (or an unknown one) is named.
func (s *Server) firstFactorLocked(c AppClient, username, choice string, params map[string]string, admin bool, metadata map[string]string) (any, *apiError) {
	switch choice {
	case ChallengePasswordSRP:
		return s.startSRPLocked(c, username, params["SRP_A"], admin)
	case ChallengePassword:
		return s.passwordLocked(c, username, params["PASSWORD"], admin, metadata)
	}
	// "Choice-based authentication isn't affected by your
	// PreventUserExistenceErrors configuration" only in that the answer is a
	// challenge for anyone; the double offers the password factors it
	// serves to known and unknown users alike.
	sess := s.newAuthSessionLocked(c, username, admin, ChallengeSelectChallenge)
	return &signInOutput{
		ChallengeName: ChallengeSelectChallenge, Session: sess,
		ChallengeParameters: map[string]string{"USERNAME": username},
		AvailableChallenges: []string{ChallengePassword, ChallengePasswordSRP},
	}, nil
}

// signInClientLocked finds the app client and checks SECRET_HASH: "If your
// app client has a client secret, you must include a SECRET_HASH"
// (API_InitiateAuth.html AuthParameters; developer guide "Computing secret
// hash values": Base64(HMAC_SHA256(secret, username + client id))).
func (s *Server) signInClientLocked(clientID, username, secretHash string) (AppClient, *apiError) {
	if s.cfg.OperationNotEnabled {
		return AppClient{}, newErr(ErrOperationNotEnabled, MsgOperationNotEnabled)
	}
	c, ok := s.clients[clientID]
	if !ok {
		return AppClient{}, newErr(ErrResourceNotFound, "User pool client "+clientID+" does not exist.")
	}
	switch {
	case c.Secret == "" && secretHash != "":
		return AppClient{}, newErr(ErrInvalidParameter, "Client "+c.ID+" is not configured for secret but secret hash was received")
	case c.Secret != "" && subtle.ConstantTimeCompare([]byte(secretHash), []byte(srp.SecretHash(c.Secret, username, c.ID))) != 1:
		return AppClient{}, newErr(ErrNotAuthorized, msgSecretHashPrefix+c.ID)
	}
	return c, nil
}

// unknownUser answers for a username the pool does not hold: "When this
// property has a value of LEGACY, your app client returns a
// UserNotFoundException ... When ... ENABLED ... a generic authentication
// failure response ... tells you the user name or password is incorrect"
// (managing-errors page).
func unknownUser(c AppClient) *apiError {
	if c.PreventUserExistenceErrors == PreventUserExistenceEnabled {
		return newErr(ErrNotAuthorized, MsgIncorrectCredentials)
	}
	return newErr(ErrUserNotFound, MsgUserNotFound)
}

// startSRPLocked answers SRP_A with a PASSWORD_VERIFIER challenge whose
// parameters are those the JS client reads (AuthenticationHelper in
// amazon-cognito-identity-js: SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP)
// plus USERNAME, which "All challenges require" (SDK
// InitiateAuthOutput.ChallengeParameters). Under PreventUserExistenceErrors ENABLED an unknown
// user gets a challenge too (from a throwaway verifier), and the claim is
// then refused with the generic failure, so that neither answer tells the
// user exists.
func (s *Server) startSRPLocked(c AppClient, username, srpA string, admin bool) (any, *apiError) {
	if srpA == "" {
		return nil, newErr(ErrInvalidParameter, "Missing required parameter SRP_A")
	}
	u, known := s.users[username]
	if !known && c.PreventUserExistenceErrors != PreventUserExistenceEnabled {
		return nil, unknownUser(c)
	}
	if known {
		if e := userRefusedLocked(u); e != nil {
			return nil, e
		}
	}
	v, err := s.verifierLocked(username, u.Password, known)
	if err != nil {
		return nil, newErr(ErrInternalError, MsgInternalError)
	}
	ch, err := v.startSRPChallenge(srpA, rand.Reader)
	if err != nil {
		return nil, newErr(ErrInvalidParameter, "SRP_A cannot be 0.")
	}
	sess := s.newAuthSessionLocked(c, username, admin, ChallengePasswordVerifier)
	s.signIn.sessions[sess].srp = ch
	s.signIn.sessions[sess].simulated = !known
	return &signInOutput{
		ChallengeName: ChallengePasswordVerifier, Session: sess,
		ChallengeParameters: map[string]string{
			"SALT": ch.saltHex(), "SECRET_BLOCK": ch.secretBlockB64(), "SRP_B": ch.srpBHex(),
			"USERNAME": username, "USER_ID_FOR_SRP": username,
		},
	}, nil
}

// verifierLocked derives (once per password) the SRP verifier the pool
// keeps for a user; an unknown user gets a random one.
func (s *Server) verifierLocked(username, password string, known bool) (srpVerifier, error) {
	poolName, _ := srp.PoolName(s.cfg.PoolID)
	if !known {
		return newSRPVerifier(poolName, username, newUUID(), rand.Reader)
	}
	if k, ok := s.signIn.verifiers[username]; ok && k.password == password {
		return k.v, nil
	}
	v, err := newSRPVerifier(poolName, username, password, rand.Reader)
	if err == nil {
		s.signIn.verifiers[username] = srpKey{password: password, v: v}
	}
	return v, err
}

// passwordLocked checks a password sent in the clear (USER_PASSWORD_AUTH,
// ADMIN_USER_PASSWORD_AUTH, USER_AUTH's PASSWORD), then goes on.
func (s *Server) passwordLocked(c AppClient, username, password string, admin bool, metadata map[string]string) (any, *apiError) {
	u, known := s.users[username]
	if !known {
		return nil, unknownUser(c)
	}
	if e := userRefusedLocked(u); e != nil {
		return nil, e
	}
	if e := s.lockedOutLocked(username); e != nil {
		return nil, e
	}
	if u.Password == "" || subtle.ConstantTimeCompare([]byte(password), []byte(u.Password)) != 1 {
		s.failedLocked(username)
		return nil, newErr(ErrNotAuthorized, MsgIncorrectCredentials)
	}
	return s.afterPasswordLocked(c, u, admin, metadata)
}

// lockedOutLocked refuses attempts during a lockout (lockoutThreshold).
func (s *Server) lockedOutLocked(username string) *apiError {
	l := s.signIn.failures[username]
	now := s.nowLocked()
	if l == nil {
		return nil
	}
	if !now.Before(l.last.Add(lockoutMax)) {
		delete(s.signIn.failures, username)
		return nil
	}
	if now.Before(l.lockedUntil) {
		return newErr(ErrNotAuthorized, MsgPasswordAttemptsExceeded)
	}
	return nil
}

func (s *Server) failedLocked(username string) {
	l := s.signIn.failures[username]
	if l == nil {
		l = &lockout{}
		s.signIn.failures[username] = l
	}
	now := s.nowLocked()
	l.failed++
	l.last = now
	if l.failed >= lockoutThreshold {
		l.lockedUntil = now.Add(min(time.Second<<min(l.failed-lockoutThreshold, 20), lockoutMax))
	}
}

// userRefusedLocked refuses, before any password is looked at, a disabled
// user ("User is disabled.", as GetTokensFromRefreshToken) and an
// unconfirmed one: UserNotConfirmedException, "This exception is thrown
// when a user isn't confirmed successfully" (API_InitiateAuth.html), even
// with a wrong password, which AWS called intended
// (amazon-archives/amazon-cognito-identity-js#288, aws/aws-sdk-js#4608).
func userRefusedLocked(u User) *apiError {
	switch {
	case u.Disabled:
		return newErr(ErrNotAuthorized, MsgUserDisabled)
	case u.Status == UserStatusUnconfirmed:
		return newErr(ErrUserNotConfirmed, MsgUserNotConfirmed)
	}
	return nil
}

// afterPasswordLocked applies the user's state once the password is
// proven, then asks the next challenge or issues tokens.
//   - RESET_REQUIRED: PasswordResetRequiredException, "... when a password
//     reset is required" (same page), whatever PreventUserExistenceErrors
//     says (AWS in aws-amplify/aws-sdk-ios#2298).
//   - FORCE_CHANGE_PASSWORD: "NEW_PASSWORD_REQUIRED : For users who are
//     required to change their passwords after successful first login ...
//     Amazon Cognito only returns this challenge for users who have
//     temporary passwords" (SDK InitiateAuthOutput.ChallengeName).
//   - a TOTP seed: SOFTWARE_TOKEN_MFA, answered with {"USERNAME": ...,
//     "SOFTWARE_TOKEN_MFA_CODE": ...} (SDK
//     RespondToAuthChallengeInput.ChallengeResponses).
func (s *Server) afterPasswordLocked(c AppClient, u User, admin bool, metadata map[string]string) (any, *apiError) {
	delete(s.signIn.failures, u.Username)
	switch u.Status {
	case UserStatusResetRequired:
		return nil, newErr(ErrPasswordResetRequired, MsgPasswordResetRequired)
	case UserStatusForceChangePassword:
		return s.challengeLocked(c, u, admin, ChallengeNewPasswordRequired), nil
	}
	if u.TOTPSecret != "" {
		return s.challengeLocked(c, u, admin, ChallengeSoftwareTokenMFA), nil
	}
	if u.Challenge != "" {
		return s.challengeLocked(c, u, admin, u.Challenge), nil
	}
	return s.issueTokensLocked(c, u, metadata)
}

// challengeLocked asks a challenge after the password.
func (s *Server) challengeLocked(c AppClient, u User, admin bool, name string) *signInOutput {
	params := map[string]string{"USERNAME": u.Username, "USER_ID_FOR_SRP": u.Username}
	if name == ChallengeNewPasswordRequired {
		params["requiredAttributes"] = "[]"
		params["userAttributes"] = "{}"
	}
	return &signInOutput{
		ChallengeName: name, Session: s.newAuthSessionLocked(c, u.Username, admin, name),
		ChallengeParameters: params,
	}
}

// newAuthSessionLocked opens a session valid for the client's
// AuthSessionValidity (3 minutes by default, authSessionLifetime).
func (s *Server) newAuthSessionLocked(c AppClient, username string, admin bool, challenge string) string {
	now := s.nowLocked()
	for k, v := range s.signIn.sessions {
		if !now.Before(v.expires) {
			delete(s.signIn.sessions, k)
		}
	}
	id := b64url.EncodeToString(randomBytes(96))
	s.signIn.sessions[id] = &authSession{
		clientID: c.ID, username: username, admin: admin, challenge: challenge,
		expires: now.Add(c.AuthSessionValidity),
	}
	return id
}

// issueTokensLocked signs the user in on the client: a new sign-in session
// (the refresh token's family, as IssueRefreshToken starts) and tokens
// shaped like GetTokensFromRefreshToken's. The pre token generation trigger
// runs with source TokenGeneration_Authentication (developer guide, "Pre
// token generation Lambda trigger", trigger sources) and gets the request's
// ClientMetadata as GetClientToken's does. s.mu is released around it.
func (s *Server) issueTokensLocked(c AppClient, u User, metadata map[string]string) (any, *apiError) {
	s.mu.Unlock()
	e := s.runUserTrigger("TokenGeneration_Authentication", u, c.ID, metadata)
	s.mu.Lock()
	if e != nil {
		return nil, e
	}
	now := s.nowLocked()
	sess := &session{
		clientID: c.ID, username: u.Username, sub: u.Sub,
		originJTI: newUUID(), eventID: newUUID(),
		authTime: now, expiresAt: now.Add(c.RefreshTokenValidity),
	}
	res := &authenticationResult{
		ExpiresIn: int32(c.AccessTokenValidity / time.Second), TokenType: "Bearer",
		RefreshToken: s.addTokenLocked(sess),
	}
	var err1, err2 error
	access, id := s.claims(checked{client: c, user: u}, *sess, "", now)
	res.AccessToken, err1 = signJWT(s.accessKey, access)
	res.IdToken, err2 = signJWT(s.idKey, id)
	if errors.Join(err1, err2) != nil {
		return nil, newErr(ErrInternalError, MsgInternalError)
	}
	return &signInOutput{AuthenticationResult: res}, nil
}

// respondToAuthChallenge serves RespondToAuthChallenge and its Admin twin.
func (s *Server) respondToAuthChallenge(r *http.Request, body []byte, admin bool) (any, *apiError) {
	in, e := decodeSignIn(body)
	if e != nil {
		return nil, e
	}
	if admin {
		if e := checkSigV4(r); e != nil {
			return nil, e
		}
	}
	if e := s.forbidden(r, GetTokensInput{ClientId: deref(in.ClientId), ClientMetadata: in.ClientMetadata}); e != nil {
		return nil, e
	}
	// "ChallengeName ... required", "ClientId ... required" (SDK
	// RespondToAuthChallengeInput); Session is 20-2048 characters.
	rules := []fieldRule{
		{name: "challengeName", value: in.ChallengeName, required: true, pattern: anyPattern, patternS: ".*"},
		{name: "clientId", value: in.ClientId, required: true, sensitive: true, min: 1, max: 128, pattern: clientPattern, patternS: `[\w+]+`},
		{name: "session", value: in.Session, sensitive: true, min: 20, max: 2048, pattern: anyPattern, patternS: ".*"},
	}
	if admin {
		rules = append(rules, fieldRule{name: "userPoolId", value: in.UserPoolId, required: true, min: 1, max: 55, pattern: poolPattern, patternS: `[\w-]+_[0-9a-zA-Z]+`})
	}
	if e := validationError(rules); e != nil {
		return nil, e
	}
	if admin && *in.UserPoolId != s.cfg.PoolID {
		return nil, newErr(ErrResourceNotFound, "User pool "+*in.UserPoolId+" does not exist.")
	}
	answers := in.ChallengeResponses
	username := answers["USERNAME"]

	s.mu.Lock()
	defer s.mu.Unlock()
	s.signIn.init()
	c, e := s.signInClientLocked(*in.ClientId, username, answers["SECRET_HASH"])
	if e != nil {
		return nil, e
	}
	// "It cannot be replayed and it expires after 3 ~ 15 minutes"
	// (AuthSessionValidity), "the session key can be used only once" (AWS
	// re:Post answer QUXOn0iCq-TNavGxtuFc7DGA). A session of another
	// client, user or operation is no session at all.
	sess, ok := s.signIn.sessions[deref(in.Session)]
	if !ok || !s.nowLocked().Before(sess.expires) || sess.clientID != c.ID || sess.admin != admin ||
		sess.username != username {
		delete(s.signIn.sessions, deref(in.Session))
		return nil, newErr(ErrNotAuthorized, MsgSessionExpired)
	}
	if *in.ChallengeName != sess.challenge {
		return nil, newErr(ErrInvalidParameter, "Invalid challenge name: expected "+sess.challenge)
	}
	u, known := s.users[username]
	switch sess.challenge {
	case ChallengePasswordVerifier:
		delete(s.signIn.sessions, *in.Session)
		return s.answerSRPLocked(c, sess, u, known && !sess.simulated, answers, in.ClientMetadata)
	case ChallengeSelectChallenge:
		delete(s.signIn.sessions, *in.Session)
		// { "ANSWER": "PASSWORD", "USERNAME": ..., "PASSWORD": ...} or
		// { "ANSWER": "PASSWORD_SRP", "USERNAME": ..., "SRP_A": ...} (SDK
		// RespondToAuthChallengeInput.ChallengeResponses, SELECT_CHALLENGE);
		// the double serves no other factor.
		answer := answers["ANSWER"]
		if answer != ChallengePassword && answer != ChallengePasswordSRP {
			return nil, newErr(ErrInvalidParameter, "Invalid ANSWER for SELECT_CHALLENGE")
		}
		return s.firstFactorLocked(c, username, answer, answers, admin, in.ClientMetadata)
	case ChallengeSoftwareTokenMFA:
		return s.answerTOTPLocked(c, *in.Session, u, known, answers["SOFTWARE_TOKEN_MFA_CODE"], in.ClientMetadata)
	}
	// Any other challenge is declared for testing the client: no answer
	// satisfies the double.
	return nil, newErr(ErrUnsupportedOperation, "The double does not answer "+sess.challenge+".")
}

// answerSRPLocked checks the PASSWORD_VERIFIER claim: "PASSWORD_CLAIM_SIGNATURE,
// PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP, USERNAME" (SDK
// RespondToAuthChallengeInput.ChallengeResponses). A wrong claim is a
// wrong password: it counts toward the lockout.
func (s *Server) answerSRPLocked(c AppClient, sess *authSession, u User, known bool, answers map[string]string, metadata map[string]string) (any, *apiError) {
	if !known {
		return nil, unknownUser(AppClient{PreventUserExistenceErrors: PreventUserExistenceEnabled})
	}
	if e := userRefusedLocked(u); e != nil {
		return nil, e
	}
	if e := s.lockedOutLocked(u.Username); e != nil {
		return nil, e
	}
	poolName, _ := srp.PoolName(s.cfg.PoolID)
	err := sess.srp.verifyClaim(poolName, u.Username, answers["PASSWORD_CLAIM_SECRET_BLOCK"],
		answers["TIMESTAMP"], answers["PASSWORD_CLAIM_SIGNATURE"])
	if err != nil || u.Password == "" {
		s.failedLocked(u.Username)
		return nil, newErr(ErrNotAuthorized, MsgIncorrectCredentials)
	}
	return s.afterPasswordLocked(c, u, sess.admin, metadata)
}

// answerTOTPLocked checks SOFTWARE_TOKEN_MFA_CODE: RFC 6238 with a 30 s
// step (internal/totp; developer guide "TOTP software token MFA"). Codes
// of the current window and one step either side pass (RFC 6238 section
// 5.2 allows a step back for network delay, section 6 steps either way
// for clock drift), and "the verifier
// MUST NOT accept the second attempt of the same OTP after the successful
// validation has been issued for the first OTP" (same section): a window
// already used is refused. A refused code leaves the session open, so the
// client can try the next window's code.
func (s *Server) answerTOTPLocked(c AppClient, sessID string, u User, known bool, code string, metadata map[string]string) (any, *apiError) {
	sess := s.signIn.sessions[sessID]
	if !known {
		delete(s.signIn.sessions, sessID)
		return nil, unknownUser(c)
	}
	seed, err := totp.ParseSeed(u.TOTPSecret)
	if err != nil {
		return nil, newErr(ErrCodeMismatch, MsgCodeMismatch)
	}
	now := s.nowLocked()
	window := now.Unix() / int64(totp.Period/time.Second)
	for _, w := range []int64{window, window - 1, window + 1} {
		at := time.Unix(w*int64(totp.Period/time.Second), 0)
		if subtle.ConstantTimeCompare([]byte(code), []byte(seed.Code(at))) != 1 {
			continue
		}
		if last, used := s.signIn.totpUsed[u.Username]; used && w <= last {
			return nil, newErr(ErrExpiredCode, MsgCodeReused)
		}
		s.signIn.totpUsed[u.Username] = w
		delete(s.signIn.sessions, sessID)
		if u.Challenge != "" {
			return s.challengeLocked(c, u, sess.admin, u.Challenge), nil
		}
		return s.issueTokensLocked(c, u, metadata)
	}
	return nil, newErr(ErrCodeMismatch, MsgCodeMismatch)
}

// AuthSessions counts the challenge sessions the double holds open, for
// tests that check a session is spent.
func (s *Server) AuthSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.signIn.sessions)
}

var (
	anyPattern  = regexp.MustCompile(`(?s)^.*$`)
	poolPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
)
