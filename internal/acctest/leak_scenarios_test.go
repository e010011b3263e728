package acctest_test

// The scenarios the leak suites run through a real CLI: the inputs each
// needs and the error it must end in. internal/provider's acceptance tests
// run the same behaviours in-process with their output and wire checks
// (refreshed_tokens_test.go and client_credentials_token_test.go there);
// this is the CLI-facing half, kept in step by name.

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// leakScenario is one cognito_refreshed_tokens behaviour run through the CLI.
type leakScenario struct {
	name string
	pool cognitotest.PoolConfig
	// arrange prepares the pool and returns the resource's inputs and extra
	// provider arguments.
	arrange func(p *acctest.Pool) (acctest.TokenInputs, []string)
	// expectError, when set, must match the CLI's error output.
	expectError *regexp.Regexp
}

func refreshedTokensScenarios() []leakScenario {
	return append(append(refreshedTokensSuccessScenarios(), refreshedTokensErrorScenarios()...), refreshedTokensValidationScenarios()...)
}

func refreshedTokensSuccessScenarios() []leakScenario {
	signIn := func(client cognitotest.AppClient) func(p *acctest.Pool) (acctest.TokenInputs, []string) {
		return func(p *acctest.Pool) (acctest.TokenInputs, []string) { return p.SignIn(client), nil }
	}
	return []leakScenario{
		{name: "public client", arrange: signIn(cognitotest.AppClient{})},
		{name: "client with secret, custom validities and scopes", arrange: signIn(cognitotest.AppClient{GenerateSecret: true,
			AccessTokenValidity: 10 * time.Minute, IDTokenValidity: 30 * time.Minute, Scopes: []string{"openid", "platform/deploy"}})},
		{
			name: "confirmed device in a pool that remembers devices",
			pool: cognitotest.PoolConfig{RememberDevices: true},
			arrange: func(p *acctest.Pool) (acctest.TokenInputs, []string) {
				in := p.SignInWithDevice(cognitotest.AppClient{})
				p.ConfirmDevice(in.DeviceKey)
				return in, nil
			},
		},
		{
			// Long random tokens, so the leak test can look for them.
			name: "new device metadata passed through",
			arrange: func(p *acctest.Pool) (acctest.TokenInputs, []string) {
				p.InjectFault(cognitotest.Fault{Times: 20, Body: `{"AuthenticationResult":{"AccessToken":"` + opaqueToken() + `","IdToken":"` + opaqueToken() +
					`","ExpiresIn":300,"TokenType":"Bearer","NewDeviceMetadata":{"DeviceKey":"eu-west-1_0b1c2d3e-0000-4000-8000-000000000000","DeviceGroupKey":"-abcDEF123"}}}`})
				return p.SignIn(cognitotest.AppClient{}), nil
			},
		},
		{
			name: "client metadata reaches the Lambda trigger",
			pool: cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error { return nil }},
			arrange: func(p *acctest.Pool) (acctest.TokenInputs, []string) {
				in := p.SignIn(cognitotest.AppClient{})
				in.ClientMetadata = map[string]string{"pipeline": "deploy", "run": "42"}
				return in, nil
			},
		},
		{name: "rotation within the grace period", arrange: signIn(cognitotest.AppClient{Rotation: true, GracePeriod: 60 * time.Second})},
	}
}

func refreshedTokensErrorScenarios() []leakScenario {
	withToken := func(client cognitotest.AppClient, change func(p *acctest.Pool, in *acctest.TokenInputs)) func(p *acctest.Pool) (acctest.TokenInputs, []string) {
		return func(p *acctest.Pool) (acctest.TokenInputs, []string) {
			in := p.SignIn(client)
			if change != nil {
				change(p, &in)
			}
			return in, nil
		}
	}
	withFault := func(fault cognitotest.Fault, providerArgs ...string) func(p *acctest.Pool) (acctest.TokenInputs, []string) {
		return func(p *acctest.Pool) (acctest.TokenInputs, []string) {
			p.InjectFault(fault)
			return p.SignIn(cognitotest.AppClient{}), providerArgs
		}
	}
	lambda := func(err error) cognitotest.PoolConfig {
		return cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error { return err }}
	}
	return []leakScenario{
		{name: "invalid refresh token", expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Invalid Refresh Token[\s\S]*Sign in again`),
			arrange: withToken(cognitotest.AppClient{}, func(_ *acctest.Pool, in *acctest.TokenInputs) {
				in.RefreshToken = "eyJjdHkiOiJKV1QifQ.forged.token.value.x"
			})},
		{name: "expired refresh token", expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Refresh Token has expired`),
			arrange: withToken(cognitotest.AppClient{}, func(p *acctest.Pool, in *acctest.TokenInputs) { p.ExpireRefreshToken(in.RefreshToken) })},
		{name: "revoked refresh token", expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Refresh Token has been revoked`),
			arrange: withToken(cognitotest.AppClient{}, func(p *acctest.Pool, in *acctest.TokenInputs) { p.RevokeRefreshToken(in.RefreshToken) })},
		{name: "missing client secret", expectError: regexp.MustCompile(`Client secret missing or wrong[\s\S]*set\s+.client_secret.`),
			arrange: withToken(cognitotest.AppClient{GenerateSecret: true}, func(_ *acctest.Pool, in *acctest.TokenInputs) { in.ClientSecret = "" })},
		{name: "wrong client secret", expectError: regexp.MustCompile(`Client secret missing or wrong`),
			arrange: withToken(cognitotest.AppClient{GenerateSecret: true}, func(_ *acctest.Pool, in *acctest.TokenInputs) { in.ClientSecret = strings.Repeat("x", 51) })},
		{name: "client secret for a public client", expectError: regexp.MustCompile(`Client secret missing or wrong[\s\S]*remove\s+.client_secret.`),
			arrange: withToken(cognitotest.AppClient{}, func(_ *acctest.Pool, in *acctest.TokenInputs) { in.ClientSecret = strings.Repeat("s", 51) })},
		{name: "refresh token reused after the grace period", expectError: regexp.MustCompile(`Refresh token already rotated[\s\S]*grace period[\s\S]*plan and again at apply`),
			arrange: withToken(cognitotest.AppClient{Rotation: true}, nil)},
		{name: "unknown app client", expectError: regexp.MustCompile(`App client not found[\s\S]*region eu-west-1`),
			arrange: withToken(cognitotest.AppClient{}, func(_ *acctest.Pool, in *acctest.TokenInputs) { in.ClientID = "nosuchclient0000000000000" })},
		{name: "deleted user", expectError: regexp.MustCompile(`User not found[\s\S]*Sign in again`),
			arrange: withToken(cognitotest.AppClient{}, func(p *acctest.Pool, _ *acctest.TokenInputs) { p.DeleteUser("alice") })},
		// A pool that remembers devices answers a missing or unconfirmed
		// device key like a bad token; the diagnostic names the device case.
		{name: "no device key in a pool that remembers devices",
			expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Invalid Refresh Token\.[\s\S]*no\s+device\s+key\s+is\s+sent[\s\S]*ConfirmDevice`),
			pool:        cognitotest.PoolConfig{RememberDevices: true}, arrange: withToken(cognitotest.AppClient{}, nil)},
		{name: "unconfirmed device key",
			expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Invalid Refresh Token\.[\s\S]*device_key.\s+is\s+not\s+a\s+device\s+confirmed`),
			pool:        cognitotest.PoolConfig{RememberDevices: true},
			arrange: func(p *acctest.Pool) (acctest.TokenInputs, []string) {
				return p.SignInWithDevice(cognitotest.AppClient{}), nil
			}},
		{name: "disabled user", expectError: regexp.MustCompile(`User disabled[\s\S]*AdminEnableUser`),
			arrange: func(p *acctest.Pool) (acctest.TokenInputs, []string) {
				client := p.AddClient(cognitotest.AppClient{})
				p.AddUser(cognitotest.User{Username: "frozen", Disabled: true})
				return acctest.TokenInputs{RefreshToken: p.IssueRefreshToken(client.ID, "frozen"), ClientID: client.ID}, nil
			}},
		{name: "throttled beyond retries", expectError: regexp.MustCompile(`Cognito throttled the request[\s\S]*2\s+attempts`),
			arrange: withFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2}, "max_retries = 1")},
		{name: "internal error beyond retries", expectError: regexp.MustCompile(`Cognito internal error[\s\S]*1\s+attempt`),
			arrange: withFault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError}, "max_retries = 0")},
		{name: "invalid parameter", expectError: regexp.MustCompile(`Cognito rejected a parameter`),
			arrange: withFault(cognitotest.Fault{ErrorType: cognitotest.ErrInvalidParameter, Message: "1 validation error detected"})},
		{name: "blocked by WAF", expectError: regexp.MustCompile(`Request blocked by AWS WAF`),
			pool:    cognitotest.PoolConfig{Forbid: func(_ *http.Request, _ cognitotest.GetTokensInput) bool { return true }},
			arrange: withToken(cognitotest.AppClient{}, nil)},
		{name: "operation not enabled", expectError: regexp.MustCompile(`Operation not available for this user pool[\s\S]*replica`),
			pool:    cognitotest.PoolConfig{OperationNotEnabled: true},
			arrange: withToken(cognitotest.AppClient{}, nil)},
		{name: "Lambda invalid response", expectError: regexp.MustCompile(`Lambda trigger returned an invalid response[\s\S]*Unrecognizable\s+lambda\s+output`),
			pool: lambda(cognitotest.ErrLambdaInvalidResponse), arrange: withToken(cognitotest.AppClient{}, nil)},
		{name: "Lambda output not JSON", expectError: regexp.MustCompile(`Lambda trigger returned an invalid response[\s\S]*Invalid\s+lambda\s+function\s+output\s+:\s+Invalid\s+JSON`),
			pool: lambda(cognitotest.ErrLambdaInvalidJSON), arrange: withToken(cognitotest.AppClient{}, nil)},
		{name: "Lambda failed", expectError: regexp.MustCompile(`A Lambda trigger failed`),
			pool: lambda(errors.New("AccessDeniedException")), arrange: withToken(cognitotest.AppClient{}, nil)},
		{name: "Lambda rejected", expectError: regexp.MustCompile(`Lambda trigger rejected the request[\s\S]*deploys are frozen`),
			pool:    lambda(&cognitotest.LambdaValidationError{Message: "deploys are frozen"}),
			arrange: withToken(cognitotest.AppClient{}, nil)},
	}
}

// validationScenarios fail before any request: the wire check proves it.
func refreshedTokensValidationScenarios() []leakScenario {
	invalid := func(name, pattern string, change func(in *acctest.TokenInputs), providerArgs ...string) leakScenario {
		return leakScenario{
			name:        name,
			expectError: regexp.MustCompile(pattern),
			arrange: func(p *acctest.Pool) (acctest.TokenInputs, []string) {
				in := p.SignIn(cognitotest.AppClient{})
				change(&in)
				return in, providerArgs
			},
		}
	}
	extra := func(lines ...string) func(in *acctest.TokenInputs) {
		return func(in *acctest.TokenInputs) { in.Extra = append(in.Extra, lines...) }
	}
	return []leakScenario{
		invalid("empty refresh token", `refresh_token[\s\S]*length must be at least 1`, func(in *acctest.TokenInputs) { in.RefreshToken = ""; extra(`refresh_token = ""`)(in) }),
		invalid("whitespace refresh token", `Invalid refresh_token[\s\S]*letters, digits`, func(in *acctest.TokenInputs) { in.RefreshToken = "  " }),
		// Long enough for the leak test to search (minSecretLen), with the
		// quote early: only the JSON-escaped form would find it in JSON.
		invalid("refresh token with a quote", `Invalid refresh_token`, func(in *acctest.TokenInputs) { in.RefreshToken = `abc"def.eyJjdHkiOiJKV1QifQ.x` }),
		invalid("client id with a dash", `Invalid client_id`, func(in *acctest.TokenInputs) { in.ClientID = "abc-def" }),
		invalid("client id too long", `client_id[\s\S]*length must be between 1 and 128`, func(in *acctest.TokenInputs) { in.ClientID = strings.Repeat("a", 129) }),
		invalid("client secret too short", `client_secret[\s\S]*length must be between 24 and 64`, func(in *acctest.TokenInputs) { in.ClientSecret = "short" }),
		invalid("client secret with a symbol", `Invalid client_secret`, func(in *acctest.TokenInputs) { in.ClientSecret = strings.Repeat("a", 30) + "!" }),
		invalid("device key without region", `Invalid device_key`, func(in *acctest.TokenInputs) { in.DeviceKey = "9f8e7d6c5b" }), // not the description's example
		invalid("device key too long", `device_key[\s\S]*length must be between 1 and 55`, func(in *acctest.TokenInputs) { in.DeviceKey = "eu-west-1_" + strings.Repeat("a", 50) }),
		invalid("unknown region", `Invalid region[\s\S]*AWS region name`, func(in *acctest.TokenInputs) { in.Region = "mars-north-1" }),
		invalid("huge client metadata", `client_metadata too large`, func(in *acctest.TokenInputs) {
			in.ClientMetadata = map[string]string{"blob": strings.Repeat("x", 70*1024)}
		}),
		invalid("too many client metadata entries", `client_metadata[\s\S]*at most 50`, extra(`client_metadata = { for i in range(51) : "k${i}" => "v" }`)),
		invalid("client metadata with a null value", `Null value in client_metadata[\s\S]*remove the key`, extra(`client_metadata = { stage = null }`)),
		invalid("whitespace-only client id", `Invalid client_id[\s\S]*stray whitespace`, func(in *acctest.TokenInputs) { in.ClientID = "   " }),
		invalid("endpoint not a URL", `Invalid endpoint URL`, func(*acctest.TokenInputs) {}, `endpoint = "cognito.local"`),
		invalid("timeout not a duration", `Invalid duration`, func(*acctest.TokenInputs) {}, `timeout = "soon"`),
		invalid("negative max_retries", `max_retries[\s\S]*between 0 and 100`, func(*acctest.TokenInputs) {}, `max_retries = -1`),
	}
}

// opaqueToken is a random token-shaped string.
func opaqueToken() string {
	b := make([]byte, 96)
	_, _ = rand.Read(b)
	return "eyJ" + base64.RawURLEncoding.EncodeToString(b)
}

// clientCredentialsLeakScenario is one cognito_client_credentials_token
// behaviour that reaches the token endpoint, run through the CLI. (Its
// validation scenarios never reach the provider's request code; the
// bad-input and fuzz tests prove validators never echo.)
type clientCredentialsLeakScenario struct {
	name string
	// ownPool: the scenario injects faults, so it gets a double of its own.
	ownPool     bool
	arrange     func(p *acctest.Pool) (acctest.ClientCredentialsInputs, []string)
	expectError *regexp.Regexp
}

func clientCredentialsLeakScenarios() []clientCredentialsLeakScenario {
	client := func(c cognitotest.ClientCredentialsClient, change func(in *acctest.ClientCredentialsInputs)) func(p *acctest.Pool) (acctest.ClientCredentialsInputs, []string) {
		return func(p *acctest.Pool) (acctest.ClientCredentialsInputs, []string) {
			in := p.ClientCredentials(c)
			if change != nil {
				change(&in)
			}
			return in, nil
		}
	}
	deployer := cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy", "platform/read"}, AccessTokenValidity: 10 * time.Minute}
	fault := func(f cognitotest.Fault, providerArgs ...string) func(p *acctest.Pool) (acctest.ClientCredentialsInputs, []string) {
		return func(p *acctest.Pool) (acctest.ClientCredentialsInputs, []string) {
			p.InjectFault(f)
			return p.ClientCredentials(deployer), providerArgs
		}
	}
	return []clientCredentialsLeakScenario{
		{name: "requested scopes and client metadata", arrange: client(deployer, func(in *acctest.ClientCredentialsInputs) {
			in.Scopes = []string{"platform/deploy"}
			in.ClientMetadata = map[string]string{"pipeline": "ci", "run": "42"}
		})},
		{name: "no scopes requested: every allowed scope",
			arrange: client(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/read", "https://billing.example.com/invoices.read"}}, nil)},
		// Each OAuth error, as the double answers it, with its diagnostic.
		{name: "wrong client secret", expectError: regexp.MustCompile(`Client credentials not accepted[\s\S]*invalid_client[\s\S]*client_secret. is its current secret`),
			arrange: client(deployer, func(in *acctest.ClientCredentialsInputs) { in.ClientSecret = strings.Repeat("x", 51) })},
		{name: "unknown app client", expectError: regexp.MustCompile(`Client credentials not accepted[\s\S]*client_id. names an app client`),
			arrange: client(deployer, func(in *acctest.ClientCredentialsInputs) { in.ClientID = "nosuchclient0000000000000" })},
		{name: "client without the client-credentials grant", expectError: regexp.MustCompile(`App client may not use the client-credentials grant[\s\S]*unauthorized_client[\s\S]*AllowedOAuthFlows`),
			arrange: client(cognitotest.ClientCredentialsClient{Scopes: deployer.Scopes, AllowedOAuthFlows: []string{"code"}}, nil)},
		{name: "scope not allowed", expectError: regexp.MustCompile(`Scope not allowed[\s\S]*invalid_scope[\s\S]*AllowedOAuthScopes`),
			arrange: client(deployer, func(in *acctest.ClientCredentialsInputs) { in.Scopes = []string{"platform/admin"} })},
		{name: "client with no custom scope", expectError: regexp.MustCompile(`Scope not allowed[\s\S]*fails when it has none`),
			arrange: client(cognitotest.ClientCredentialsClient{}, nil)},
		{name: "invalid_request", ownPool: true, expectError: regexp.MustCompile(`Token request rejected as malformed[\s\S]*invalid_request`),
			arrange: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidRequest})},
		{name: "unsupported_grant_type", ownPool: true, expectError: regexp.MustCompile(`Endpoint does not support the client-credentials grant[\s\S]*token_url`),
			arrange: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthUnsupportedGrantType})},
		{name: "invalid_grant", ownPool: true, expectError: regexp.MustCompile(`Grant refused[\s\S]*invalid_grant`),
			arrange: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidGrant})},
		{name: "throttled beyond retries", ownPool: true, expectError: regexp.MustCompile(`Cognito throttled the token request[\s\S]*HTTP 429 \(2\s+attempts\)`),
			arrange: fault(cognitotest.Fault{Status: 429, Body: `{"message":"Rate exceeded"}`, Times: 2}, "max_retries = 1")},
	}
}
