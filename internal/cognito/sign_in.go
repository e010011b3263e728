package cognito

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/srp"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/totp"
)

// SignInFlow is the auth flow a sign-in uses.
type SignInFlow string

// The flows SignIn implements.
const (
	// FlowUserSRP: the password never leaves the machine (the default).
	FlowUserSRP SignInFlow = "USER_SRP_AUTH"
	// FlowUserPassword sends the password to Cognito.
	FlowUserPassword SignInFlow = "USER_PASSWORD_AUTH"
	// FlowAdminUserPassword is AdminInitiateAuth, signed with AWS credentials.
	FlowAdminUserPassword SignInFlow = "ADMIN_USER_PASSWORD_AUTH"
	// FlowUserAuth is choice-based sign-in with a preferred challenge.
	FlowUserAuth SignInFlow = "USER_AUTH"
)

// The preferred challenges of FlowUserAuth.
const (
	ChallengePasswordSRP = "PASSWORD_SRP"
	ChallengePassword    = "PASSWORD"
)

// AllowFlag is the app client's ExplicitAuthFlows value that lets it use f.
func (f SignInFlow) AllowFlag() string { return "ALLOW_" + string(f) }

// SignInRequest is one sign-in of a user with a password.
type SignInRequest struct {
	// Region overrides the region, which otherwise is the user pool ID's.
	Region                                                 string
	UserPoolID, ClientID, ClientSecret, Username, Password string
	// Flow is FlowUserSRP when empty.
	Flow SignInFlow
	// PreferredChallenge is FlowUserAuth's: ChallengePasswordSRP (when
	// empty) or ChallengePassword.
	PreferredChallenge string
	// TOTPSecret is the base32 seed of the user's software token; it
	// answers SOFTWARE_TOKEN_MFA.
	TOTPSecret     string
	ClientMetadata map[string]string
}

// Secrets lists the request's sensitive values, for log masking and
// scrubbing. The username is not one.
func (r SignInRequest) Secrets() []string {
	return redact.NonEmpty(r.ClientID, r.ClientSecret, r.Password, r.TOTPSecret)
}

func (r SignInRequest) flow() SignInFlow {
	if r.Flow == "" {
		return FlowUserSRP
	}
	return r.Flow
}

// TargetRegion is the region the sign-in goes to: the override, else the
// user pool ID's ("eu-west-1_abc"), else "" for the client's. RevokeToken
// must go to the same one.
func (r SignInRequest) TargetRegion() string {
	if r.Region != "" {
		return r.Region
	}
	if region, _, ok := strings.Cut(r.UserPoolID, "_"); ok {
		return region
	}
	return ""
}

// maxChallenges bounds the challenge loop: SRP, then MFA, then at most one
// more; a server that keeps asking is refused rather than followed.
const maxChallenges = 4

// SignIn signs a user in and returns the tokens Cognito issued; the
// refresh token is in NewRefreshToken. InitiateAuth and
// RespondToAuthChallenge are unsigned; ADMIN_USER_PASSWORD_AUTH goes
// through AdminInitiateAuth and AdminRespondToAuthChallenge, signed with
// credentials from the default chain. A challenge not answered
// automatically ends the sign-in with ChallengeUnsupported and its name in
// Code; nothing is sent for it. Attempts counts every request of the
// sign-in.
//
// A request that carries a credential (password, SRP claim, TOTP code) can
// count towards the user's failed-attempt lockout and the pool's monthly
// active users, so it is retried only when it cannot have reached Cognito
// or was throttled (signInRetryable).
func (c *Client) SignIn(ctx context.Context, req SignInRequest) (Tokens, error) {
	s := &signIn{c: c, req: req, username: req.Username, random: c.random, now: c.now}
	tokens, err := s.run(ctx)
	if e := (*Error)(nil); errors.As(err, &e) {
		e.Attempts = s.attempts
		switch e.Reason {
		case failure.AuthFlowNotEnabled:
			e.Code = req.flow().AllowFlag()
		case failure.NotAuthorized:
			// Cognito's answer tells an unknown user ("UserNotFoundException",
			// unless the client prevents user existence errors) from a
			// wrong password; the failure must not. Cause keeps it, for
			// debug logs only.
			e.Code, e.Message = "", ""
		}
		return Tokens{}, err
	}
	tokens.Attempts = s.attempts
	return tokens, nil
}

// signIn is one sign-in's state across its requests.
type signIn struct {
	c      *Client
	req    SignInRequest
	random io.Reader
	now    func() time.Time
	// username is what Cognito expects in USERNAME and SECRET_HASH: the
	// request's until a challenge names USER_ID_FOR_SRP (the user's
	// internal name when signing in with an alias).
	username string
	srp      *srp.Client
	// sent lists the values sent so far that must not show in errors:
	// sessions and codes.
	sent     []string
	attempts int
	// codeRetried: the one next-window TOTP retry has been spent.
	codeRetried bool
}

// answer is what InitiateAuth and RespondToAuthChallenge (or their Admin
// forms) return.
type answer struct {
	challenge types.ChallengeNameType
	params    map[string]string
	session   string
	result    *types.AuthenticationResultType
	metadata  middleware.Metadata
	started   time.Time
}

func (s *signIn) run(ctx context.Context) (Tokens, error) {
	flow := s.req.flow()
	switch flow {
	case FlowUserSRP, FlowUserPassword, FlowAdminUserPassword, FlowUserAuth:
	default:
		return Tokens{}, &Error{Reason: failure.InvalidParameter, Input: failure.AuthFlow}
	}
	params := map[string]string{"USERNAME": s.req.Username}
	switch {
	case flow == FlowUserPassword || flow == FlowAdminUserPassword:
		params["PASSWORD"] = s.req.Password
	case flow == FlowUserAuth && s.req.PreferredChallenge == ChallengePassword:
		params["PREFERRED_CHALLENGE"], params["PASSWORD"] = ChallengePassword, s.req.Password
	default: // SRP: USER_SRP_AUTH, or USER_AUTH preferring PASSWORD_SRP
		if flow == FlowUserAuth {
			params["PREFERRED_CHALLENGE"] = ChallengePasswordSRP
		}
		if err := s.startSRP(); err != nil {
			return Tokens{}, err
		}
		params["SRP_A"] = s.srp.SRPA()
	}
	s.addSecretHash(params)
	// SRP_A alone proves nothing: Cognito checks no credential before the
	// PASSWORD_VERIFIER answer, so that request keeps the full retries.
	_, carriesPassword := params["PASSWORD"]
	ans, err := s.initiate(ctx, params, carriesPassword)
	for range maxChallenges {
		if err != nil || ans.result != nil {
			break
		}
		ans, err = s.answer(ctx, ans)
	}
	if err != nil {
		return Tokens{}, err
	}
	if ans.result == nil {
		return Tokens{}, &Error{Reason: failure.ChallengeUnsupported, Code: string(ans.challenge)}
	}
	requestID := requestIDOf(ans.metadata)
	tokens, err := tokensFrom(&cip.GetTokensFromRefreshTokenOutput{AuthenticationResult: ans.result, ResultMetadata: ans.metadata}, ans.started)
	if err == nil && tokens.NewRefreshToken == "" {
		err = &Error{Reason: failure.Incomplete, Missing: failure.RefreshTokenPart, RequestID: requestID}
	}
	return tokens, err
}

// answer answers one challenge, or refuses it.
func (s *signIn) answer(ctx context.Context, ans answer) (answer, error) {
	if id := ans.params["USER_ID_FOR_SRP"]; id != "" {
		s.username = id
	}
	responses := map[string]string{"USERNAME": s.username}
	switch ans.challenge {
	case types.ChallengeNameTypePasswordVerifier:
		if s.srp == nil {
			return ans, &Error{Reason: failure.ChallengeUnsupported, Code: string(ans.challenge)}
		}
		claim, err := s.passwordClaim(ans)
		if err != nil {
			return ans, err
		}
		responses["PASSWORD_CLAIM_SIGNATURE"] = claim.Signature
		responses["PASSWORD_CLAIM_SECRET_BLOCK"] = ans.params["SECRET_BLOCK"]
		responses["TIMESTAMP"] = claim.Timestamp
	case types.ChallengeNameTypeSelectChallenge:
		if s.req.flow() != FlowUserAuth {
			return ans, &Error{Reason: failure.ChallengeUnsupported, Code: string(ans.challenge)}
		}
		// Cognito offers the preferred challenge's alternatives; the
		// request names only one, so only it is chosen.
		if s.req.PreferredChallenge == ChallengePassword {
			responses["ANSWER"], responses["PASSWORD"] = ChallengePassword, s.req.Password
			break
		}
		// run started SRP for every USER_AUTH sign-in not preferring
		// PASSWORD, so SRP_A is the one InitiateAuth sent.
		responses["ANSWER"], responses["SRP_A"] = ChallengePasswordSRP, s.srp.SRPA()
		s.addSecretHash(responses)
		return s.respond(ctx, ans, responses, false)
	case types.ChallengeNameTypeSoftwareTokenMfa:
		return s.answerTOTP(ctx, ans, responses)
	default:
		return ans, &Error{Reason: failure.ChallengeUnsupported, Code: redact.Wire(string(ans.challenge), s.secrets(), maxCodeLength)}
	}
	s.addSecretHash(responses)
	return s.respond(ctx, ans, responses, true)
}

// answerTOTP answers SOFTWARE_TOKEN_MFA with the current window's code. A
// code Cognito refuses as already used (a sign-in earlier in the same 30 s
// window) is retried once with the next window's, which Cognito accepts
// as within its tolerance of one step (RFC 6238 section 5.2; AWS's answer
// in aws-amplify/amplify-js#3873); if that one is spent too, once more
// with the one after, when the next window begins.
func (s *signIn) answerTOTP(ctx context.Context, ans answer, responses map[string]string) (answer, error) {
	if s.req.TOTPSecret == "" {
		return ans, &Error{Reason: failure.ChallengeUnsupported, Input: failure.TOTPSecret, Code: string(ans.challenge)}
	}
	seed, err := totp.ParseSeed(s.req.TOTPSecret)
	if err != nil {
		return ans, &Error{Reason: failure.InvalidParameter, Input: failure.TOTPSecret}
	}
	s.addSecretHash(responses)
	send := func(at time.Time) (answer, error) {
		code := seed.Code(at)
		s.sent = append(s.sent, code)
		responses["SOFTWARE_TOKEN_MFA_CODE"] = code
		return s.respond(ctx, ans, responses, true)
	}
	next, err := send(s.now())
	if e := (*Error)(nil); errors.As(err, &e) && codeAlreadyUsed(e) && !s.codeRetried {
		s.codeRetried = true
		next, err = send(s.now().Add(totp.Period))
		if !errors.As(err, &e) || !codeAlreadyUsed(e) {
			return next, err
		}
		// Both codes Cognito accepts now are spent: the user signed in
		// twice in this window already (Terraform opens an ephemeral
		// resource at plan and at apply). The code after them is accepted
		// from the next window on: wait for it, at most one period, once.
		now := s.now()
		wait := totp.Period - time.Duration(now.UnixNano()%int64(totp.Period))
		if windowWait(ctx, wait) != nil {
			return next, err
		}
		return send(now.Add(wait + totp.Period))
	}
	return next, err
}

// windowWait waits d for the next TOTP window, or until ctx ends; tests
// replace it.
var windowWait = func(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// codeAlreadyUsed tells Cognito's refusal of a TOTP code used once already
// in its window: ExpiredCodeException, or either code with "already been
// used" ("Your software token has already been used once.").
func codeAlreadyUsed(e *Error) bool {
	if e.Code == "ExpiredCodeException" {
		return true
	}
	return e.Code == "CodeMismatchException" && strings.Contains(strings.ToLower(e.Message), "already been used")
}

func (s *signIn) startSRP() error {
	client, err := srp.NewClient(s.random)
	if err != nil {
		return failure.New(err, nil)
	}
	s.srp = client
	return nil
}

func (s *signIn) passwordClaim(ans answer) (srp.Claim, error) {
	poolName, err := srp.PoolName(s.req.UserPoolID)
	if err != nil {
		return srp.Claim{}, &Error{Reason: failure.InvalidParameter, Input: failure.UserPoolID}
	}
	for _, key := range []string{"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP"} {
		if ans.params[key] == "" {
			return srp.Claim{}, &Error{Reason: failure.Incomplete, Missing: failure.SRPChallenge, RequestID: requestIDOf(ans.metadata)}
		}
	}
	claim, err := s.srp.PasswordClaim(poolName, s.username, s.req.Password,
		ans.params["SALT"], ans.params["SRP_B"], ans.params["SECRET_BLOCK"], s.now())
	if err != nil {
		e := failure.New(err, s.secrets())
		e.Reason, e.Missing, e.RequestID = failure.Incomplete, failure.SRPChallenge, requestIDOf(ans.metadata)
		return srp.Claim{}, e
	}
	return claim, nil
}

// addSecretHash adds SECRET_HASH, for the username Cognito expects at this
// step (USER_ID_FOR_SRP once a challenge named it: the API reference of
// RespondToAuthChallenge requires SECRET_HASH "in all challenge
// responses", and clients that sign in with an alias compute it from
// USER_ID_FOR_SRP, capless/warrant#93).
func (s *signIn) addSecretHash(params map[string]string) {
	if s.req.ClientSecret != "" {
		hash := srp.SecretHash(s.req.ClientSecret, s.username, s.req.ClientID)
		params["SECRET_HASH"] = hash
		s.sent = append(s.sent, hash)
	}
}

// secrets are the request's and what was sent since.
func (s *signIn) secrets() []string { return append(s.req.Secrets(), s.sent...) }

func (s *signIn) initiate(ctx context.Context, params map[string]string, carriesCredential bool) (answer, error) {
	if s.req.flow() == FlowAdminUserPassword {
		return s.call(ctx, carriesCredential, true, func(ctx context.Context, client *cip.Client, opts func(*cip.Options)) (answer, error) {
			out, err := client.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
				AuthFlow:       types.AuthFlowTypeAdminUserPasswordAuth,
				UserPoolId:     aws.String(s.req.UserPoolID),
				ClientId:       aws.String(s.req.ClientID),
				AuthParameters: params,
				ClientMetadata: s.req.ClientMetadata,
			}, opts)
			if err != nil {
				return answer{}, err
			}
			return answer{challenge: out.ChallengeName, params: out.ChallengeParameters, session: aws.ToString(out.Session),
				result: out.AuthenticationResult, metadata: out.ResultMetadata}, nil
		})
	}
	return s.call(ctx, carriesCredential, false, func(ctx context.Context, client *cip.Client, opts func(*cip.Options)) (answer, error) {
		out, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
			AuthFlow:       types.AuthFlowType(s.req.flow()),
			ClientId:       aws.String(s.req.ClientID),
			AuthParameters: params,
			ClientMetadata: s.req.ClientMetadata,
		}, opts)
		if err != nil {
			return answer{}, err
		}
		return answer{challenge: out.ChallengeName, params: out.ChallengeParameters, session: aws.ToString(out.Session),
			result: out.AuthenticationResult, metadata: out.ResultMetadata}, nil
	})
}

// respond answers prev's challenge; call has recorded prev's session among
// the secrets to scrub.
func (s *signIn) respond(ctx context.Context, prev answer, responses map[string]string, carriesCredential bool) (answer, error) {
	if s.req.flow() == FlowAdminUserPassword {
		return s.call(ctx, carriesCredential, true, func(ctx context.Context, client *cip.Client, opts func(*cip.Options)) (answer, error) {
			out, err := client.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{
				UserPoolId:         aws.String(s.req.UserPoolID),
				ClientId:           aws.String(s.req.ClientID),
				ChallengeName:      prev.challenge,
				ChallengeResponses: responses,
				Session:            optional(prev.session),
				ClientMetadata:     s.req.ClientMetadata,
			}, opts)
			if err != nil {
				return answer{}, err
			}
			return answer{challenge: out.ChallengeName, params: out.ChallengeParameters, session: aws.ToString(out.Session),
				result: out.AuthenticationResult, metadata: out.ResultMetadata}, nil
		})
	}
	return s.call(ctx, carriesCredential, false, func(ctx context.Context, client *cip.Client, opts func(*cip.Options)) (answer, error) {
		out, err := client.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ClientId:           aws.String(s.req.ClientID),
			ChallengeName:      prev.challenge,
			ChallengeResponses: responses,
			Session:            optional(prev.session),
			ClientMetadata:     s.req.ClientMetadata,
		}, opts)
		if err != nil {
			return answer{}, err
		}
		return answer{challenge: out.ChallengeName, params: out.ChallengeParameters, session: aws.ToString(out.Session),
			result: out.AuthenticationResult, metadata: out.ResultMetadata}, nil
	})
}

// call sends one request of the sign-in through invoke: unsigned, or signed
// with the default chain's credentials (signed); with the retries a
// credential allows (carriesCredential).
func (s *signIn) call(ctx context.Context, carriesCredential, signed bool, send func(context.Context, *cip.Client, func(*cip.Options)) (answer, error)) (answer, error) {
	var creds aws.CredentialsProvider
	if signed {
		var err error
		if creds, err = s.c.credentials(ctx); err != nil {
			e := failure.New(err, s.secrets())
			e.Reason = failure.NoCredentials
			return answer{}, e
		}
	}
	opts := func(o *cip.Options) {
		if signed {
			o.Credentials = creds
		} else {
			o.AuthSchemeResolver = anonymousAuth{}
		}
		if carriesCredential {
			o.Retryer = s.c.policy.NewRetryer(signInRetryable)
		}
	}
	call := operation{region: s.req.TargetRegion(), secrets: s.secrets(), classifyAPI: classifySignInError}
	ans, started, attempts, err := invoke(ctx, s.c, call, func(ctx context.Context, client *cip.Client) (answer, error) {
		return send(ctx, client, opts)
	})
	s.attempts += attempts
	if e := (*Error)(nil); errors.As(err, &e) && signed && awsenv.IsCredentialsError(e.Unwrap()) {
		e.Reason, e.RootCause, e.NeverReached = failure.NoCredentials, "", false
	}
	ans.started = started
	if ans.session != "" {
		s.sent = append(s.sent, ans.session)
	}
	return ans, err
}

// signInRetryable is consulted before the SDK's own checks for a request
// that carries a credential: throttling and requests that reached no
// server are retried (neither can have counted), and nothing else is, not
// even a lost answer or a 5xx, which may have come after Cognito counted
// the attempt. It narrows the policy's retryer the way the Secrets Manager
// store's quotaIsFinal does, rather than adding a retry loop of its own.
var signInRetryable = retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
	if throttled(err) || retrypolicy.NeverReached(err) {
		return aws.TrueTernary
	}
	return aws.FalseTernary
})

// credentialSource loads the default credential chain once, lazily: only
// ADMIN_USER_PASSWORD_AUTH needs it, and Cognito's other operations must
// never look for credentials. Everything else (region, HTTP client,
// retries, endpoint) stays the environment's (awsenv).
type credentialSource struct {
	once     sync.Once
	provider aws.CredentialsProvider
	err      error
}

func (c *Client) credentials(ctx context.Context) (aws.CredentialsProvider, error) {
	c.creds.once.Do(func() {
		if c.creds.provider != nil {
			return
		}
		// The default chain always has a provider (its last, the instance
		// role, fails at first use when there is none).
		cfg, err := awsenv.Credentialed(ctx, c.base.Region, c.httpClient, c.policy)
		c.creds.provider, c.creds.err = cfg.Credentials, err
	})
	return c.creds.provider, c.creds.err
}

// RevokeToken revokes a refresh token and the access tokens issued from it
// (RevokeToken, unsigned), in region ("" for the client's): the sign-in's
// (SignInRequest.TargetRegion), since a user pool, and so its tokens, live
// in one region. Revoking changes nothing a retry could make worse, so it
// has every retry the policy allows.
func (c *Client) RevokeToken(ctx context.Context, region, clientID, clientSecret, refreshToken string) error {
	call := operation{region: region, secrets: redact.NonEmpty(clientID, clientSecret, refreshToken), classifyAPI: classifyRevokeError}
	_, _, _, err := invoke(ctx, c, call, func(ctx context.Context, client *cip.Client) (*cip.RevokeTokenOutput, error) {
		return client.RevokeToken(ctx, &cip.RevokeTokenInput{
			Token:        aws.String(refreshToken),
			ClientId:     aws.String(clientID),
			ClientSecret: optional(clientSecret),
		}, func(o *cip.Options) { o.AuthSchemeResolver = anonymousAuth{} })
	})
	return err
}

// defaultRandom is SRP's source of the secret a.
var defaultRandom io.Reader = rand.Reader
