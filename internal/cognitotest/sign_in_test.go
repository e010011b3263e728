package cognitotest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/srp"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/totp"
)

const (
	testPassword = "correct horse battery staple"
	testSeed     = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
)

var allSignInFlows = []string{AllowUserSRPAuth, AllowUserPasswordAuth, AllowAdminUserPasswordAuth, AllowUserAuth, AllowRefreshTokenAuth}

// signInPool is a double on a clock the test moves with Advance, with a
// client allowing every flow and a confirmed user "bot".
func signInPool(t *testing.T, c AppClient) (*Server, AppClient) {
	t.Helper()
	start := time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)
	s := newTestServer(t, PoolConfig{Now: func() time.Time { return start }})
	if c.ExplicitAuthFlows == nil {
		c.ExplicitAuthFlows = allSignInFlows
	}
	s.AddUser(User{Username: "bot", Email: "bot@example.com", Password: testPassword})
	return s, s.AddClient(c)
}

// signedClient is the SDK client with (any) AWS credentials, as the Admin
// operations need.
func signedClient(s *Server) *cip.Client {
	return cip.NewFromConfig(aws.Config{
		Region:           s.Region(),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}},
	}, func(o *cip.Options) { o.BaseEndpoint = aws.String(s.URL) })
}

func sdkAPIError(t *testing.T, err error) (code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("succeeded, want %s", code)
	}
	gotCode, gotMsg := sdkAPIError(t, err)
	if gotCode != code || (msg != "" && gotMsg != msg) {
		t.Fatalf("error %s %q, want %s %q", gotCode, gotMsg, code, msg)
	}
}

func withHash(c AppClient, username string, params map[string]string) map[string]string {
	if c.Secret != "" {
		params["SECRET_HASH"] = srp.SecretHash(c.Secret, username, c.ID)
	}
	return params
}

func passwordAuth(s *Server, c AppClient, username, password string) (*cip.InitiateAuthOutput, error) {
	return sdkClient(s, 1).InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(c.ID),
		AuthParameters: withHash(c, username, map[string]string{"USERNAME": username, "PASSWORD": password}),
	})
}

// srpStart sends SRP_A; srpAnswer answers the PASSWORD_VERIFIER challenge
// with internal/srp's client, as the provider does.
func srpStart(s *Server, c AppClient, username string) (*srp.Client, *cip.InitiateAuthOutput, error) {
	cl, err := srp.NewClient(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	out, err := sdkClient(s, 1).InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: aws.String(c.ID),
		AuthParameters: withHash(c, username, map[string]string{"USERNAME": username, "SRP_A": cl.SRPA()}),
	})
	return cl, out, err
}

func srpAnswer(t *testing.T, s *Server, c AppClient, cl *srp.Client, password string, session *string, p map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	poolName, err := srp.PoolName(s.PoolID())
	if err != nil {
		t.Fatal(err)
	}
	claim, err := cl.PasswordClaim(poolName, p["USER_ID_FOR_SRP"], password, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], s.Now())
	if err != nil {
		t.Fatal(err)
	}
	return sdkClient(s, 1).RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: aws.String(c.ID), Session: session,
		ChallengeResponses: withHash(c, p["USER_ID_FOR_SRP"], map[string]string{
			"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
			"PASSWORD_CLAIM_SIGNATURE": claim.Signature, "TIMESTAMP": claim.Timestamp,
		}),
	})
}

func srpSignIn(t *testing.T, s *Server, c AppClient, username, password string) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	cl, out, err := srpStart(s, c, username)
	if err != nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("challenge %q, want PASSWORD_VERIFIER", out.ChallengeName)
	}
	return srpAnswer(t, s, c, cl, password, out.Session, out.ChallengeParameters)
}

// checkTokens verifies a sign-in's tokens and that its refresh token works.
func checkTokens(t *testing.T, s *Server, c AppClient, res *types.AuthenticationResultType, username string) {
	t.Helper()
	if res == nil || res.RefreshToken == nil || *res.TokenType != "Bearer" || res.ExpiresIn != 3600 {
		t.Fatalf("result %+v", res)
	}
	access := mustVerify(t, *res.AccessToken, s.JWKS())
	id := mustVerify(t, *res.IdToken, s.JWKS())
	if access["username"] != username || id["cognito:username"] != username || access["client_id"] != c.ID ||
		access["origin_jti"] != id["origin_jti"] {
		t.Errorf("claims access=%v id=%v", access, id)
	}
	in := input(c.ID, *res.RefreshToken)
	if c.Secret != "" {
		in = withSecret(in, c.Secret)
	}
	mustRefresh(t, s, in)
}

func TestSignInSRP(t *testing.T) {
	s, c := signInPool(t, AppClient{GenerateSecret: true})
	out, err := srpSignIn(t, s, c, "bot", testPassword)
	if err != nil {
		t.Fatalf("RespondToAuthChallenge: %v", err)
	}
	checkTokens(t, s, c, out.AuthenticationResult, "bot")
	if n := s.AuthSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
}

func TestSignInSRPWrongPassword(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	_, err := srpSignIn(t, s, c, "bot", "wrong")
	wantAPIError(t, err, ErrNotAuthorized, MsgIncorrectCredentials)
}

func TestSignInUserPassword(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	out, err := passwordAuth(s, c, "bot", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, s, c, out.AuthenticationResult, "bot")
	_, err = passwordAuth(s, c, "bot", "wrong")
	wantAPIError(t, err, ErrNotAuthorized, MsgIncorrectCredentials)
}

func TestSignInAuthFlowNotEnabled(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.AddUser(User{Username: "bot", Password: testPassword})
	def := s.AddClient(AppClient{})
	if !slices.Equal(def.ExplicitAuthFlows, DefaultExplicitAuthFlows) {
		t.Errorf("default flows %v", def.ExplicitAuthFlows)
	}
	_, err := passwordAuth(s, def, "bot", testPassword)
	wantAPIError(t, err, ErrInvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")

	srpOnly := s.AddClient(AppClient{ExplicitAuthFlows: []string{AllowUserPasswordAuth}})
	_, _, err = srpStart(s, srpOnly, "bot")
	wantAPIError(t, err, ErrInvalidParameter, "USER_SRP_AUTH flow not enabled for this client")
	_, err = sdkClient(s, 1).InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserAuth, ClientId: aws.String(def.ID),
		AuthParameters: map[string]string{"USERNAME": "bot"},
	})
	wantAPIError(t, err, ErrInvalidParameter, "USER_AUTH flow not enabled for this client")

	// ADMIN_USER_PASSWORD_AUTH is AdminInitiateAuth's only.
	_, err = sdkClient(s, 1).InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, ClientId: aws.String(def.ID),
		AuthParameters: map[string]string{"USERNAME": "bot", "PASSWORD": testPassword},
	})
	wantAPIError(t, err, ErrInvalidParameter, MsgMissingAuthFlow)
}

func TestSignInSecretHash(t *testing.T) {
	s, c := signInPool(t, AppClient{GenerateSecret: true})
	noHash := c
	noHash.Secret = ""
	_, err := passwordAuth(s, noHash, "bot", testPassword)
	wantAPIError(t, err, ErrNotAuthorized, "Unable to verify secret hash for client "+c.ID)
	wrong := c
	wrong.Secret = "another-secret-of-some-length-0000000"
	_, err = passwordAuth(s, wrong, "bot", testPassword)
	wantAPIError(t, err, ErrNotAuthorized, "Unable to verify secret hash for client "+c.ID)
	if _, err := passwordAuth(s, c, "bot", testPassword); err != nil {
		t.Fatal(err)
	}

	public := s.AddClient(AppClient{ExplicitAuthFlows: allSignInFlows})
	withSecretHash := public
	withSecretHash.Secret = "a-secret-the-client-does-not-have"
	_, err = passwordAuth(s, withSecretHash, "bot", testPassword)
	wantAPIError(t, err, ErrInvalidParameter, "")
}

func TestSignInUserStates(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	for _, tc := range []struct {
		user      User
		code, msg string
		challenge types.ChallengeNameType
	}{
		{user: User{Status: UserStatusUnconfirmed}, code: ErrUserNotConfirmed, msg: MsgUserNotConfirmed},
		{user: User{Status: UserStatusResetRequired}, code: ErrPasswordResetRequired, msg: MsgPasswordResetRequired},
		{user: User{Disabled: true}, code: ErrNotAuthorized, msg: MsgUserDisabled},
		{user: User{Status: UserStatusForceChangePassword}, challenge: types.ChallengeNameTypeNewPasswordRequired},
		{user: User{Status: UserStatusConfirmed}},
	} {
		u := tc.user
		u.Username, u.Password = "user-"+u.Status, testPassword
		if u.Disabled {
			u.Username = "disabled"
		}
		s.AddUser(u)
		t.Run(u.Username, func(t *testing.T) {
			for flow, signIn := range map[string]func() (*string, types.ChallengeNameType, error){
				"password": func() (*string, types.ChallengeNameType, error) {
					out, err := passwordAuth(s, c, u.Username, testPassword)
					if err != nil {
						return nil, "", err
					}
					return out.Session, out.ChallengeName, nil
				},
				"srp": func() (*string, types.ChallengeNameType, error) {
					// A disabled user is refused at InitiateAuth already.
					cl, first, err := srpStart(s, c, u.Username)
					if err != nil {
						return nil, "", err
					}
					out, err := srpAnswer(t, s, c, cl, testPassword, first.Session, first.ChallengeParameters)
					if err != nil {
						return nil, "", err
					}
					return out.Session, out.ChallengeName, nil
				},
			} {
				session, challenge, err := signIn()
				switch {
				case tc.code != "":
					wantAPIError(t, err, tc.code, tc.msg)
				case err != nil:
					t.Fatalf("%s: %v", flow, err)
				case challenge != tc.challenge || (challenge != "") != (session != nil):
					t.Errorf("%s: challenge %q session %v, want %q", flow, challenge, session != nil, tc.challenge)
				}
			}
		})
	}
}

func TestSignInUnconfirmedBeforePassword(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	s.AddUser(User{Username: "new", Password: testPassword, Status: UserStatusUnconfirmed})
	_, err := passwordAuth(s, c, "new", "wrong")
	wantAPIError(t, err, ErrUserNotConfirmed, MsgUserNotConfirmed)
	_, _, err = srpStart(s, c, "new")
	wantAPIError(t, err, ErrUserNotConfirmed, MsgUserNotConfirmed)
}

func TestSignInValidation(t *testing.T) {
	s, _ := signInPool(t, AppClient{})
	for target, want := range map[string]string{
		TargetInitiateAuth:           "2 validation errors detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null",
		TargetAdminInitiateAuth:      "", // unsigned: refused before validation
		TargetRespondToAuthChallenge: "2 validation errors detected: Value null at 'challengeName'",
		TargetRevokeToken:            "2 validation errors detected: Value null at 'token'",
	} {
		status, _, body := post(t, s, target, jsonContentType, `{}`)
		wantType := ErrInvalidParameter
		if want == "" {
			wantType = ErrMissingAuthenticationToken
		}
		if body["__type"] != wantType || !strings.HasPrefix(fmt.Sprint(body["message"]), want) || status != StatusFor(wantType) {
			t.Errorf("%s: HTTP %d %v", target, status, body)
		}
	}
}

func TestSignInUnknownUser(t *testing.T) {
	s, legacy := signInPool(t, AppClient{})
	_, err := passwordAuth(s, legacy, "nobody", testPassword)
	wantAPIError(t, err, ErrUserNotFound, MsgUserNotFound)
	_, _, err = srpStart(s, legacy, "nobody")
	wantAPIError(t, err, ErrUserNotFound, MsgUserNotFound)

	enabled := s.AddClient(AppClient{ExplicitAuthFlows: allSignInFlows, PreventUserExistenceErrors: PreventUserExistenceEnabled})
	_, err = passwordAuth(s, enabled, "nobody", testPassword)
	wantAPIError(t, err, ErrNotAuthorized, MsgIncorrectCredentials)
	// SRP: a challenge like any user's, then the generic failure.
	_, err = srpSignIn(t, s, enabled, "nobody", testPassword)
	wantAPIError(t, err, ErrNotAuthorized, MsgIncorrectCredentials)
}

func TestSignInLockout(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	for range lockoutThreshold {
		_, err := passwordAuth(s, c, "bot", "wrong")
		wantAPIError(t, err, ErrNotAuthorized, MsgIncorrectCredentials)
	}
	_, err := passwordAuth(s, c, "bot", testPassword)
	wantAPIError(t, err, ErrNotAuthorized, MsgPasswordAttemptsExceeded)
	s.Advance(time.Second) // 2^(5-5) s
	if _, err := passwordAuth(s, c, "bot", testPassword); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	// A success resets the count: one more failure does not lock.
	_, err = passwordAuth(s, c, "bot", "wrong")
	wantAPIError(t, err, ErrNotAuthorized, MsgIncorrectCredentials)
	if _, err := passwordAuth(s, c, "bot", testPassword); err != nil {
		t.Fatal(err)
	}
}

func totpAnswer(s *Server, c AppClient, session *string, code string) (*cip.RespondToAuthChallengeOutput, error) {
	return sdkClient(s, 1).RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, ClientId: aws.String(c.ID), Session: session,
		ChallengeResponses: withHash(c, "mfa", map[string]string{"USERNAME": "mfa", "SOFTWARE_TOKEN_MFA_CODE": code}),
	})
}

func TestSignInTOTP(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	s.AddUser(User{Username: "mfa", Password: testPassword, TOTPSecret: testSeed})
	seed, err := totp.ParseSeed(testSeed)
	if err != nil {
		t.Fatal(err)
	}
	start := func() *string {
		out, err := passwordAuth(s, c, "mfa", testPassword)
		if err != nil || out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("challenge %v, %v", out, err)
		}
		return out.Session
	}
	session := start()
	_, err = totpAnswer(s, c, session, seed.Code(s.Now().Add(-time.Hour)))
	wantAPIError(t, err, ErrCodeMismatch, MsgCodeMismatch)
	out, err := totpAnswer(s, c, session, seed.Code(s.Now())) // the session survived the wrong code
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, s, c, out.AuthenticationResult, "mfa")

	// The same code again, in the same window: refused; the next window's
	// code passes (one step of drift).
	session = start()
	_, err = totpAnswer(s, c, session, seed.Code(s.Now()))
	wantAPIError(t, err, ErrExpiredCode, MsgCodeReused)
	if _, err := totpAnswer(s, c, session, seed.Code(s.Now().Add(totp.Period))); err != nil {
		t.Fatalf("next window: %v", err)
	}
	// Two windows ahead is too far.
	session = start()
	_, err = totpAnswer(s, c, session, seed.Code(s.Now().Add(3*totp.Period)))
	wantAPIError(t, err, ErrCodeMismatch, MsgCodeMismatch)
}

func TestSignInSessionLifetime(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	cl, out, err := srpStart(s, c, "bot")
	if err != nil {
		t.Fatal(err)
	}
	s.Advance(3 * time.Minute)
	_, err = srpAnswer(t, s, c, cl, testPassword, out.Session, out.ChallengeParameters)
	wantAPIError(t, err, ErrNotAuthorized, MsgSessionExpired)

	long := s.AddClient(AppClient{ExplicitAuthFlows: allSignInFlows, AuthSessionValidity: 10 * time.Minute})
	cl, out, err = srpStart(s, long, "bot")
	if err != nil {
		t.Fatal(err)
	}
	s.Advance(9 * time.Minute)
	if _, err := srpAnswer(t, s, long, cl, testPassword, out.Session, out.ChallengeParameters); err != nil {
		t.Fatalf("within AuthSessionValidity: %v", err)
	}
	// A session is spent once answered.
	_, err = srpAnswer(t, s, long, cl, testPassword, out.Session, out.ChallengeParameters)
	wantAPIError(t, err, ErrNotAuthorized, MsgSessionExpired)
}

func TestSignInUserAuth(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	ctx := context.Background()
	initiate := func(params map[string]string) *cip.InitiateAuthOutput {
		t.Helper()
		out, err := sdkClient(s, 1).InitiateAuth(ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeUserAuth, ClientId: aws.String(c.ID), AuthParameters: params,
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := initiate(map[string]string{"USERNAME": "bot", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": testPassword})
	checkTokens(t, s, c, out.AuthenticationResult, "bot")

	cl, err := srp.NewClient(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	out = initiate(map[string]string{"USERNAME": "bot", "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": cl.SRPA()})
	res, err := srpAnswer(t, s, c, cl, testPassword, out.Session, out.ChallengeParameters)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, s, c, res.AuthenticationResult, "bot")

	for _, answer := range []string{"PASSWORD", "PASSWORD_SRP"} {
		out = initiate(map[string]string{"USERNAME": "bot"})
		if out.ChallengeName != types.ChallengeNameTypeSelectChallenge ||
			!slices.Equal(out.AvailableChallenges, []types.ChallengeNameType{"PASSWORD", "PASSWORD_SRP"}) {
			t.Fatalf("challenge %q available %v", out.ChallengeName, out.AvailableChallenges)
		}
		cl, _ = srp.NewClient(rand.Reader)
		next, err := sdkClient(s, 1).RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ChallengeName: types.ChallengeNameTypeSelectChallenge, ClientId: aws.String(c.ID), Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "bot", "ANSWER": answer, "PASSWORD": testPassword, "SRP_A": cl.SRPA()},
		})
		if err != nil {
			t.Fatal(err)
		}
		if answer == "PASSWORD_SRP" {
			if next.ChallengeName != types.ChallengeNameTypePasswordVerifier {
				t.Fatalf("challenge %q after PASSWORD_SRP", next.ChallengeName)
			}
			next, err = srpAnswer(t, s, c, cl, testPassword, next.Session, next.ChallengeParameters)
			if err != nil {
				t.Fatal(err)
			}
		}
		checkTokens(t, s, c, next.AuthenticationResult, "bot")
	}
}

func TestSignInOtherChallenges(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	for _, ch := range []string{ChallengeSMSMFA, ChallengeEmailOTP, ChallengeMFASetup, ChallengeSelectMFAType,
		ChallengeCustom, ChallengeWebAuthn, ChallengeDeviceSRPAuth} {
		s.AddUser(User{Username: "u-" + ch, Password: testPassword, Challenge: ch})
		out, err := passwordAuth(s, c, "u-"+ch, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if string(out.ChallengeName) != ch || out.Session == nil || out.AuthenticationResult != nil ||
			out.ChallengeParameters["USERNAME"] != "u-"+ch {
			t.Errorf("%s: got %q", ch, out.ChallengeName)
		}
	}
	// After TOTP, the declared challenge still comes.
	s.AddUser(User{Username: "mfa", Password: testPassword, TOTPSecret: testSeed, Challenge: ChallengeDeviceSRPAuth})
	out, err := passwordAuth(s, c, "mfa", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := totp.ParseSeed(testSeed)
	next, err := totpAnswer(s, c, out.Session, seed.Code(s.Now()))
	if err != nil || next.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("after TOTP: %v %v", next, err)
	}
}

func TestAdminInitiateAuth(t *testing.T) {
	s, c := signInPool(t, AppClient{GenerateSecret: true})
	s.AddUser(User{Username: "mfa", Password: testPassword, TOTPSecret: testSeed})
	ctx := context.Background()
	in := func(user string) *cip.AdminInitiateAuthInput {
		return &cip.AdminInitiateAuthInput{
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, ClientId: aws.String(c.ID), UserPoolId: aws.String(s.PoolID()),
			AuthParameters: withHash(c, user, map[string]string{"USERNAME": user, "PASSWORD": testPassword}),
		}
	}
	// Unsigned, as AWS answers a request without credentials.
	_, err := sdkClient(s, 1).AdminInitiateAuth(ctx, in("bot"))
	wantAPIError(t, err, ErrMissingAuthenticationToken, MsgMissingAuth)
	if status, _ := httpStatus(t, err); status != http.StatusForbidden {
		t.Errorf("status %d, want 403", status)
	}

	out, err := signedClient(s).AdminInitiateAuth(ctx, in("bot"))
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, s, c, out.AuthenticationResult, "bot")

	other := in("bot")
	other.UserPoolId = aws.String(s.Region() + "_000000000")
	_, err = signedClient(s).AdminInitiateAuth(ctx, other)
	wantAPIError(t, err, ErrResourceNotFound, "")

	userPassword := in("bot")
	userPassword.AuthFlow = types.AuthFlowTypeUserPasswordAuth
	_, err = signedClient(s).AdminInitiateAuth(ctx, userPassword)
	wantAPIError(t, err, ErrInvalidParameter, MsgMissingAuthFlow)

	noAdmin := s.AddClient(AppClient{ExplicitAuthFlows: []string{AllowUserSRPAuth}})
	_, err = signedClient(s).AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, ClientId: aws.String(noAdmin.ID), UserPoolId: aws.String(s.PoolID()),
		AuthParameters: map[string]string{"USERNAME": "bot", "PASSWORD": testPassword},
	})
	wantAPIError(t, err, ErrInvalidParameter, "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client")

	// TOTP through AdminRespondToAuthChallenge; the session is the Admin
	// operation's only.
	out, err = signedClient(s).AdminInitiateAuth(ctx, in("mfa"))
	if err != nil || out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("%v %v", out, err)
	}
	seed, _ := totp.ParseSeed(testSeed)
	answer := withHash(c, "mfa", map[string]string{"USERNAME": "mfa", "SOFTWARE_TOKEN_MFA_CODE": seed.Code(s.Now())})
	_, err = sdkClient(s, 1).AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, ClientId: aws.String(c.ID), UserPoolId: aws.String(s.PoolID()),
		Session: out.Session, ChallengeResponses: answer,
	})
	wantAPIError(t, err, ErrMissingAuthenticationToken, "")
	res, err := signedClient(s).AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, ClientId: aws.String(c.ID), UserPoolId: aws.String(s.PoolID()),
		Session: out.Session, ChallengeResponses: answer,
	})
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, s, c, res.AuthenticationResult, "mfa")
}

func TestRevokeToken(t *testing.T) {
	s, c := signInPool(t, AppClient{GenerateSecret: true})
	ctx := context.Background()
	out, err := passwordAuth(s, c, "bot", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	res := out.AuthenticationResult
	refreshed := mustRefresh(t, s, withSecret(input(c.ID, *res.RefreshToken), c.Secret)).AuthenticationResult
	for _, access := range []*string{res.AccessToken, refreshed.AccessToken} {
		if _, err := sdkClient(s, 1).GetUser(ctx, &cip.GetUserInput{AccessToken: access}); err != nil {
			t.Fatalf("GetUser before revoking: %v", err)
		}
	}

	revoke := func(token, clientID, secret string) error {
		in := &cip.RevokeTokenInput{Token: aws.String(token), ClientId: aws.String(clientID)}
		if secret != "" {
			in.ClientSecret = aws.String(secret)
		}
		_, err := sdkClient(s, 1).RevokeToken(ctx, in)
		return err
	}
	wantAPIError(t, revoke(*res.RefreshToken, c.ID, ""), ErrUnauthorized, "")
	wantAPIError(t, revoke(*res.AccessToken, c.ID, c.Secret), ErrUnsupportedTokenType, "")
	other := s.AddClient(AppClient{})
	wantAPIError(t, revoke(*res.RefreshToken, other.ID, ""), ErrUnauthorized, "")
	if s.AccessTokenRevoked(*res.AccessToken) {
		t.Fatal("revoked by a refused request")
	}

	if err := revoke(*res.RefreshToken, c.ID, c.Secret); err != nil {
		t.Fatal(err)
	}
	_, err = refresh(t, s, withSecret(input(c.ID, *res.RefreshToken), c.Secret))
	wantAPIError(t, err, ErrNotAuthorized, MsgRefreshTokenRevoked)
	for _, access := range []*string{res.AccessToken, refreshed.AccessToken} {
		_, err := sdkClient(s, 1).GetUser(ctx, &cip.GetUserInput{AccessToken: access})
		wantAPIError(t, err, ErrNotAuthorized, MsgAccessTokenRevoked)
		if !s.AccessTokenRevoked(*access) {
			t.Error("AccessTokenRevoked false")
		}
	}
	// Revoking again, or a token Cognito never issued, succeeds (RFC 7009).
	if err := revoke(*res.RefreshToken, c.ID, c.Secret); err != nil {
		t.Fatal(err)
	}
	if err := revoke(newRefreshToken(), c.ID, c.Secret); err != nil {
		t.Fatal(err)
	}

	off := s.AddClient(AppClient{ExplicitAuthFlows: allSignInFlows, DisableTokenRevocation: true})
	out, err = passwordAuth(s, off, "bot", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, revoke(*out.AuthenticationResult.RefreshToken, off.ID, ""), ErrUnsupportedOperation, "")
}

func TestSignInFaults(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	s.InjectFault(Fault{ErrorType: ErrTooManyRequests, Times: 2})
	_, err := passwordAuth(s, c, "bot", testPassword)
	wantAPIError(t, err, ErrTooManyRequests, MsgThrottled)
	_, err = sdkClient(s, 1).RevokeToken(context.Background(), &cip.RevokeTokenInput{Token: aws.String(newRefreshToken()), ClientId: aws.String(c.ID)})
	wantAPIError(t, err, ErrTooManyRequests, MsgThrottled)
	if _, err := passwordAuth(s, c, "bot", testPassword); err != nil {
		t.Fatal(err)
	}
	if got := s.Requests()[0].Target; got != TargetInitiateAuth {
		t.Errorf("recorded target %q", got)
	}
}

func TestSignInLostAnswerStillCounts(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	// Failed attempts whose answers never arrive still count toward the
	// lockout: the attempt was processed.
	s.InjectFault(Fault{AfterProcessing: true, ResetConnection: true, Times: lockoutThreshold})
	for range lockoutThreshold {
		if _, err := passwordAuth(s, c, "bot", "wrong"); err == nil {
			t.Fatal("answer arrived")
		}
	}
	_, err := passwordAuth(s, c, "bot", testPassword)
	wantAPIError(t, err, ErrNotAuthorized, MsgPasswordAttemptsExceeded)
}

func TestRevokeTokenRevokesRotatedFamily(t *testing.T) {
	s, c := signInPool(t, AppClient{Rotation: true})
	out, err := passwordAuth(s, c, "bot", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustRefresh(t, s, input(c.ID, *out.AuthenticationResult.RefreshToken)).AuthenticationResult
	if _, err := sdkClient(s, 1).RevokeToken(context.Background(), &cip.RevokeTokenInput{
		Token: out.AuthenticationResult.RefreshToken, ClientId: aws.String(c.ID),
	}); err != nil {
		t.Fatal(err)
	}
	_, err = refresh(t, s, input(c.ID, *rotated.RefreshToken))
	wantAPIError(t, err, ErrNotAuthorized, MsgRefreshTokenRevoked)
	_, err = sdkClient(s, 1).GetUser(context.Background(), &cip.GetUserInput{AccessToken: rotated.AccessToken})
	wantAPIError(t, err, ErrNotAuthorized, MsgAccessTokenRevoked)
}

func TestGetUser(t *testing.T) {
	s, c := signInPool(t, AppClient{})
	out, err := passwordAuth(s, c, "bot", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	user, err := sdkClient(s, 1).GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
	if err != nil || *user.Username != "bot" {
		t.Fatalf("GetUser: %v %v", user, err)
	}
	id := mustVerify(t, *out.AuthenticationResult.IdToken, s.JWKS())
	_, err = sdkClient(s, 1).GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.IdToken})
	wantAPIError(t, err, ErrNotAuthorized, MsgInvalidAccessToken)
	other := newTestServer(t, PoolConfig{})
	_, err = sdkClient(other, 1).GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
	wantAPIError(t, err, ErrNotAuthorized, MsgInvalidAccessToken)
	s.Advance(time.Hour)
	_, err = sdkClient(s, 1).GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
	wantAPIError(t, err, ErrNotAuthorized, MsgAccessTokenExpired)
	if id["token_use"] != "id" {
		t.Errorf("id token_use %v", id["token_use"])
	}
}

func TestSignInTrigger(t *testing.T) {
	var fail error
	start := time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)
	s := newTestServer(t, PoolConfig{Now: func() time.Time { return start }, PreTokenGeneration: func(TriggerEvent) error { return fail }})
	s.AddUser(User{Username: "bot", Password: testPassword})
	c := s.AddClient(AppClient{ExplicitAuthFlows: allSignInFlows})
	_, err := sdkClient(s, 1).InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(c.ID),
		AuthParameters: map[string]string{"USERNAME": "bot", "PASSWORD": testPassword},
		ClientMetadata: map[string]string{"pipeline": "deploy"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := s.TriggerEvents()
	if len(ev) != 1 || ev[0].TriggerSource != "TokenGeneration_Authentication" || ev[0].ClientMetadata["pipeline"] != "deploy" ||
		ev[0].Username != "bot" || ev[0].ClientID != c.ID {
		t.Fatalf("events %+v", ev)
	}
	fail = &LambdaValidationError{Message: "no"}
	_, err = passwordAuth(s, c, "bot", testPassword)
	wantAPIError(t, err, ErrUserLambdaValidation, msgUserLambdaValidation+"no.")
}
