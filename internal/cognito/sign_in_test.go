package cognito

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/srp"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/totp"
)

const (
	testPoolID   = "eu-west-1_Pool9"
	testClientID = "client1234"
	testSecret   = "clientsecretclientsecret1234"
	testPassword = "Corr3ct-horse!battery"
	// testSeed is a base32 TOTP seed.
	testSeed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
)

// wireCall is one request the fake saw.
type wireCall struct {
	target string
	auth   string
	body   map[string]any
}

func (w wireCall) params(key string) map[string]string {
	out := map[string]string{}
	if m, ok := w.body[key].(map[string]any); ok {
		for k, v := range m {
			out[k], _ = v.(string)
		}
	}
	return out
}

// fakeCognito answers each request with the next of its replies (the last
// one repeats), each a function of the request.
type fakeCognito struct {
	mu      sync.Mutex
	calls   []wireCall
	replies []func(wireCall) (int, any)
}

func (f *fakeCognito) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	call := wireCall{target: strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService."), auth: r.Header.Get("Authorization")}
	_ = json.Unmarshal(raw, &call.body)
	f.mu.Lock()
	f.calls = append(f.calls, call)
	reply := f.replies[min(len(f.calls), len(f.replies))-1]
	f.mu.Unlock()
	status, body := reply(call)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "req-1")
	if e, ok := body.(wireError); ok {
		w.Header().Set("X-Amzn-Errortype", e.Type)
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

type wireError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func fail(code, message string) func(wireCall) (int, any) {
	status := http.StatusBadRequest
	if code == "InternalErrorException" {
		status = http.StatusInternalServerError
	}
	return func(wireCall) (int, any) { return status, wireError{code, message} }
}

func issued(wireCall) (int, any) {
	return http.StatusOK, map[string]any{"AuthenticationResult": map[string]any{
		"AccessToken": "access.tok.en", "IdToken": "id.tok.en", "RefreshToken": "refresh-token-value",
		"ExpiresIn": 3600, "TokenType": "Bearer",
	}}
}

func challenge(name string, params map[string]string) func(wireCall) (int, any) {
	return func(wireCall) (int, any) {
		return http.StatusOK, map[string]any{"ChallengeName": name, "ChallengeParameters": params, "Session": opaqueSession}
	}
}

// opaqueSession is a challenge session as Cognito returns one: opaque, and
// a bearer of the sign-in so far.
const opaqueSession = "AYABeGxN0pq7Sessi0nOpaque"

var signInClock = time.Date(2026, 12, 7, 3, 4, 5, 0, time.UTC)

func signInClient(t *testing.T, f *fakeCognito, retries int) *Client {
	t.Helper()
	isolate(t, "")
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := load(context.Background(), Config{Region: "us-east-1", Endpoint: srv.URL, MaxRetries: &retries, Backoff: cognitotest.QuickBackoff})
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return signInClock }
	return c
}

func signInError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *failure.Error", err, err)
	}
	return e
}

func TestSignInUserPassword(t *testing.T) {
	f := &fakeCognito{replies: []func(wireCall) (int, any){issued}}
	c := signInClient(t, f, 2)
	tokens, err := c.SignIn(context.Background(), SignInRequest{
		UserPoolID: testPoolID, ClientID: testClientID, ClientSecret: testSecret, Username: "bot", Password: testPassword,
		Flow: FlowUserPassword, ClientMetadata: map[string]string{"run": "42"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tokens.AccessToken != "access.tok.en" || tokens.IDToken != "id.tok.en" || tokens.NewRefreshToken != "refresh-token-value" ||
		tokens.ExpiresIn != 3600 || tokens.Attempts != 1 || !tokens.ExpiresAt.Equal(signInClock.Add(time.Hour)) {
		t.Errorf("tokens %+v", tokens)
	}
	call := f.calls[0]
	params := call.params("AuthParameters")
	if call.target != "InitiateAuth" || call.body["AuthFlow"] != "USER_PASSWORD_AUTH" || call.body["ClientId"] != testClientID ||
		params["USERNAME"] != "bot" || params["PASSWORD"] != testPassword || params["SECRET_HASH"] != srp.SecretHash(testSecret, "bot", testClientID) ||
		len(params) != 3 || call.params("ClientMetadata")["run"] != "42" {
		t.Errorf("request %+v", call)
	}
	if call.auth != "" {
		t.Errorf("InitiateAuth was signed: %q", call.auth)
	}
}

// srpServer is the server side of Cognito's SRP from internal/srp's
// primitives: v = g^x, B = k v + g^b, S = (A v^u)^b.
type srpServer struct {
	t                      *testing.T
	userID, password, pool string
	salt, b, bigB          *big.Int
	secretBlock            []byte
}

func newSRPServer(t *testing.T, userID, password string) *srpServer {
	s := &srpServer{t: t, userID: userID, password: password, pool: "Pool9", secretBlock: []byte("secret-block-bytes")}
	s.salt, _ = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	s.b, _ = rand.Int(rand.Reader, srp.N())
	s.bigB = new(big.Int).Add(new(big.Int).Mul(srp.K(), s.verifier()), new(big.Int).Exp(srp.G(), s.b, srp.N()))
	s.bigB.Mod(s.bigB, srp.N())
	return s
}

func (s *srpServer) verifier() *big.Int {
	return new(big.Int).Exp(srp.G(), srp.X(s.pool, s.userID, s.password, s.salt), srp.N())
}

func (s *srpServer) challenge(wireCall) (int, any) {
	return http.StatusOK, map[string]any{"ChallengeName": "PASSWORD_VERIFIER", "Session": "srp-session", "ChallengeParameters": map[string]string{
		"USER_ID_FOR_SRP": s.userID, "SALT": s.salt.Text(16), "SRP_B": s.bigB.Text(16),
		"SECRET_BLOCK": base64.StdEncoding.EncodeToString(s.secretBlock),
	}}
}

// verify checks PASSWORD_CLAIM_SIGNATURE against the SRP_A of srpA.
func (s *srpServer) verify(srpA string, responses map[string]string) bool {
	bigA, err := srp.ParseHex(srpA)
	if err != nil {
		return false
	}
	u := srp.U(bigA, s.bigB)
	base := new(big.Int).Mul(bigA, new(big.Int).Exp(s.verifier(), u, srp.N()))
	sharedS := new(big.Int).Exp(base.Mod(base, srp.N()), s.b, srp.N())
	key := srp.AuthenticationKey(sharedS, u)
	want := srp.ClaimSignature(key, s.pool, s.userID, s.secretBlock, responses["TIMESTAMP"])
	return responses["PASSWORD_CLAIM_SIGNATURE"] == want
}

func TestSignInSRP(t *testing.T) {
	// The user signs in with an alias; Cognito's internal name comes back
	// as USER_ID_FOR_SRP and is what the claim and SECRET_HASH use.
	server := newSRPServer(t, "8f1c-internal-id", testPassword)
	var srpA string
	f := &fakeCognito{}
	f.replies = []func(wireCall) (int, any){
		func(call wireCall) (int, any) {
			srpA = call.params("AuthParameters")["SRP_A"]
			return server.challenge(call)
		},
		func(call wireCall) (int, any) {
			if !server.verify(srpA, call.params("ChallengeResponses")) {
				return fail("NotAuthorizedException", "Incorrect username or password.")(call)
			}
			return issued(call)
		},
	}
	c := signInClient(t, f, 2)
	tokens, err := c.SignIn(context.Background(), SignInRequest{
		UserPoolID: testPoolID, ClientID: testClientID, ClientSecret: testSecret, Username: "bot@example.com", Password: testPassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	if tokens.Attempts != 2 || tokens.NewRefreshToken == "" {
		t.Errorf("tokens %+v", tokens)
	}
	first, second := f.calls[0], f.calls[1]
	if first.body["AuthFlow"] != "USER_SRP_AUTH" || first.params("AuthParameters")["USERNAME"] != "bot@example.com" ||
		first.params("AuthParameters")["SECRET_HASH"] != srp.SecretHash(testSecret, "bot@example.com", testClientID) ||
		first.params("AuthParameters")["PASSWORD"] != "" {
		t.Errorf("InitiateAuth %+v", first)
	}
	responses := second.params("ChallengeResponses")
	if second.target != "RespondToAuthChallenge" || second.body["ChallengeName"] != "PASSWORD_VERIFIER" || second.body["Session"] != "srp-session" ||
		responses["USERNAME"] != "8f1c-internal-id" || responses["SECRET_HASH"] != srp.SecretHash(testSecret, "8f1c-internal-id", testClientID) ||
		responses["TIMESTAMP"] != "Mon Dec 7 03:04:05 UTC 2026" || responses["PASSWORD_CLAIM_SECRET_BLOCK"] != base64.StdEncoding.EncodeToString(server.secretBlock) {
		t.Errorf("RespondToAuthChallenge %+v", second)
	}
	for _, call := range f.calls {
		if strings.Contains(mustJSON(call.body), testPassword) {
			t.Errorf("%s carried the password", call.target)
		}
	}

	// A wrong password fails the claim: not retried, and not told apart
	// from a wrong username.
	f.calls = nil
	_, err = c.SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: "wrong"})
	if e := signInError(t, err); e.Reason != failure.NotAuthorized || e.Input != failure.NoInput || e.Attempts != 2 || len(f.calls) != 2 {
		t.Errorf("wrong password: %+v after %d requests", e, len(f.calls))
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSignInUserAuth(t *testing.T) {
	t.Run("PASSWORD preferred", func(t *testing.T) {
		f := &fakeCognito{replies: []func(wireCall) (int, any){issued}}
		c := signInClient(t, f, 0)
		if _, err := c.SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword,
			Flow: FlowUserAuth, PreferredChallenge: ChallengePassword}); err != nil {
			t.Fatal(err)
		}
		params := f.calls[0].params("AuthParameters")
		if f.calls[0].body["AuthFlow"] != "USER_AUTH" || params["PREFERRED_CHALLENGE"] != "PASSWORD" || params["PASSWORD"] != testPassword || len(params) != 3 {
			t.Errorf("InitiateAuth %+v", f.calls[0])
		}
	})
	t.Run("SELECT_CHALLENGE then PASSWORD_SRP", func(t *testing.T) {
		server := newSRPServer(t, "bot", testPassword)
		var srpA string
		f := &fakeCognito{}
		f.replies = []func(wireCall) (int, any){
			challenge("SELECT_CHALLENGE", map[string]string{}),
			func(call wireCall) (int, any) {
				srpA = call.params("ChallengeResponses")["SRP_A"]
				return server.challenge(call)
			},
			func(call wireCall) (int, any) {
				if !server.verify(srpA, call.params("ChallengeResponses")) {
					return fail("NotAuthorizedException", "Incorrect username or password.")(call)
				}
				return issued(call)
			},
		}
		c := signInClient(t, f, 0)
		tokens, err := c.SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword, Flow: FlowUserAuth})
		if err != nil {
			t.Fatal(err)
		}
		sel := f.calls[1].params("ChallengeResponses")
		if f.calls[0].params("AuthParameters")["PREFERRED_CHALLENGE"] != "PASSWORD_SRP" || f.calls[1].body["ChallengeName"] != "SELECT_CHALLENGE" ||
			sel["ANSWER"] != "PASSWORD_SRP" || sel["SRP_A"] != f.calls[0].params("AuthParameters")["SRP_A"] || sel["USERNAME"] != "bot" || tokens.Attempts != 3 {
			t.Errorf("calls %+v, tokens %+v", f.calls, tokens)
		}
	})
	t.Run("SELECT_CHALLENGE then PASSWORD", func(t *testing.T) {
		f := &fakeCognito{replies: []func(wireCall) (int, any){challenge("SELECT_CHALLENGE", nil), issued}}
		c := signInClient(t, f, 0)
		if _, err := c.SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword,
			Flow: FlowUserAuth, PreferredChallenge: ChallengePassword}); err != nil {
			t.Fatal(err)
		}
		if sel := f.calls[1].params("ChallengeResponses"); sel["ANSWER"] != "PASSWORD" || sel["PASSWORD"] != testPassword {
			t.Errorf("SELECT_CHALLENGE answer %+v", sel)
		}
	})
}

func TestSignInAdmin(t *testing.T) {
	f := &fakeCognito{replies: []func(wireCall) (int, any){challenge("SOFTWARE_TOKEN_MFA", nil), issued}}
	// The environment's key must not replace the credentials the client holds.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret-from-environment")
	c := signInClient(t, f, 0)
	c.creds.provider = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secretkeyexample", "")
	if _, err := c.SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword,
		Flow: FlowAdminUserPassword, TOTPSecret: testSeed}); err != nil {
		t.Fatal(err)
	}
	first, second := f.calls[0], f.calls[1]
	if first.target != "AdminInitiateAuth" || first.body["UserPoolId"] != testPoolID || first.body["AuthFlow"] != "ADMIN_USER_PASSWORD_AUTH" ||
		!strings.Contains(first.auth, "AKIDEXAMPLE") || !strings.Contains(first.auth, "eu-west-1/cognito-idp") {
		t.Errorf("AdminInitiateAuth %+v", first)
	}
	if second.target != "AdminRespondToAuthChallenge" || second.body["UserPoolId"] != testPoolID || second.auth == "" {
		t.Errorf("AdminRespondToAuthChallenge %+v", second)
	}

	// No credentials: nothing is sent.
	f2 := &fakeCognito{replies: []func(wireCall) (int, any){issued}}
	c2 := signInClient(t, f2, 0)
	c2.creds.provider = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no EC2 IMDS role found")
	})
	_, err := c2.SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword, Flow: FlowAdminUserPassword})
	if e := signInError(t, err); e.Reason != failure.NoCredentials || len(f2.calls) != 0 {
		t.Errorf("without credentials: %+v, %d requests", e, len(f2.calls))
	}
}

func TestSignInTOTP(t *testing.T) {
	seed, err := totp.ParseSeed(testSeed)
	if err != nil {
		t.Fatal(err)
	}
	mfa := challenge("SOFTWARE_TOKEN_MFA", map[string]string{"USER_ID_FOR_SRP": "bot"})
	req := SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, ClientSecret: testSecret, Username: "bot", Password: testPassword, Flow: FlowUserPassword, TOTPSecret: testSeed}

	t.Run("answered", func(t *testing.T) {
		f := &fakeCognito{replies: []func(wireCall) (int, any){mfa, issued}}
		if _, err := signInClient(t, f, 0).SignIn(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		r := f.calls[1].params("ChallengeResponses")
		if r["SOFTWARE_TOKEN_MFA_CODE"] != seed.Code(signInClock) || r["USERNAME"] != "bot" || r["SECRET_HASH"] != srp.SecretHash(testSecret, "bot", testClientID) ||
			f.calls[1].body["Session"] != opaqueSession {
			t.Errorf("responses %+v", f.calls[1])
		}
	})
	t.Run("already used: the next window's code, once", func(t *testing.T) {
		f := &fakeCognito{replies: []func(wireCall) (int, any){mfa, fail("ExpiredCodeException", "Your software token has already been used once."), issued}}
		tokens, err := signInClient(t, f, 3).SignIn(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.calls[2].params("ChallengeResponses")["SOFTWARE_TOKEN_MFA_CODE"]; got != seed.Code(signInClock.Add(totp.Period)) || tokens.Attempts != 3 {
			t.Errorf("retry code %q, attempts %d", got, tokens.Attempts)
		}
	})
	used := fail("CodeMismatchException", "Your software token has already been used once.")
	t.Run("already used twice: the code after next, when the next window begins", func(t *testing.T) {
		waited := fakeWindowWait(t)
		f := &fakeCognito{replies: []func(wireCall) (int, any){mfa, used, used, issued}}
		if _, err := signInClient(t, f, 3).SignIn(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		// signInClock is 5 s into its window.
		if *waited != 25*time.Second || len(f.calls) != 4 {
			t.Fatalf("waited %s, %d requests", *waited, len(f.calls))
		}
		if got := f.calls[3].params("ChallengeResponses")["SOFTWARE_TOKEN_MFA_CODE"]; got != seed.Code(signInClock.Add(*waited+totp.Period)) {
			t.Errorf("third code %q", got)
		}
	})
	t.Run("already used three times", func(t *testing.T) {
		fakeWindowWait(t)
		f := &fakeCognito{replies: []func(wireCall) (int, any){mfa, used}}
		_, err := signInClient(t, f, 3).SignIn(context.Background(), req)
		if e := signInError(t, err); e.Reason != failure.CodeRejected || e.Input != failure.TOTPSecret || len(f.calls) != 4 || e.Attempts != 4 {
			t.Errorf("%+v after %d requests", e, len(f.calls))
		}
	})
	t.Run("wrong code: not retried", func(t *testing.T) {
		f := &fakeCognito{replies: []func(wireCall) (int, any){mfa, fail("CodeMismatchException", "Invalid code received for user")}}
		_, err := signInClient(t, f, 3).SignIn(context.Background(), req)
		if e := signInError(t, err); e.Reason != failure.CodeRejected || len(f.calls) != 2 {
			t.Errorf("%+v after %d requests", e, len(f.calls))
		}
	})
	t.Run("no seed", func(t *testing.T) {
		f := &fakeCognito{replies: []func(wireCall) (int, any){mfa, issued}}
		noSeed := req
		noSeed.TOTPSecret = ""
		_, err := signInClient(t, f, 0).SignIn(context.Background(), noSeed)
		if e := signInError(t, err); e.Reason != failure.ChallengeUnsupported || e.Code != "SOFTWARE_TOKEN_MFA" || e.Input != failure.TOTPSecret || len(f.calls) != 1 {
			t.Errorf("%+v after %d requests", e, len(f.calls))
		}
	})
}

func TestSignInUnsupportedChallenges(t *testing.T) {
	for _, name := range []string{"NEW_PASSWORD_REQUIRED", "SMS_MFA", "EMAIL_OTP", "SMS_OTP", "MFA_SETUP", "SELECT_MFA_TYPE",
		"CUSTOM_CHALLENGE", "WEB_AUTHN", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER", "EMAIL_MFA", "SOMETHING_NEW"} {
		t.Run(name, func(t *testing.T) {
			f := &fakeCognito{replies: []func(wireCall) (int, any){challenge(name, map[string]string{"USER_ID_FOR_SRP": "bot"}), issued}}
			_, err := signInClient(t, f, 0).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID,
				Username: "bot", Password: testPassword, Flow: FlowUserPassword, TOTPSecret: testSeed})
			if e := signInError(t, err); e.Reason != failure.ChallengeUnsupported || e.Code != name || e.Attempts != 1 || len(f.calls) != 1 {
				t.Errorf("%+v after %d requests", e, len(f.calls))
			}
		})
	}
	// SELECT_CHALLENGE outside USER_AUTH, and PASSWORD_VERIFIER when no
	// SRP was started, are not answered either.
	for _, name := range []string{"SELECT_CHALLENGE", "PASSWORD_VERIFIER"} {
		f := &fakeCognito{replies: []func(wireCall) (int, any){challenge(name, nil), issued}}
		_, err := signInClient(t, f, 0).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID,
			Username: "bot", Password: testPassword, Flow: FlowUserPassword})
		if e := signInError(t, err); e.Reason != failure.ChallengeUnsupported || e.Code != name || len(f.calls) != 1 {
			t.Errorf("%s: %+v after %d requests", name, e, len(f.calls))
		}
	}
}

// signInErrorRows is every error of InitiateAuth, AdminInitiateAuth,
// RespondToAuthChallenge and AdminRespondToAuthChallenge in the API
// reference, with the messages that tell NotAuthorizedException and
// InvalidParameterException apart.
var signInErrorRows = []struct {
	code, message string
	reason        failure.Reason
	input         failure.Input
}{
	{"NotAuthorizedException", "Incorrect username or password.", failure.NotAuthorized, failure.NoInput},
	{"UserNotFoundException", "User does not exist.", failure.NotAuthorized, failure.NoInput},
	{"NotAuthorizedException", "User is disabled.", failure.UserDisabled, failure.Username},
	{"NotAuthorizedException", "Password attempts exceeded", failure.AttemptsExceeded, failure.Username},
	{"NotAuthorizedException", "Invalid session for the user, session is expired.", failure.SessionExpired, failure.NoInput},
	{"NotAuthorizedException", "Unable to verify secret hash for client client1234", failure.ClientSecretRejected, failure.ClientSecret},
	{"NotAuthorizedException", "Client client1234 is configured for secret but secret was not received", failure.ClientSecretRejected, failure.ClientSecret},
	{"InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client", failure.AuthFlowNotEnabled, failure.AuthFlow},
	{"InvalidParameterException", "Missing required parameter USERNAME", failure.InvalidParameter, failure.NoInput},
	{"UserNotConfirmedException", "User is not confirmed.", failure.UserNotConfirmed, failure.Username},
	{"PasswordResetRequiredException", "Password reset required for the user", failure.PasswordResetRequired, failure.Username},
	{"CodeMismatchException", "Invalid code received for user", failure.CodeRejected, failure.TOTPSecret},
	{"ExpiredCodeException", "Invalid code provided, please request a code again.", failure.CodeRejected, failure.TOTPSecret},
	{"MFAMethodNotFoundException", "", failure.MFANotSetUp, failure.TOTPSecret},
	{"SoftwareTokenMFANotFoundException", "Software Token MFA does not exist for the user.", failure.MFANotSetUp, failure.TOTPSecret},
	{"InvalidUserPoolConfigurationException", "", failure.PoolMisconfigured, failure.UserPoolID},
	{"InvalidSmsRoleAccessPolicyException", "", failure.PoolMisconfigured, failure.UserPoolID},
	{"InvalidSmsRoleTrustRelationshipException", "", failure.PoolMisconfigured, failure.UserPoolID},
	{"InvalidEmailRoleAccessPolicyException", "", failure.PoolMisconfigured, failure.UserPoolID},
	{"ResourceNotFoundException", "User pool client client1234 does not exist.", failure.ClientNotFound, failure.ClientID},
	{"ResourceNotFoundException", "User pool eu-west-1_Pool9 does not exist.", failure.ClientNotFound, failure.UserPoolID},
	{"TooManyRequestsException", "Rate exceeded", failure.Throttled, failure.NoInput},
	{"InternalErrorException", "", failure.InternalError, failure.NoInput},
	{"ForbiddenException", "", failure.BlockedByFirewall, failure.NoInput},
	{"InvalidLambdaResponseException", "", failure.TriggerInvalidResponse, failure.NoInput},
	{"UnexpectedLambdaException", "", failure.TriggerFailed, failure.NoInput},
	{"UserLambdaValidationException", "PreAuthentication failed with error no.", failure.TriggerRejected, failure.NoInput},
	{"UnsupportedOperationException", "", failure.OperationNotEnabled, failure.NoInput},
	{"AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cognito-idp:AdminInitiateAuth", failure.AccessDenied, failure.NoInput},
	{"UnrecognizedClientException", "The security token included in the request is invalid.", failure.InvalidCredentials, failure.NoInput},
	{"InvalidSignatureException", "", failure.InvalidCredentials, failure.NoInput},
	{"IncompleteSignature", "", failure.InvalidCredentials, failure.NoInput},
	{"ExpiredTokenException", "The security token included in the request is expired", failure.InvalidCredentials, failure.NoInput},
	{"AliasExistsException", "", failure.Other, failure.NoInput},
	{"InvalidPasswordException", "", failure.Other, failure.NoInput},
	{"PasswordHistoryPolicyViolationException", "", failure.Other, failure.NoInput},
	{"SomeFutureException", "", failure.Other, failure.NoInput},
}

func TestSignInErrorRows(t *testing.T) {
	for _, row := range signInErrorRows {
		t.Run(row.code+"/"+row.message, func(t *testing.T) {
			reason, input := classifySignInError(row.code, row.message)
			if reason != row.reason || input != row.input {
				t.Errorf("classified %s, %s; want %s, %s", reason, input, row.reason, row.input)
			}
		})
	}
	// On the wire: a credential-bearing request is not retried on any of
	// them but throttling (which the SDK retries until the budget ends).
	for _, row := range signInErrorRows {
		f := &fakeCognito{replies: []func(wireCall) (int, any){fail(row.code, row.message)}}
		_, err := signInClient(t, f, 2).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID,
			Username: "bot", Password: testPassword, Flow: FlowUserPassword})
		e := signInError(t, err)
		wantAttempts := 1
		if row.code == "TooManyRequestsException" {
			wantAttempts = 3
		}
		if e.Reason != row.reason || e.Attempts != wantAttempts || len(f.calls) != wantAttempts {
			t.Errorf("%s: %s after %d attempts (%d requests); want %s after %d", row.code, e.Reason, e.Attempts, len(f.calls), row.reason, wantAttempts)
		}
		if row.reason == failure.AuthFlowNotEnabled && e.Code != "ALLOW_USER_PASSWORD_AUTH" {
			t.Errorf("flow not enabled: Code %q, want the ALLOW_ flag", e.Code)
		}
	}
}

func TestSignInFlowFlags(t *testing.T) {
	for flow, want := range map[SignInFlow]string{FlowUserSRP: "ALLOW_USER_SRP_AUTH", FlowUserPassword: "ALLOW_USER_PASSWORD_AUTH",
		FlowAdminUserPassword: "ALLOW_ADMIN_USER_PASSWORD_AUTH", FlowUserAuth: "ALLOW_USER_AUTH"} {
		if got := flow.AllowFlag(); got != want {
			t.Errorf("%s: %s, want %s", flow, got, want)
		}
	}
	f := &fakeCognito{replies: []func(wireCall) (int, any){fail("InvalidParameterException", "USER_SRP_AUTH flow not enabled for this client")}}
	_, err := signInClient(t, f, 0).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword})
	if e := signInError(t, err); e.Reason != failure.AuthFlowNotEnabled || e.Code != "ALLOW_USER_SRP_AUTH" {
		t.Errorf("%+v", e)
	}
	_, err = signInClient(t, f, 0).SignIn(context.Background(), SignInRequest{ClientID: testClientID, Username: "bot", Password: testPassword, Flow: "CUSTOM_AUTH"})
	if e := signInError(t, err); e.Reason != failure.InvalidParameter || e.Input != failure.AuthFlow || len(f.calls) != 1 {
		t.Errorf("unknown flow: %+v", e)
	}
}

func TestSignInRetries(t *testing.T) {
	t.Run("throttling is retried", func(t *testing.T) {
		f := &fakeCognito{replies: []func(wireCall) (int, any){fail("TooManyRequestsException", "Rate exceeded"), fail("TooManyRequestsException", "Rate exceeded"), issued}}
		tokens, err := signInClient(t, f, 5).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword, Flow: FlowUserPassword})
		if err != nil || tokens.Attempts != 3 {
			t.Errorf("%v, attempts %d", err, tokens.Attempts)
		}
	})
	t.Run("a server fault after a password is not", func(t *testing.T) {
		f := &fakeCognito{replies: []func(wireCall) (int, any){fail("InternalErrorException", ""), issued}}
		_, err := signInClient(t, f, 5).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword, Flow: FlowUserPassword})
		if e := signInError(t, err); e.Reason != failure.InternalError || e.Attempts != 1 {
			t.Errorf("%+v", e)
		}
	})
	t.Run("SRP_A alone keeps the policy's retries", func(t *testing.T) {
		f := &fakeCognito{replies: []func(wireCall) (int, any){fail("InternalErrorException", ""), fail("InternalErrorException", ""), challenge("SMS_MFA", nil)}}
		_, err := signInClient(t, f, 5).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword})
		if e := signInError(t, err); e.Reason != failure.ChallengeUnsupported || e.Attempts != 3 {
			t.Errorf("%+v", e)
		}
	})
	t.Run("a request that reached no server is retried", func(t *testing.T) {
		isolate(t, "")
		retries := 5
		c, err := load(context.Background(), Config{Region: "us-east-1", Endpoint: "http://127.0.0.1:1", MaxRetries: &retries, Backoff: cognitotest.QuickBackoff})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword, Flow: FlowUserPassword})
		if e := signInError(t, err); e.Reason != failure.Unreachable || !e.NeverReached || e.Attempts < 2 {
			t.Errorf("%+v", e)
		}
	})
}

// Nothing secret shows in an error, even when the answer echoes it.
func TestSignInErrorsHoldNoSecret(t *testing.T) {
	seed, _ := totp.ParseSeed(testSeed)
	code := seed.Code(signInClock)
	echo := func(call wireCall) (int, any) {
		return http.StatusBadRequest, wireError{"NotAuthorizedException", "Incorrect username or password. " + mustJSON(call.body)}
	}
	f := &fakeCognito{replies: []func(wireCall) (int, any){challenge("SOFTWARE_TOKEN_MFA", nil), echo}}
	_, err := signInClient(t, f, 0).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, ClientSecret: testSecret,
		Username: "bot", Password: testPassword, Flow: FlowUserPassword, TOTPSecret: testSeed})
	e := signInError(t, err)
	text := e.Error() + e.Message + e.Cause() + e.RootCause + e.Code
	for _, secret := range []string{testPassword, testSecret, testSeed, code, opaqueSession, srp.SecretHash(testSecret, "bot", testClientID)[:12]} {
		if strings.Contains(text, secret) {
			t.Errorf("error text holds %q: %s", secret, text)
		}
	}
	if !strings.Contains(e.Message, "Incorrect username or password.") {
		t.Errorf("message %q", e.Message)
	}
}

func TestRevokeToken(t *testing.T) {
	f := &fakeCognito{replies: []func(wireCall) (int, any){func(wireCall) (int, any) { return http.StatusOK, map[string]any{} }}}
	c := signInClient(t, f, 0)
	if err := c.RevokeToken(context.Background(), "", testClientID, testSecret, "refresh-token-value"); err != nil {
		t.Fatal(err)
	}
	call := f.calls[0]
	if call.target != "RevokeToken" || call.body["Token"] != "refresh-token-value" || call.body["ClientId"] != testClientID || call.body["ClientSecret"] != testSecret || call.auth != "" {
		t.Errorf("request %+v", call)
	}

	for _, row := range []struct {
		code, message string
		reason        failure.Reason
		input         failure.Input
	}{
		{"UnauthorizedException", "Invalid token", failure.ClientRejected, failure.ClientID},
		{"UnauthorizedException", "Client secret mismatch", failure.ClientSecretRejected, failure.ClientSecret},
		{"UnsupportedTokenTypeException", "", failure.TokenTypeUnsupported, failure.RefreshToken},
		{"UnsupportedOperationException", "Token revocation is not enabled for this client", failure.RevocationNotEnabled, failure.ClientID},
		{"InvalidParameterException", "", failure.InvalidParameter, failure.NoInput},
		{"InvalidParameterException", "Unable to verify secret hash for client", failure.ClientSecretRejected, failure.ClientSecret},
		{"ForbiddenException", "", failure.BlockedByFirewall, failure.NoInput},
		{"InternalErrorException", "", failure.InternalError, failure.NoInput},
		{"TooManyRequestsException", "", failure.Throttled, failure.NoInput},
		{"SomethingElse", "", failure.Other, failure.NoInput},
	} {
		f := &fakeCognito{replies: []func(wireCall) (int, any){fail(row.code, row.message)}}
		err := signInClient(t, f, 0).RevokeToken(context.Background(), "", testClientID, testSecret, "refresh-token-value")
		e := signInError(t, err)
		if e.Reason != row.reason || e.Input != row.input {
			t.Errorf("%s %q: %s, %s; want %s, %s", row.code, row.message, e.Reason, e.Input, row.reason, row.input)
		}
		if strings.Contains(e.Error()+e.Message+e.Cause(), "refresh-token-value") {
			t.Errorf("%s: the token shows", row.code)
		}
	}

	// Revoking changes nothing a retry could make worse: a fault is retried.
	f = &fakeCognito{replies: []func(wireCall) (int, any){fail("InternalErrorException", ""), func(wireCall) (int, any) { return http.StatusOK, map[string]any{} }}}
	if err := signInClient(t, f, 2).RevokeToken(context.Background(), "", testClientID, "", "refresh-token-value"); err != nil || len(f.calls) != 2 {
		t.Errorf("%v after %d requests", err, len(f.calls))
	}
}

func FuzzClassifySignInError(f *testing.F) {
	for _, row := range signInErrorRows {
		f.Add(row.code, row.message)
	}
	f.Fuzz(func(t *testing.T, code, message string) {
		reason, _ := classifySignInError(code, message)
		// Whatever the message, a NotAuthorizedException or
		// UserNotFoundException never says which credential was wrong.
		if code == "UserNotFoundException" && reason != failure.NotAuthorized {
			t.Errorf("UserNotFoundException %q: %s", message, reason)
		}
		if code == "NotAuthorizedException" {
			switch reason {
			case failure.NotAuthorized, failure.UserDisabled, failure.AttemptsExceeded, failure.SessionExpired,
				failure.ClientSecretRejected, failure.AuthFlowNotEnabled:
			default:
				t.Errorf("NotAuthorizedException %q: %s", message, reason)
			}
		}
		if rr, _ := classifyRevokeError(code, message); rr == failure.NotAuthorized {
			t.Errorf("revoke %s: %s", code, rr)
		}
	})
}

// The whole SRP exchange on the wire reproduces what
// amazon-cognito-identity-js@6.3.21 sent for the same a, clock and server
// values: ../srp/testdata/jsvectors.json, printed by dev/srpvectors.
func TestSignInSRPMatchesJSVectors(t *testing.T) {
	raw, err := os.ReadFile("../srp/testdata/jsvectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Client struct {
			UserPoolID, UserIDForSRP, Password, SmallA, Salt, SRPB, SecretBlock, Now, SRPA, Timestamp, Signature, ResponseUsername string
		}
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	js := v.Client
	a, ok := new(big.Int).SetString(js.SmallA, 16)
	now, err := time.Parse(time.RFC3339, js.Now)
	if !ok || err != nil || js.Signature == "" {
		t.Fatalf("vectors unreadable: %v", err)
	}
	f := &fakeCognito{replies: []func(wireCall) (int, any){
		challenge("PASSWORD_VERIFIER", map[string]string{"USER_ID_FOR_SRP": js.UserIDForSRP, "SALT": js.Salt, "SRP_B": js.SRPB, "SECRET_BLOCK": js.SecretBlock}),
		issued,
	}}
	c := signInClient(t, f, 0)
	c.random = bytes.NewReader(a.FillBytes(make([]byte, 128)))
	c.now = func() time.Time { return now }
	if _, err := c.SignIn(context.Background(), SignInRequest{UserPoolID: js.UserPoolID, ClientID: testClientID, Username: "alias@example.com", Password: js.Password}); err != nil {
		t.Fatal(err)
	}
	responses := f.calls[1].params("ChallengeResponses")
	if got := f.calls[0].params("AuthParameters")["SRP_A"]; got != js.SRPA {
		t.Errorf("SRP_A differs from the JS client's")
	}
	if responses["PASSWORD_CLAIM_SIGNATURE"] != js.Signature || responses["TIMESTAMP"] != js.Timestamp || responses["USERNAME"] != js.ResponseUsername ||
		responses["PASSWORD_CLAIM_SECRET_BLOCK"] != js.SecretBlock {
		t.Errorf("responses %v differ from the JS client's (signature %s, timestamp %s, username %s)", responses, js.Signature, js.Timestamp, js.ResponseUsername)
	}
}

func TestSignInRefusesBeforeOrAfterCognito(t *testing.T) {
	mfa := challenge("SOFTWARE_TOKEN_MFA", nil)
	for _, tc := range []struct {
		name    string
		replies []func(wireCall) (int, any)
		req     SignInRequest
		reason  failure.Reason
		input   failure.Input
		calls   int
	}{
		{"malformed TOTP seed", []func(wireCall) (int, any){mfa}, SignInRequest{TOTPSecret: "not base32 !"}, failure.InvalidParameter, failure.TOTPSecret, 1},
		{"pool ID without a name", []func(wireCall) (int, any){challenge("PASSWORD_VERIFIER", map[string]string{"USER_ID_FOR_SRP": "u", "SALT": "ab", "SRP_B": "cd", "SECRET_BLOCK": "AA=="})},
			SignInRequest{Flow: FlowUserSRP, UserPoolID: "nounderscore"}, failure.InvalidParameter, failure.UserPoolID, 1},
		{"SRP challenge without SRP_B", []func(wireCall) (int, any){challenge("PASSWORD_VERIFIER", map[string]string{"USER_ID_FOR_SRP": "u", "SALT": "ab", "SECRET_BLOCK": "AA=="})},
			SignInRequest{Flow: FlowUserSRP}, failure.Incomplete, failure.NoInput, 1},
		{"SRP_B not hex", []func(wireCall) (int, any){challenge("PASSWORD_VERIFIER", map[string]string{"USER_ID_FOR_SRP": "u", "SALT": "ab", "SRP_B": "zz", "SECRET_BLOCK": "AA=="})},
			SignInRequest{Flow: FlowUserSRP}, failure.Incomplete, failure.NoInput, 1},
		{"tokens without a refresh token", []func(wireCall) (int, any){func(wireCall) (int, any) {
			return http.StatusOK, map[string]any{"AuthenticationResult": map[string]any{"AccessToken": "a.b.c", "IdToken": "i.d.t", "ExpiresIn": 60}}
		}}, SignInRequest{}, failure.Incomplete, failure.NoInput, 1},
		{"a challenge that never ends", []func(wireCall) (int, any){mfa}, SignInRequest{TOTPSecret: testSeed}, failure.ChallengeUnsupported, failure.NoInput, 1 + maxChallenges},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeCognito{replies: tc.replies}
			req := tc.req
			req.ClientID, req.Username, req.Password = testClientID, "bot", testPassword
			if req.UserPoolID == "" {
				req.UserPoolID = testPoolID
			}
			if req.Flow == "" {
				req.Flow = FlowUserPassword
			}
			_, err := signInClient(t, f, 0).SignIn(context.Background(), req)
			if e := signInError(t, err); e.Reason != tc.reason || e.Input != tc.input || len(f.calls) != tc.calls {
				t.Errorf("%+v after %d requests", e, len(f.calls))
			}
		})
	}
}

// ClientMetadata goes with every request of the sign-in.
func TestSignInClientMetadataOnEveryStep(t *testing.T) {
	f := &fakeCognito{replies: []func(wireCall) (int, any){challenge("SOFTWARE_TOKEN_MFA", nil), issued}}
	_, err := signInClient(t, f, 0).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot",
		Password: testPassword, Flow: FlowUserPassword, TOTPSecret: testSeed, ClientMetadata: map[string]string{"pipeline": "deploy"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range f.calls {
		if call.params("ClientMetadata")["pipeline"] != "deploy" {
			t.Errorf("%s without ClientMetadata", call.target)
		}
	}
}

// An unknown user and a wrong password fail alike, whether or not the
// client prevents user existence errors.
func TestSignInUnknownUserLooksLikeWrongPassword(t *testing.T) {
	var seen []*Error
	for _, reply := range []func(wireCall) (int, any){
		fail("UserNotFoundException", "User does not exist."),
		fail("NotAuthorizedException", "Incorrect username or password."),
	} {
		f := &fakeCognito{replies: []func(wireCall) (int, any){reply}}
		_, err := signInClient(t, f, 0).SignIn(context.Background(), SignInRequest{UserPoolID: testPoolID, ClientID: testClientID,
			Username: "bot", Password: testPassword, Flow: FlowUserPassword})
		e := signInError(t, err)
		e.RequestID = ""
		seen = append(seen, e)
	}
	a, b := seen[0], seen[1]
	if a.Reason != failure.NotAuthorized || a.Error() != b.Error() || a.Code != b.Code || a.Message != b.Message || a.Input != b.Input || a.Status != b.Status {
		t.Errorf("told apart: %+v and %+v", a, b)
	}
}

// ADMIN_USER_PASSWORD_AUTH takes its credentials from the default chain,
// and only it does.
func TestSignInAdminDefaultChain(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(name, "")
		os.Unsetenv(name) //nolint:errcheck // t.Setenv restores it.
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	req := SignInRequest{UserPoolID: testPoolID, ClientID: testClientID, Username: "bot", Password: testPassword, Flow: FlowAdminUserPassword}

	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret-from-environment")
	f := &fakeCognito{replies: []func(wireCall) (int, any){issued}}
	if _, err := signInClient(t, f, 0).SignIn(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.calls[0].auth, "AKIDFROMENVIRONMENT") {
		t.Errorf("AdminInitiateAuth not signed with the environment's key: %q", f.calls[0].auth)
	}
	// The unsigned flows never look for them.
	f = &fakeCognito{replies: []func(wireCall) (int, any){issued}}
	unsigned := req
	unsigned.Flow = FlowUserPassword
	if _, err := signInClient(t, f, 0).SignIn(context.Background(), unsigned); err != nil || f.calls[0].auth != "" {
		t.Errorf("USER_PASSWORD_AUTH: %v, Authorization %q", err, f.calls[0].auth)
	}

	os.Unsetenv("AWS_ACCESS_KEY_ID")     //nolint:errcheck // t.Setenv restores it.
	os.Unsetenv("AWS_SECRET_ACCESS_KEY") //nolint:errcheck // t.Setenv restores it.
	f = &fakeCognito{replies: []func(wireCall) (int, any){issued}}
	_, err := signInClient(t, f, 3).SignIn(context.Background(), req)
	if e := signInError(t, err); e.Reason != failure.NoCredentials || len(f.calls) != 0 || e.Attempts > 1 {
		t.Errorf("without credentials: %+v after %d requests", e, len(f.calls))
	}
}

// TestRevokeTokenRegion: the revocation goes to the region it is given (the
// sign-in's, from the user pool ID), not the client's; "" is the client's.
func TestRevokeTokenRegion(t *testing.T) {
	req := SignInRequest{UserPoolID: "ap-southeast-2_Pool9"}
	for _, row := range []struct{ region, want string }{{req.TargetRegion(), "ap-southeast-2"}, {"", "us-east-1"}} {
		f := &fakeCognito{replies: []func(wireCall) (int, any){fail("UnsupportedOperationException", "")}}
		e := signInError(t, signInClient(t, f, 0).RevokeToken(context.Background(), row.region, testClientID, "", "refresh-token-value"))
		if e.Region != row.want {
			t.Errorf("RevokeToken(%q) went to region %q, want %q", row.region, e.Region, row.want)
		}
	}
	if got := (SignInRequest{Region: "eu-north-1", UserPoolID: testPoolID}).TargetRegion(); got != "eu-north-1" {
		t.Errorf("the region override gives %q", got)
	}
}

// fakeWindowWait replaces the wait for the next TOTP window, recording it.
func fakeWindowWait(t *testing.T) *time.Duration {
	var waited time.Duration
	saved := windowWait
	windowWait = func(_ context.Context, d time.Duration) error { waited = d; return nil }
	t.Cleanup(func() { windowWait = saved })
	return &waited
}
