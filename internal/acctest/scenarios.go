package acctest

// The scenarios both token types' acceptance suites share: internal/provider
// runs each in-process with its output and wire checks (keyed by Name), the
// leak suites run each through a real CLI. One table, so the two cannot
// drift apart.

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// Scenario is one cognito_refreshed_tokens behaviour.
type Scenario struct {
	Name string
	Pool cognitotest.PoolConfig
	// Arrange prepares the pool and returns the resource's inputs and extra
	// provider arguments.
	Arrange func(p *Pool) (TokenInputs, []string)
	// ExpectError, when set, must match the error output.
	ExpectError *regexp.Regexp
	// Invalid: the inputs fail validation, before any request.
	Invalid bool
}

// RefreshedTokensScenarios are every cognito_refreshed_tokens scenario:
// successes, errors Cognito answers, and inputs validation refuses.
func RefreshedTokensScenarios() []Scenario {
	return append(append(refreshedTokensSuccessScenarios(), refreshedTokensErrorScenarios()...), refreshedTokensValidationScenarios()...)
}

func refreshedTokensSuccessScenarios() []Scenario {
	signIn := func(client cognitotest.AppClient) func(p *Pool) (TokenInputs, []string) {
		return func(p *Pool) (TokenInputs, []string) { return p.SignIn(client), nil }
	}
	return []Scenario{
		{Name: "public client", Arrange: signIn(cognitotest.AppClient{})},
		{Name: "client with secret, custom validities and scopes", Arrange: signIn(cognitotest.AppClient{GenerateSecret: true,
			AccessTokenValidity: 10 * time.Minute, IDTokenValidity: 30 * time.Minute, Scopes: []string{"openid", "platform/deploy"}})},
		{
			Name: "confirmed device in a pool that remembers devices",
			Pool: cognitotest.PoolConfig{RememberDevices: true},
			Arrange: func(p *Pool) (TokenInputs, []string) {
				in := p.SignInWithDevice(cognitotest.AppClient{})
				p.ConfirmDevice(in.DeviceKey)
				return in, nil
			},
		},
		{
			// Long random tokens, so the leak test can look for them.
			Name: "new device metadata passed through",
			Arrange: func(p *Pool) (TokenInputs, []string) {
				p.InjectFault(cognitotest.Fault{Times: 20, Body: `{"AuthenticationResult":{"AccessToken":"` + opaqueToken() + `","IdToken":"` + opaqueToken() +
					`","ExpiresIn":300,"TokenType":"Bearer","NewDeviceMetadata":{"DeviceKey":"eu-west-1_0b1c2d3e-0000-4000-8000-000000000000","DeviceGroupKey":"-abcDEF123"}}}`})
				return p.SignIn(cognitotest.AppClient{}), nil
			},
		},
		{
			Name: "client metadata reaches the Lambda trigger",
			Pool: cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error { return nil }},
			Arrange: func(p *Pool) (TokenInputs, []string) {
				in := p.SignIn(cognitotest.AppClient{})
				in.ClientMetadata = map[string]string{"pipeline": "deploy", "run": "42"}
				return in, nil
			},
		},
		{Name: "rotation within the grace period", Arrange: signIn(cognitotest.AppClient{Rotation: true, GracePeriod: 60 * time.Second})},
	}
}

func refreshedTokensErrorScenarios() []Scenario {
	withToken := func(client cognitotest.AppClient, change func(p *Pool, in *TokenInputs)) func(p *Pool) (TokenInputs, []string) {
		return func(p *Pool) (TokenInputs, []string) {
			in := p.SignIn(client)
			if change != nil {
				change(p, &in)
			}
			return in, nil
		}
	}
	withFault := func(fault cognitotest.Fault, providerArgs ...string) func(p *Pool) (TokenInputs, []string) {
		return func(p *Pool) (TokenInputs, []string) {
			p.InjectFault(fault)
			return p.SignIn(cognitotest.AppClient{}), providerArgs
		}
	}
	lambda := func(err error) cognitotest.PoolConfig {
		return cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error { return err }}
	}
	return []Scenario{
		{Name: "invalid refresh token", ExpectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Invalid Refresh Token[\s\S]*Sign in again`),
			Arrange: withToken(cognitotest.AppClient{}, func(_ *Pool, in *TokenInputs) {
				in.RefreshToken = "eyJjdHkiOiJKV1QifQ.forged.token.value.x"
			})},
		{Name: "expired refresh token", ExpectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Refresh Token has expired`),
			Arrange: withToken(cognitotest.AppClient{}, func(p *Pool, in *TokenInputs) { p.ExpireRefreshToken(in.RefreshToken) })},
		{Name: "revoked refresh token", ExpectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Refresh Token has been revoked`),
			Arrange: withToken(cognitotest.AppClient{}, func(p *Pool, in *TokenInputs) { p.RevokeRefreshToken(in.RefreshToken) })},
		{Name: "missing client secret", ExpectError: regexp.MustCompile(`Client secret missing or wrong[\s\S]*set\s+.client_secret.`),
			Arrange: withToken(cognitotest.AppClient{GenerateSecret: true}, func(_ *Pool, in *TokenInputs) { in.ClientSecret = "" })},
		{Name: "wrong client secret", ExpectError: regexp.MustCompile(`Client secret missing or wrong`),
			Arrange: withToken(cognitotest.AppClient{GenerateSecret: true}, func(_ *Pool, in *TokenInputs) { in.ClientSecret = strings.Repeat("x", 51) })},
		{Name: "client secret for a public client", ExpectError: regexp.MustCompile(`Client secret missing or wrong[\s\S]*remove\s+.client_secret.`),
			Arrange: withToken(cognitotest.AppClient{}, func(_ *Pool, in *TokenInputs) { in.ClientSecret = strings.Repeat("s", 51) })},
		{Name: "refresh token reused after the grace period", ExpectError: regexp.MustCompile(`Refresh token already rotated[\s\S]*grace period[\s\S]*plan and again at apply`),
			Arrange: withToken(cognitotest.AppClient{Rotation: true}, nil)},
		{Name: "unknown app client", ExpectError: regexp.MustCompile(`App client not found[\s\S]*region eu-west-1`),
			Arrange: withToken(cognitotest.AppClient{}, func(_ *Pool, in *TokenInputs) { in.ClientID = "nosuchclient0000000000000" })},
		{Name: "deleted user", ExpectError: regexp.MustCompile(`User not found[\s\S]*Sign in again`),
			Arrange: withToken(cognitotest.AppClient{}, func(p *Pool, _ *TokenInputs) { p.DeleteUser("alice") })},
		// A pool that remembers devices answers a missing or unconfirmed
		// device key like a bad token; the diagnostic names the device case.
		{Name: "no device key in a pool that remembers devices",
			ExpectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Invalid Refresh Token\.[\s\S]*no\s+device\s+key\s+is\s+sent[\s\S]*ConfirmDevice`),
			Pool:        cognitotest.PoolConfig{RememberDevices: true}, Arrange: withToken(cognitotest.AppClient{}, nil)},
		{Name: "unconfirmed device key",
			ExpectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Invalid Refresh Token\.[\s\S]*device_key.\s+is\s+not\s+a\s+device\s+confirmed`),
			Pool:        cognitotest.PoolConfig{RememberDevices: true},
			Arrange: func(p *Pool) (TokenInputs, []string) {
				return p.SignInWithDevice(cognitotest.AppClient{}), nil
			}},
		{Name: "disabled user", ExpectError: regexp.MustCompile(`User disabled[\s\S]*AdminEnableUser`),
			Arrange: func(p *Pool) (TokenInputs, []string) {
				client := p.AddClient(cognitotest.AppClient{})
				p.AddUser(cognitotest.User{Username: "frozen", Disabled: true})
				return TokenInputs{RefreshToken: p.IssueRefreshToken(client.ID, "frozen"), ClientID: client.ID}, nil
			}},
		{Name: "throttled beyond retries", ExpectError: regexp.MustCompile(`Cognito throttled the request[\s\S]*2\s+attempts`),
			Arrange: withFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2}, "max_retries = 1")},
		{Name: "internal error beyond retries", ExpectError: regexp.MustCompile(`Cognito internal error[\s\S]*1\s+attempt`),
			Arrange: withFault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError}, "max_retries = 0")},
		{Name: "invalid parameter", ExpectError: regexp.MustCompile(`Cognito rejected a parameter`),
			Arrange: withFault(cognitotest.Fault{ErrorType: cognitotest.ErrInvalidParameter, Message: "1 validation error detected"})},
		{Name: "blocked by WAF", ExpectError: regexp.MustCompile(`Request blocked by AWS WAF`),
			Pool:    cognitotest.PoolConfig{Forbid: func(_ *http.Request, _ cognitotest.GetTokensInput) bool { return true }},
			Arrange: withToken(cognitotest.AppClient{}, nil)},
		{Name: "operation not enabled", ExpectError: regexp.MustCompile(`Operation not available for this user pool[\s\S]*replica`),
			Pool:    cognitotest.PoolConfig{OperationNotEnabled: true},
			Arrange: withToken(cognitotest.AppClient{}, nil)},
		{Name: "Lambda invalid response", ExpectError: regexp.MustCompile(`Lambda trigger returned an invalid response[\s\S]*Unrecognizable\s+lambda\s+output`),
			Pool: lambda(cognitotest.ErrLambdaInvalidResponse), Arrange: withToken(cognitotest.AppClient{}, nil)},
		{Name: "Lambda output not JSON", ExpectError: regexp.MustCompile(`Lambda trigger returned an invalid response[\s\S]*Invalid\s+lambda\s+function\s+output\s+:\s+Invalid\s+JSON`),
			Pool: lambda(cognitotest.ErrLambdaInvalidJSON), Arrange: withToken(cognitotest.AppClient{}, nil)},
		{Name: "Lambda failed", ExpectError: regexp.MustCompile(`A Lambda trigger failed`),
			Pool: lambda(errors.New("AccessDeniedException")), Arrange: withToken(cognitotest.AppClient{}, nil)},
		{Name: "Lambda rejected", ExpectError: regexp.MustCompile(`Lambda trigger rejected the request[\s\S]*deploys are frozen`),
			Pool:    lambda(&cognitotest.LambdaValidationError{Message: "deploys are frozen"}),
			Arrange: withToken(cognitotest.AppClient{}, nil)},
	}
}

// refreshedTokensValidationScenarios fail before any request.
func refreshedTokensValidationScenarios() []Scenario {
	invalid := func(name, pattern string, change func(in *TokenInputs), providerArgs ...string) Scenario {
		return Scenario{
			Name:        name,
			ExpectError: regexp.MustCompile(pattern),
			Invalid:     true,
			Arrange: func(p *Pool) (TokenInputs, []string) {
				in := p.SignIn(cognitotest.AppClient{})
				change(&in)
				return in, providerArgs
			},
		}
	}
	extra := func(lines ...string) func(in *TokenInputs) {
		return func(in *TokenInputs) { in.Extra = append(in.Extra, lines...) }
	}
	return []Scenario{
		invalid("empty refresh token", `Empty refresh_token[\s\S]*is an empty string`, func(in *TokenInputs) { in.RefreshToken = ""; extra(`refresh_token = ""`)(in) }),
		invalid("whitespace refresh token", `Invalid refresh_token[\s\S]*letters, digits`, func(in *TokenInputs) { in.RefreshToken = "  " }),
		// Long enough for the leak test to search (minSecretLen), with the
		// quote early: only the JSON-escaped form would find it in JSON.
		invalid("refresh token with a quote", `Invalid refresh_token`, func(in *TokenInputs) { in.RefreshToken = `abc"def.eyJjdHkiOiJKV1QifQ.x` }),
		invalid("client id with a dash", `Invalid client_id`, func(in *TokenInputs) { in.ClientID = "abc-def" }),
		invalid("client id too long", `client_id[\s\S]*length must be between 1 and 128`, func(in *TokenInputs) { in.ClientID = strings.Repeat("a", 129) }),
		invalid("client secret too short", `client_secret[\s\S]*length must be between 24 and 64`, func(in *TokenInputs) { in.ClientSecret = "short" }),
		invalid("client secret with a symbol", `Invalid client_secret`, func(in *TokenInputs) { in.ClientSecret = strings.Repeat("a", 30) + "!" }),
		invalid("device key without region", `Invalid device_key`, func(in *TokenInputs) { in.DeviceKey = "9f8e7d6c5b" }), // not the description's example
		invalid("device key too long", `device_key[\s\S]*length must be between 1 and 55`, func(in *TokenInputs) { in.DeviceKey = "eu-west-1_" + strings.Repeat("a", 50) }),
		invalid("unknown region", `Invalid region[\s\S]*AWS region name`, func(in *TokenInputs) { in.Region = "mars-north-1" }),
		invalid("huge client metadata", `client_metadata too large`, func(in *TokenInputs) {
			in.ClientMetadata = map[string]string{"blob": strings.Repeat("x", 70*1024)}
		}),
		invalid("too many client metadata entries", `client_metadata[\s\S]*at most 50`, extra(`client_metadata = { for i in range(51) : "k${i}" => "v" }`)),
		invalid("client metadata with a null value", `Null value in client_metadata[\s\S]*remove the key`, extra(`client_metadata = { stage = null }`)),
		invalid("whitespace-only client id", `Invalid client_id[\s\S]*stray whitespace`, func(in *TokenInputs) { in.ClientID = "   " }),
		invalid("endpoint not a URL", `Invalid endpoint URL`, func(*TokenInputs) {}, `endpoint = "cognito.local"`),
		invalid("timeout not a duration", `Invalid duration`, func(*TokenInputs) {}, `timeout = "soon"`),
		invalid("negative max_retries", `max_retries[\s\S]*between 0 and 100`, func(*TokenInputs) {}, `max_retries = -1`),
	}
}

// opaqueToken is a random token-shaped string.
func opaqueToken() string {
	b := make([]byte, 96)
	_, _ = rand.Read(b)
	return "eyJ" + base64.RawURLEncoding.EncodeToString(b)
}

// ClientCredentialsScenario is one cognito_client_credentials_token
// behaviour that reaches the token endpoint or GetClientToken (the
// scenarios named "GetClientToken: ...", whose inputs have no TokenURL). (Its validation scenarios
// never reach the provider's request code, so the leak suite does not run
// them; the bad-input and fuzz tests prove validators never echo.)
type ClientCredentialsScenario struct {
	Name string
	// OwnPool: the scenario injects faults, so it gets a double of its own.
	OwnPool     bool
	Arrange     func(p *Pool) (ClientCredentialsInputs, []string)
	ExpectError *regexp.Regexp
}

// ClientCredentialsScenarios are the cognito_client_credentials_token
// scenarios that reach the token endpoint.
func ClientCredentialsScenarios() []ClientCredentialsScenario {
	client := func(c cognitotest.ClientCredentialsClient, change func(in *ClientCredentialsInputs)) func(p *Pool) (ClientCredentialsInputs, []string) {
		return func(p *Pool) (ClientCredentialsInputs, []string) {
			in := p.ClientCredentials(c)
			if change != nil {
				change(&in)
			}
			return in, nil
		}
	}
	deployer := cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy", "platform/read"}, AccessTokenValidity: 10 * time.Minute}
	fault := func(f cognitotest.Fault, providerArgs ...string) func(p *Pool) (ClientCredentialsInputs, []string) {
		return func(p *Pool) (ClientCredentialsInputs, []string) {
			p.InjectFault(f)
			return p.ClientCredentials(deployer), providerArgs
		}
	}
	return append([]ClientCredentialsScenario{
		{Name: "requested scopes and client metadata", Arrange: client(deployer, func(in *ClientCredentialsInputs) {
			in.Scopes = []string{"platform/deploy"}
			in.ClientMetadata = map[string]string{"pipeline": "ci", "run": "42"}
		})},
		{Name: "no scopes requested: every allowed scope",
			Arrange: client(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/read", "https://billing.example.com/invoices.read"}}, nil)},
		// Each OAuth error, as the double answers it, with its diagnostic.
		{Name: "wrong client secret", ExpectError: regexp.MustCompile(`Client credentials not accepted[\s\S]*invalid_client[\s\S]*client_secret. is its current secret`),
			Arrange: client(deployer, func(in *ClientCredentialsInputs) { in.ClientSecret = strings.Repeat("x", 51) })},
		{Name: "unknown app client", ExpectError: regexp.MustCompile(`Client credentials not accepted[\s\S]*client_id. names an app client`),
			Arrange: client(deployer, func(in *ClientCredentialsInputs) { in.ClientID = "nosuchclient0000000000000" })},
		{Name: "client without the client-credentials grant", ExpectError: regexp.MustCompile(`App client may not use the client-credentials grant[\s\S]*unauthorized_client[\s\S]*AllowedOAuthFlows`),
			Arrange: client(cognitotest.ClientCredentialsClient{Scopes: deployer.Scopes, AllowedOAuthFlows: []string{"code"}}, nil)},
		{Name: "scope not allowed", ExpectError: regexp.MustCompile(`Scope not allowed[\s\S]*invalid_scope[\s\S]*AllowedOAuthScopes`),
			Arrange: client(deployer, func(in *ClientCredentialsInputs) { in.Scopes = []string{"platform/admin"} })},
		{Name: "client with no custom scope", ExpectError: regexp.MustCompile(`Scope not allowed[\s\S]*fails when it has none`),
			Arrange: client(cognitotest.ClientCredentialsClient{}, nil)},
		{Name: "invalid_request", OwnPool: true, ExpectError: regexp.MustCompile(`Token request rejected as malformed[\s\S]*invalid_request`),
			Arrange: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidRequest})},
		{Name: "unsupported_grant_type", OwnPool: true, ExpectError: regexp.MustCompile(`Endpoint does not support the client-credentials grant[\s\S]*token_url`),
			Arrange: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthUnsupportedGrantType})},
		{Name: "invalid_grant", OwnPool: true, ExpectError: regexp.MustCompile(`Grant refused[\s\S]*invalid_grant`),
			Arrange: fault(cognitotest.Fault{ErrorType: cognitotest.OAuthInvalidGrant})},
		{Name: "throttled beyond retries", OwnPool: true, ExpectError: regexp.MustCompile(`Cognito throttled the token request[\s\S]*HTTP 429 \(2\s+attempts\)`),
			Arrange: fault(cognitotest.Fault{Status: 429, Body: `{"message":"Rate exceeded"}`, Times: 2}, "max_retries = 1")},
	}, getClientTokenScenarios()...)
}

// M2MClient is an app client GetClientToken serves: a secret, and
// ALLOW_CLIENT_TOKEN_AUTH as its only auth flow.
var M2MClient = cognitotest.ClientCredentialsClient{
	ExplicitAuthFlows: []string{cognitotest.AllowClientTokenAuth},
	Scopes:            []string{"platform/deploy", "platform/read"}, AccessTokenValidity: 10 * time.Minute,
}

// getClientTokenScenarios: neither domain nor token_url, so the provider
// calls GetClientToken; one per row of its API reference's error list and
// per client setting it refuses.
func getClientTokenScenarios() []ClientCredentialsScenario {
	api := func(c cognitotest.ClientCredentialsClient, change func(in *ClientCredentialsInputs), providerArgs ...string) func(p *Pool) (ClientCredentialsInputs, []string) {
		return func(p *Pool) (ClientCredentialsInputs, []string) {
			in := p.ClientCredentials(c)
			in.TokenURL = ""
			if change != nil {
				change(&in)
			}
			return in, providerArgs
		}
	}
	fault := func(f cognitotest.Fault, providerArgs ...string) func(p *Pool) (ClientCredentialsInputs, []string) {
		arrange := api(M2MClient, nil, providerArgs...)
		return func(p *Pool) (ClientCredentialsInputs, []string) {
			p.InjectFault(f)
			return arrange(p)
		}
	}
	flows := func(flows ...string) cognitotest.ClientCredentialsClient {
		c := M2MClient
		c.ExplicitAuthFlows = flows
		return c
	}
	onlyFlow := regexp.MustCompile(`App client not set up for GetClientToken[\s\S]*only\s+auth\s+flow\s+is\s+ALLOW_CLIENT_TOKEN_AUTH[\s\S]*--explicit-auth-flows\s+ALLOW_CLIENT_TOKEN_AUTH`)
	return []ClientCredentialsScenario{
		{Name: "GetClientToken: requested scopes and client metadata", Arrange: api(M2MClient, func(in *ClientCredentialsInputs) {
			in.Scopes = []string{"platform/deploy"}
			in.ClientMetadata = map[string]string{"pipeline": "ci", "run": "42"}
		})},
		{Name: "GetClientToken: no scopes requested: every allowed scope", Arrange: api(M2MClient, nil)},
		{Name: "GetClientToken: throttled, ridden out", OwnPool: true,
			Arrange: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2}, "max_retries = 2")},
		// The reference's errors.
		{Name: "GetClientToken: ForbiddenException", OwnPool: true, ExpectError: regexp.MustCompile(`Request blocked by AWS WAF[\s\S]*web\s+ACL`),
			Arrange: fault(cognitotest.Fault{ErrorType: cognitotest.ErrForbidden})},
		{Name: "GetClientToken: InternalErrorException", OwnPool: true, ExpectError: regexp.MustCompile(`Cognito internal error[\s\S]*2\s+attempts`),
			Arrange: fault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError, Times: 2}, "max_retries = 1")},
		{Name: "GetClientToken: InvalidParameterException", OwnPool: true, ExpectError: regexp.MustCompile(`Cognito rejected a parameter[\s\S]*24\s+to\s+64\s+characters`),
			Arrange: fault(cognitotest.Fault{ErrorType: cognitotest.ErrInvalidParameter})},
		{Name: "GetClientToken: NotAuthorizedException, wrong secret", ExpectError: regexp.MustCompile(`Client secret not accepted[\s\S]*current\s+secret`),
			Arrange: api(M2MClient, func(in *ClientCredentialsInputs) { in.ClientSecret = strings.Repeat("x", 51) })},
		{Name: "GetClientToken: OperationNotEnabledException", OwnPool: true, ExpectError: regexp.MustCompile(`GetClientToken not available for this user pool[\s\S]*primary\s+region`),
			Arrange: fault(cognitotest.Fault{ErrorType: cognitotest.ErrOperationNotEnabled})},
		{Name: "GetClientToken: ResourceNotFoundException", ExpectError: regexp.MustCompile(`App client not found[\s\S]*client_id`),
			Arrange: api(M2MClient, func(in *ClientCredentialsInputs) { in.ClientID = "nosuchclient0000000000000" })},
		{Name: "GetClientToken: TooManyRequestsException beyond retries", OwnPool: true, ExpectError: regexp.MustCompile(`Cognito throttled the request[\s\S]*2\s+attempts`),
			Arrange: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2}, "max_retries = 1")},
		// Client settings the reference names but maps to no error.
		{Name: "GetClientToken: client without ALLOW_CLIENT_TOKEN_AUTH", ExpectError: onlyFlow, Arrange: api(flows("ALLOW_REFRESH_TOKEN_AUTH"), nil)},
		{Name: "GetClientToken: client with other flows too", ExpectError: onlyFlow,
			Arrange: api(flows(cognitotest.AllowClientTokenAuth, "ALLOW_USER_SRP_AUTH"), nil)},
		{Name: "GetClientToken: scope not allowed", ExpectError: regexp.MustCompile(`Scope not allowed[\s\S]*AllowedOAuthScopes`),
			Arrange: api(M2MClient, func(in *ClientCredentialsInputs) { in.Scopes = []string{"platform/admin"} })},
	}
}
