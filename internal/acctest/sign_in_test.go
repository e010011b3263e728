package acctest_test

// cognito_sign_in's acceptance tests: every scenario of signInScenarios
// in-process through the CLI (echoprovider for the ephemeral resource,
// statecheck for the data source), and revoke on close through the real
// CLI, whose provider runs as its own process.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/provider"
)

// testProviders serves the provider and echo in-process.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"cognito": providerserver.NewProtocol6WithError(provider.New("test")()),
	"echo":    echoprovider.NewProviderServer(),
}

// The service user every scenario signs in, and its secrets: long and
// random-looking, so the leak suite can search for them.
const (
	botUsername = "deploy-bot"
	botPassword = "Xq7-corrhorse-battery-staple-9Lm"
	// botSeed is the base32 seed of the bot's software token.
	botSeed = "KRUGS4ZAKNSWKZBAJFZSAU3FMNZGK5BB"
	// otherSeed is a valid seed that is not the bot's.
	otherSeed = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"
)

// fakeCredentials are static AWS credentials for ADMIN_USER_PASSWORD_AUTH:
// the double checks that AdminInitiateAuth is signed, not by whom.
var fakeCredentials = map[string]string{
	"AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE", "AWS_SECRET_ACCESS_KEY": "fake/secret/key/fake/secret/key/fake1234",
}

// signInInputs are the cognito_sign_in arguments of one scenario.
type signInInputs struct {
	UserPoolID, ClientID, ClientSecret, Username, Password string
	AuthFlow, PreferredChallenge, TOTPSecret, Region       string
	ClientMetadata                                         map[string]string
	// Raw HCL lines added to the block.
	Extra []string
}

// HCL renders the arguments as the body of a block.
func (in signInInputs) HCL() string {
	var b strings.Builder
	for _, a := range [][2]string{{"user_pool_id", in.UserPoolID}, {"client_id", in.ClientID}, {"client_secret", in.ClientSecret},
		{"username", in.Username}, {"password", in.Password}, {"auth_flow", in.AuthFlow}, {"preferred_challenge", in.PreferredChallenge},
		{"totp_secret", in.TOTPSecret}, {"region", in.Region}} {
		if a[1] != "" {
			fmt.Fprintf(&b, "  %s = %q\n", a[0], a[1])
		}
	}
	if in.ClientMetadata != nil {
		b.WriteString("  client_metadata = {\n")
		for _, k := range slices.Sorted(maps.Keys(in.ClientMetadata)) {
			fmt.Fprintf(&b, "    %q = %q\n", k, in.ClientMetadata[k])
		}
		b.WriteString("  }\n")
	}
	for _, line := range in.Extra {
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

// signInScenario is one cognito_sign_in behaviour.
type signInScenario struct {
	name string
	pool cognitotest.PoolConfig
	// arrange adds the bot (or another user) and an app client, and returns
	// the inputs and extra provider arguments.
	arrange func(p *acctest.Pool) (signInInputs, []string)
	// env is the provider's environment (ADMIN_USER_PASSWORD_AUTH's
	// credentials); such a scenario cannot run in parallel in-process.
	env         map[string]string
	expectError *regexp.Regexp
	// invalid: refused by validation, before any request.
	invalid bool
	// noRequest: refused by the provider after validation, before any
	// request (no AWS credentials for AdminInitiateAuth).
	noRequest bool
	// wantTarget is an operation that must have succeeded on the double.
	wantTarget string
}

// bot adds the service user with the given changes.
func bot(p *acctest.Pool, change func(u *cognitotest.User)) cognitotest.User {
	u := cognitotest.User{Username: botUsername, Password: botPassword, Email: "bot@example.com"}
	if change != nil {
		change(&u)
	}
	return p.AddUser(u)
}

// signInWith returns an arrange that adds the bot and a client and signs in
// with them, the inputs changed by change.
func signInWith(client cognitotest.AppClient, user func(u *cognitotest.User), change func(p *acctest.Pool, in *signInInputs), providerArgs ...string) func(p *acctest.Pool) (signInInputs, []string) {
	return func(p *acctest.Pool) (signInInputs, []string) {
		bot(p, user)
		c := p.AddClient(client)
		in := signInInputs{UserPoolID: p.PoolID(), ClientID: c.ID, ClientSecret: c.Secret, Username: botUsername, Password: botPassword}
		if change != nil {
			change(p, &in)
		}
		return in, providerArgs
	}
}

func flows(flags ...string) cognitotest.AppClient {
	return cognitotest.AppClient{ExplicitAuthFlows: append(flags, cognitotest.AllowRefreshTokenAuth)}
}

func withTOTP(u *cognitotest.User) { u.TOTPSecret = botSeed }

func challenge(name string) func(u *cognitotest.User) {
	return func(u *cognitotest.User) { u.Challenge = name }
}

func set(f func(in *signInInputs)) func(*acctest.Pool, *signInInputs) {
	return func(_ *acctest.Pool, in *signInInputs) { f(in) }
}

// signInScenarios: each auth flow, TOTP, every challenge the provider does
// not answer, every error row of the sign-in diagnostics, and validation.
func signInScenarios() []signInScenario {
	srp := cognitotest.AppClient{}
	userAuth := flows(cognitotest.AllowUserAuth)
	words := func(s string) *regexp.Regexp { return regexp.MustCompile(strings.ReplaceAll(s, " ", `\s+`)) }
	notSupported := func(name, advice string) signInScenario {
		return signInScenario{name: "challenge " + name, arrange: signInWith(srp, challenge(name), nil),
			expectError: words("Sign-in challenge " + name + " not supported[\\s\\S]*" + advice)}
	}
	// lockedOut locks the bot out by the double's own rule: twelve wrong
	// passwords, each after the lockout of the one before has passed (the
	// double's clock moved on), lock it for 2^7 seconds, longer than a run.
	lockedOut := func(p *acctest.Pool, in *signInInputs) {
		client := signInClient(p)
		for failed := 1; ; failed++ {
			_, _ = client.SignIn(context.Background(), cognito.SignInRequest{UserPoolID: in.UserPoolID, ClientID: in.ClientID, Username: botUsername, Password: "wrong-password-1", Flow: cognito.FlowUserPassword})
			if failed == 12 {
				return
			}
			p.Advance(time.Duration(1<<max(failed-5, 0))*time.Second + time.Second)
		}
	}
	return []signInScenario{
		// Each auth flow.
		{name: "USER_SRP_AUTH by default", arrange: signInWith(srp, nil, nil), wantTarget: cognitotest.TargetRespondToAuthChallenge},
		{name: "USER_PASSWORD_AUTH", arrange: signInWith(flows(cognitotest.AllowUserPasswordAuth), nil, set(func(in *signInInputs) { in.AuthFlow = "USER_PASSWORD_AUTH" })),
			wantTarget: cognitotest.TargetInitiateAuth},
		{name: "ADMIN_USER_PASSWORD_AUTH with AWS credentials", env: fakeCredentials,
			arrange:    signInWith(flows(cognitotest.AllowAdminUserPasswordAuth), nil, set(func(in *signInInputs) { in.AuthFlow = "ADMIN_USER_PASSWORD_AUTH" })),
			wantTarget: cognitotest.TargetAdminInitiateAuth},
		{name: "USER_AUTH preferring PASSWORD_SRP", arrange: signInWith(userAuth, nil, set(func(in *signInInputs) { in.AuthFlow, in.PreferredChallenge = "USER_AUTH", "PASSWORD_SRP" })),
			wantTarget: cognitotest.TargetRespondToAuthChallenge},
		{name: "USER_AUTH preferring PASSWORD", arrange: signInWith(userAuth, nil, set(func(in *signInInputs) { in.AuthFlow, in.PreferredChallenge = "USER_AUTH", "PASSWORD" })),
			wantTarget: cognitotest.TargetInitiateAuth},
		{name: "USER_AUTH without a preferred challenge", arrange: signInWith(userAuth, nil, set(func(in *signInInputs) { in.AuthFlow = "USER_AUTH" })),
			wantTarget: cognitotest.TargetRespondToAuthChallenge},
		{name: "client with a secret", arrange: signInWith(cognitotest.AppClient{GenerateSecret: true}, nil, nil), wantTarget: cognitotest.TargetRespondToAuthChallenge},
		{name: "TOTP", arrange: signInWith(srp, withTOTP, set(func(in *signInInputs) { in.TOTPSecret = botSeed })), wantTarget: cognitotest.TargetRespondToAuthChallenge},
		{name: "TOTP with a client secret and the password flow",
			arrange: signInWith(cognitotest.AppClient{GenerateSecret: true, ExplicitAuthFlows: []string{cognitotest.AllowUserPasswordAuth}}, withTOTP,
				set(func(in *signInInputs) { in.TOTPSecret, in.AuthFlow = strings.ToLower(botSeed), "USER_PASSWORD_AUTH" })),
			wantTarget: cognitotest.TargetRespondToAuthChallenge},
		{name: "client metadata", pool: cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error { return nil }},
			arrange:    signInWith(srp, nil, set(func(in *signInInputs) { in.ClientMetadata = map[string]string{"pipeline": "deploy"} })),
			wantTarget: cognitotest.TargetRespondToAuthChallenge},

		// Every challenge row.
		{name: "challenge SOFTWARE_TOKEN_MFA without totp_secret", arrange: signInWith(srp, withTOTP, nil),
			expectError: words(`TOTP code needed[\s\S]*Set .totp_secret.`)},
		{name: "challenge NEW_PASSWORD_REQUIRED", arrange: signInWith(srp, func(u *cognitotest.User) { u.Status = cognitotest.UserStatusForceChangePassword }, nil),
			expectError: words(`Sign-in challenge NEW_PASSWORD_REQUIRED not supported[\s\S]*admin-set-user-password[\s\S]*--permanent`)},
		notSupported("SMS_MFA", "use a software token"),
		notSupported("EMAIL_OTP", "use a software token"),
		notSupported("MFA_SETUP", "associate-software-token"),
		notSupported("SELECT_MFA_TYPE", "admin-set-user-mfa-preference"),
		notSupported("CUSTOM_CHALLENGE", "define-auth-challenge"),
		notSupported("WEB_AUTHN", "preferred_challenge"),
		notSupported("DEVICE_SRP_AUTH", "ChallengeRequiredOnNewDevice"),

		// Every error row.
		{name: "auth flow not enabled", arrange: signInWith(srp, nil, set(func(in *signInInputs) { in.AuthFlow = "USER_PASSWORD_AUTH" })),
			expectError: words(`Auth flow not enabled on the app client[\s\S]*ALLOW_USER_PASSWORD_AUTH[\s\S]*update-user-pool-client`)},
		{name: "wrong password", arrange: signInWith(srp, nil, set(func(in *signInInputs) { in.Password = "Wrong-password-42" })),
			expectError: words(`Incorrect username or password[\s\S]*does not say which[\s\S]*lockout`)},
		{name: "unknown user", arrange: signInWith(srp, nil, set(func(in *signInInputs) { in.Username = "nobody-here" })),
			expectError: words(`Incorrect username or password[\s\S]*does not say which`)},
		{name: "unknown user, PreventUserExistenceErrors", arrange: signInWith(cognitotest.AppClient{PreventUserExistenceErrors: cognitotest.PreventUserExistenceEnabled}, nil,
			set(func(in *signInInputs) { in.Username = "nobody-here" })),
			expectError: words(`Incorrect username or password[\s\S]*does not say which`)},
		{name: "user not confirmed", arrange: signInWith(srp, func(u *cognitotest.User) { u.Status = cognitotest.UserStatusUnconfirmed }, nil),
			expectError: words(`User not confirmed[\s\S]*admin-confirm-sign-up`)},
		{name: "password reset required", arrange: signInWith(srp, func(u *cognitotest.User) { u.Status = cognitotest.UserStatusResetRequired }, nil),
			expectError: words(`Password reset required[\s\S]*--permanent`)},
		{name: "user disabled", arrange: signInWith(srp, func(u *cognitotest.User) { u.Disabled = true }, nil),
			expectError: words(`User disabled[\s\S]*admin-enable-user`)},
		{name: "attempts exceeded", arrange: signInWith(flows(cognitotest.AllowUserSRPAuth, cognitotest.AllowUserPasswordAuth), nil, lockedOut),
			expectError: words(`User locked out after failed sign-ins[\s\S]*Do not retry`)},
		{name: "TOTP code rejected", arrange: signInWith(srp, withTOTP, set(func(in *signInInputs) { in.TOTPSecret = otherSeed })),
			expectError: words(`TOTP code not accepted[\s\S]*totp_secret`)},
		{name: "throttled beyond retries", arrange: func(p *acctest.Pool) (signInInputs, []string) {
			p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2})
			return signInWith(srp, nil, nil, "max_retries = 1")(p)
		}, expectError: words(`Cognito throttled the request[\s\S]*2 attempts[\s\S]*neither the lockout`)},
		{name: "internal error, not retried", arrange: func(p *acctest.Pool) (signInInputs, []string) {
			p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError, Times: 3})
			return signInWith(flows(cognitotest.AllowUserPasswordAuth), nil, set(func(in *signInInputs) { in.AuthFlow = "USER_PASSWORD_AUTH" }), "max_retries = 2")(p)
		}, expectError: words(`Cognito internal error[\s\S]*1 attempt\)[\s\S]*not retried`)},
		{name: "session expired", arrange: func(p *acctest.Pool) (signInInputs, []string) {
			p.InjectFault(cognitotest.Fault{Delay: time.Millisecond}) // InitiateAuth goes through
			p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrNotAuthorized, Message: cognitotest.MsgSessionExpired})
			return signInWith(srp, nil, nil)(p)
		}, expectError: words(`Sign-in session expired[\s\S]*AuthSessionValidity`)},
		{name: "missing client secret", arrange: signInWith(cognitotest.AppClient{GenerateSecret: true}, nil, set(func(in *signInInputs) { in.ClientSecret = "" })),
			expectError: words(`Client secret missing or wrong`)},
		{name: "unknown app client", arrange: signInWith(srp, nil, set(func(in *signInInputs) { in.ClientID = "nosuchclient0000000000000" })),
			expectError: words(`App client not found`)},
		{name: "ADMIN_USER_PASSWORD_AUTH without AWS credentials",
			arrange: signInWith(flows(cognitotest.AllowAdminUserPasswordAuth), nil, set(func(in *signInInputs) { in.AuthFlow = "ADMIN_USER_PASSWORD_AUTH" })),
			env:     map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, noRequest: true,
			expectError: words(`No AWS credentials for ADMIN_USER_PASSWORD_AUTH[\s\S]*USER_SRP_AUTH`)},
		{name: "ADMIN_USER_PASSWORD_AUTH, unknown user pool", env: fakeCredentials,
			arrange: signInWith(flows(cognitotest.AllowAdminUserPasswordAuth), nil, set(func(in *signInInputs) {
				in.AuthFlow, in.UserPoolID = "ADMIN_USER_PASSWORD_AUTH", "eu-west-1_NoSuchPool"
			})),
			expectError: words(`User pool not found[\s\S]*user_pool_id`)},

		// Validation, before any request.
		{name: "user pool ID without an underscore", invalid: true, arrange: signInWith(srp, nil, set(func(in *signInInputs) { in.UserPoolID = "eu-west-1" })),
			expectError: words(`Invalid user_pool_id`)},
		{name: "preferred challenge without USER_AUTH", invalid: true, arrange: signInWith(srp, nil, set(func(in *signInInputs) { in.PreferredChallenge = "PASSWORD" })),
			expectError: words(`preferred_challenge without USER_AUTH`)},
		{name: "unknown auth flow", invalid: true, arrange: signInWith(srp, nil, set(func(in *signInInputs) { in.AuthFlow = "CUSTOM_AUTH" })),
			expectError: words(`auth_flow[\s\S]*value must be one of`)},
		{name: "TOTP seed not base32", invalid: true, arrange: signInWith(srp, withTOTP, set(func(in *signInInputs) { in.TOTPSecret = "not-a-seed-0189!" })),
			expectError: words(`Invalid totp_secret[\s\S]*base32`)},
		{name: "empty password", invalid: true, arrange: signInWith(srp, nil, set(func(in *signInInputs) { in.Password = ""; in.Extra = []string{`password = ""`} })),
			expectError: words(`Empty password`)},
		{name: "username with a space", invalid: true, arrange: signInWith(srp, nil, set(func(in *signInInputs) { in.Username = "deploy bot" })),
			expectError: words(`Invalid username`)},
	}
}

// signInClient is the provider's own Cognito client against the double,
// for arranging and checking outside Terraform.
func signInClient(p *acctest.Pool) *cognito.Client {
	retries := 0
	env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: "eu-west-1", MaxRetries: &retries, Backoff: cognitotest.QuickBackoff})
	if err != nil {
		panic(err)
	}
	return cognito.New(env, p.URL)
}

func signInEphemeralHCL(provider string, in signInInputs, extra ...string) string {
	in.Extra = append(in.Extra, extra...)
	return provider + `
ephemeral "cognito_sign_in" "test" {
` + in.HCL() + `}

provider "echo" {
  data = ephemeral.cognito_sign_in.test
}

resource "echo" "test" {}
`
}

func signInDataSourceHCL(provider string, in signInInputs) string {
	return provider + `
data "cognito_sign_in" "test" {
` + in.HCL() + `}
`
}

// runSignInScenarios runs every scenario as an acceptance test of one
// form; step builds its step.
func runSignInScenarios(t *testing.T, step func(p *acctest.Pool, sc signInScenario, in signInInputs, providerArgs []string) resource.TestStep, checks ...tfversion.TerraformVersionCheck) {
	for _, sc := range signInScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			if sc.env == nil {
				t.Parallel()
			}
			for k, v := range sc.env {
				t.Setenv(k, v)
			}
			if sc.env != nil {
				t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
				t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
				t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
			}
			p := acctest.NewPool(t, sc.pool)
			in, providerArgs := sc.arrange(p)
			before := p.RequestCount()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				TerraformVersionChecks:   checks,
				Steps:                    []resource.TestStep{step(p, sc, in, providerArgs)},
			})
			if t.Failed() {
				return
			}
			if (sc.invalid || sc.noRequest) && p.RequestCount() != before {
				t.Errorf("invalid input reached the double (%d requests)", p.RequestCount()-before)
			}
			if sc.wantTarget != "" && !slices.ContainsFunc(p.Requests(), func(r cognitotest.RecordedRequest) bool { return r.Target == sc.wantTarget && r.ErrorType == "" }) {
				t.Errorf("no successful %s reached the double", sc.wantTarget)
			}
		})
	}
}

// signInOutputs are the outputs of a successful sign-in of the bot; the
// refresh token is captured into *refresh for later checks.
func signInOutputs(p *acctest.Pool, clientID string, refresh, access *string) map[string]knownvalue.Check {
	jwt := func(use string, into *string) knownvalue.Check {
		return knownvalue.StringFunc(func(token string) error {
			claims, err := cognitotest.VerifyJWT(token, p.JWKS())
			if err != nil {
				return fmt.Errorf("%s token does not verify against the pool's JWKS: %w", use, err)
			}
			client, user := claims["client_id"], claims["username"]
			if use == "id" {
				client, user = claims["aud"], claims["cognito:username"]
			}
			if claims["token_use"] != use || claims["iss"] != p.Issuer() || client != clientID || user != botUsername {
				return fmt.Errorf("%s token claims %v", use, claims)
			}
			if into != nil {
				*into = token
			}
			return nil
		})
	}
	return map[string]knownvalue.Check{
		"access_token": jwt("access", access),
		"id_token":     jwt("id", nil),
		"refresh_token": knownvalue.StringFunc(func(s string) error {
			if len(s) < 20 {
				return errors.New("refresh_token is not a refresh token")
			}
			if refresh != nil {
				*refresh = s
			}
			return nil
		}),
		"token_type": knownvalue.StringExact("Bearer"),
		"expires_in": knownvalue.Int64Exact(3600),
		"expires_at": knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)),
	}
}

func TestAccSignInEphemeralResource(t *testing.T) {
	runSignInScenarios(t, func(p *acctest.Pool, sc signInScenario, in signInInputs, providerArgs []string) resource.TestStep {
		step := resource.TestStep{Config: signInEphemeralHCL(acctest.ProviderHCL(p.URL, "eu-west-1", providerArgs...), in), ExpectError: sc.expectError}
		if sc.expectError == nil {
			for attr, check := range signInOutputs(p, in.ClientID, nil, nil) {
				step.ConfigStateChecks = append(step.ConfigStateChecks, statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey(attr), check))
			}
		}
		return step
	}, tfversion.SkipBelow(tfversion.Version1_10_0))
}

func TestAccSignInDataSource(t *testing.T) {
	const address = "data.cognito_sign_in.test"
	runSignInScenarios(t, func(p *acctest.Pool, sc signInScenario, in signInInputs, providerArgs []string) resource.TestStep {
		step := resource.TestStep{Config: signInDataSourceHCL(acctest.ProviderHCL(p.URL, "eu-west-1", providerArgs...), in), ExpectError: sc.expectError}
		if sc.expectError == nil {
			for attr, check := range signInOutputs(p, in.ClientID, nil, nil) {
				step.ConfigStateChecks = append(step.ConfigStateChecks, statecheck.ExpectKnownValue(address, tfjsonpath.New(attr), check))
			}
			for _, attr := range []string{"access_token", "id_token", "refresh_token", "password", "client_id"} {
				step.ConfigStateChecks = append(step.ConfigStateChecks, statecheck.ExpectSensitiveValue(address, tfjsonpath.New(attr)))
			}
		}
		return step
	})
}

// refreshFails reports how a refresh with token fails ("" if it works).
func refreshFails(p *acctest.Pool, clientID, clientSecret, token string) failure.Reason {
	_, err := signInClient(p).Refresh(context.Background(), cognito.Request{RefreshToken: token, ClientID: clientID, ClientSecret: clientSecret})
	var e *failure.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	if err != nil {
		return failure.Other
	}
	return -1
}

const refreshWorks failure.Reason = -1

// TestAccSignInRevokeOnClose: when Terraform closes the ephemeral resource
// its refresh token is revoked, with the access token issued with it; with
// revoke_on_close = false both stay valid. The data source revokes nothing.
func TestAccSignInRevokeOnClose(t *testing.T) {
	for _, revoke := range []bool{true, false} {
		t.Run(fmt.Sprintf("revoke_on_close %v", revoke), func(t *testing.T) {
			t.Parallel()
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			in, _ := signInWith(cognitotest.AppClient{GenerateSecret: true}, nil, nil)(p)
			var refresh, access string
			step := resource.TestStep{Config: signInEphemeralHCL(acctest.ProviderHCL(p.URL, "eu-west-1"), in, fmt.Sprintf("revoke_on_close = %v", revoke))}
			for attr, check := range signInOutputs(p, in.ClientID, &refresh, &access) {
				step.ConfigStateChecks = append(step.ConfigStateChecks, statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey(attr), check))
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				Steps:                    []resource.TestStep{step},
			})
			if t.Failed() {
				return
			}
			if refresh == "" || access == "" {
				t.Fatal("the tokens were not captured")
			}
			signIns, revokes := targetCount(p, cognitotest.TargetInitiateAuth), targetCount(p, cognitotest.TargetRevokeToken)
			if want := map[bool]int{true: signIns, false: 0}[revoke]; revokes != want {
				t.Errorf("%d sign-ins, %d revocations, want %d", signIns, revokes, want)
			}
			got := refreshFails(p, in.ClientID, in.ClientSecret, refresh)
			if revoke && got != failure.RefreshTokenRejected {
				t.Errorf("the revoked refresh token still refreshes (%v)", got)
			}
			if !revoke && got != refreshWorks {
				t.Errorf("the kept refresh token does not refresh: %v", got)
			}
			if p.AccessTokenRevoked(access) != revoke {
				t.Errorf("access token revoked: %v, want %v", p.AccessTokenRevoked(access), revoke)
			}
		})
	}

	t.Run("data source", func(t *testing.T) {
		t.Parallel()
		p := acctest.NewPool(t, cognitotest.PoolConfig{})
		in, _ := signInWith(cognitotest.AppClient{}, nil, nil)(p)
		var refresh string
		step := resource.TestStep{Config: signInDataSourceHCL(acctest.ProviderHCL(p.URL, "eu-west-1"), in)}
		for attr, check := range signInOutputs(p, in.ClientID, &refresh, nil) {
			step.ConfigStateChecks = append(step.ConfigStateChecks, statecheck.ExpectKnownValue("data.cognito_sign_in.test", tfjsonpath.New(attr), check))
		}
		resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: []resource.TestStep{step}})
		if t.Failed() {
			return
		}
		if n := targetCount(p, cognitotest.TargetRevokeToken); n != 0 {
			t.Errorf("the data source revoked %d tokens", n)
		}
		if got := refreshFails(p, in.ClientID, "", refresh); got != refreshWorks {
			t.Errorf("the data source's refresh token does not refresh: %v", got)
		}
	})
}

func targetCount(p *acctest.Pool, target string) int {
	n := 0
	for _, r := range p.Requests() {
		if r.Target == target {
			n++
		}
	}
	return n
}
