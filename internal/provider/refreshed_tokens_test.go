package provider

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// scenario is one behaviour that the ephemeral resource and the data source
// share. Both types' acceptance tests run every scenario; the leak suite
// runs them through a real CLI from its own copy of the inputs and errors
// (internal/acctest/leak_scenarios_test.go): change both together.
type scenario struct {
	name string
	pool cognitotest.PoolConfig
	// arrange prepares the pool and returns the resource's inputs and extra
	// provider arguments.
	arrange func(p *pool) (acctest.TokenInputs, []string)
	// outputs are checked on success.
	outputs func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check
	// expectError, when set, must match the diagnostic (the step fails).
	expectError *regexp.Regexp
	// wire checks what reached the double.
	wire func(t *testing.T, p *pool, in acctest.TokenInputs)
}

func scenarios() []scenario {
	return append(append(successScenarios(), errorScenarios()...), validationScenarios()...)
}

func successScenarios() []scenario {
	return []scenario{
		{
			name:    "public client",
			arrange: func(p *pool) (acctest.TokenInputs, []string) { return p.SignIn(cognitotest.AppClient{}), nil },
			outputs: func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
				return map[string]knownvalue.Check{
					"access_token":         p.jwtFor("access", in.ClientID, claimEquals("scope", "aws.cognito.signin.user.admin")),
					"id_token":             p.jwtFor("id", in.ClientID, claimEquals("email", "alice@example.com")),
					"new_refresh_token":    knownvalue.Null(),
					"token_type":           knownvalue.StringExact("Bearer"),
					"expires_in":           knownvalue.Int64Exact(3600),
					"expires_at":           expiresAtAbout(time.Hour),
					"new_device_key":       knownvalue.Null(),
					"new_device_group_key": knownvalue.Null(),
				}
			},
			wire: func(t *testing.T, p *pool, in acctest.TokenInputs) {
				req := firstRequest(t, p)
				if req.Input.RefreshToken != in.RefreshToken || req.Input.ClientId != in.ClientID {
					t.Error("refresh_token and client_id did not reach the wire unchanged")
				}
				if req.Input.ClientSecret != "" || req.Input.DeviceKey != "" || req.Input.ClientMetadata != nil {
					t.Errorf("unset optional inputs reached the wire: %+v", req.Input.ClientMetadata)
				}
				if req.Header.Get("Authorization") != "" {
					t.Error("request was signed; GetTokensFromRefreshToken must be sent unauthenticated")
				}
				if got := req.Header.Get("X-Amz-Target"); got != "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken" {
					t.Errorf("X-Amz-Target = %q", got)
				}
			},
		},
		{
			// expires_in and expires_at are the access token's; the ID token
			// has its own validity, in its exp.
			name: "client with secret, custom validities and scopes",
			arrange: func(p *pool) (acctest.TokenInputs, []string) {
				return p.SignIn(cognitotest.AppClient{GenerateSecret: true, AccessTokenValidity: 10 * time.Minute,
					IDTokenValidity: 30 * time.Minute, Scopes: []string{"openid", "platform/deploy"}}), nil
			},
			outputs: func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
				return map[string]knownvalue.Check{
					"access_token": p.jwtFor("access", in.ClientID, claimEquals("scope", "openid platform/deploy"), lifetime(10*time.Minute)),
					"id_token":     p.jwtFor("id", in.ClientID, lifetime(30*time.Minute)),
					"expires_in":   knownvalue.Int64Exact(600),
					"expires_at":   expiresAtAbout(10 * time.Minute),
				}
			},
			wire: func(t *testing.T, p *pool, in acctest.TokenInputs) {
				if firstRequest(t, p).Input.ClientSecret != in.ClientSecret {
					t.Error("client_secret did not reach the wire")
				}
			},
		},
		{
			name: "confirmed device in a pool that remembers devices",
			pool: cognitotest.PoolConfig{RememberDevices: true},
			arrange: func(p *pool) (acctest.TokenInputs, []string) {
				in := p.SignInWithDevice(cognitotest.AppClient{})
				p.ConfirmDevice(in.DeviceKey)
				return in, nil
			},
			outputs: func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
				return map[string]knownvalue.Check{
					"access_token":         p.jwtFor("access", in.ClientID, claimEquals("device_key", in.DeviceKey)),
					"new_device_key":       knownvalue.Null(),
					"new_device_group_key": knownvalue.Null(),
				}
			},
			wire: func(t *testing.T, p *pool, in acctest.TokenInputs) {
				if firstRequest(t, p).Input.DeviceKey != in.DeviceKey {
					t.Error("device_key did not reach the wire")
				}
			},
		},
		{
			// The API reference says this operation doesn't return
			// NewDeviceMetadata, so the double never does; should Cognito
			// send it, both types pass it through. Every read gets it.
			name: "new device metadata passed through",
			arrange: func(p *pool) (acctest.TokenInputs, []string) {
				// Long random tokens, so the leak test can look for them.
				p.InjectFault(cognitotest.Fault{Times: 20, Body: `{"AuthenticationResult":{"AccessToken":"` + opaqueToken() + `","IdToken":"` + opaqueToken() +
					`","ExpiresIn":300,"TokenType":"Bearer","NewDeviceMetadata":{"DeviceKey":"eu-west-1_0b1c2d3e-0000-4000-8000-000000000000","DeviceGroupKey":"-abcDEF123"}}}`})
				return p.SignIn(cognitotest.AppClient{}), nil
			},
			outputs: func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
				return map[string]knownvalue.Check{
					"new_device_key":       knownvalue.StringExact("eu-west-1_0b1c2d3e-0000-4000-8000-000000000000"),
					"new_device_group_key": knownvalue.StringExact("-abcDEF123"),
				}
			},
		},
		{
			name: "client metadata reaches the Lambda trigger",
			pool: cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error { return nil }},
			arrange: func(p *pool) (acctest.TokenInputs, []string) {
				in := p.SignIn(cognitotest.AppClient{})
				in.ClientMetadata = map[string]string{"pipeline": "deploy", "run": "42"}
				return in, nil
			},
			outputs: func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
				return map[string]knownvalue.Check{"access_token": p.jwtFor("access", in.ClientID)}
			},
			wire: func(t *testing.T, p *pool, in acctest.TokenInputs) {
				if got := firstRequest(t, p).Input.ClientMetadata; !maps.Equal(got, in.ClientMetadata) {
					t.Errorf("client_metadata on the wire = %v, want %v", got, in.ClientMetadata)
				}
				events := p.TriggerEvents()
				if len(events) == 0 || !maps.Equal(events[0].ClientMetadata, in.ClientMetadata) {
					t.Errorf("trigger events = %+v, want client metadata %v", events, in.ClientMetadata)
				}
			},
		},
		{
			name: "rotation within the grace period",
			arrange: func(p *pool) (acctest.TokenInputs, []string) {
				return p.SignIn(cognitotest.AppClient{Rotation: true, GracePeriod: 60 * time.Second}), nil
			},
			outputs: func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
				return map[string]knownvalue.Check{
					"access_token": p.jwtFor("access", in.ClientID),
					"new_refresh_token": knownvalue.StringFunc(func(s string) error {
						if s == in.RefreshToken || !refreshTokenShape.MatchString(s) {
							return errors.New("new_refresh_token is not a new refresh token")
						}
						return nil
					}),
				}
			},
			wire: func(t *testing.T, p *pool, in acctest.TokenInputs) {
				// Plan and apply each open the ephemeral resource (the data
				// source is read at both too): the grace period covers it.
				if n := p.RequestCount(); n < 2 {
					t.Errorf("the double saw %d requests, want one per plan and apply", n)
				}
			},
		},
	}
}

func errorScenarios() []scenario {
	withToken := func(client cognitotest.AppClient, change func(p *pool, in *acctest.TokenInputs)) func(p *pool) (acctest.TokenInputs, []string) {
		return func(p *pool) (acctest.TokenInputs, []string) {
			in := p.SignIn(client)
			if change != nil {
				change(p, &in)
			}
			return in, nil
		}
	}
	withFault := func(fault cognitotest.Fault, providerArgs ...string) func(p *pool) (acctest.TokenInputs, []string) {
		return func(p *pool) (acctest.TokenInputs, []string) {
			p.InjectFault(fault)
			return p.SignIn(cognitotest.AppClient{}), providerArgs
		}
	}
	lambda := func(err error) cognitotest.PoolConfig {
		return cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error { return err }}
	}
	return []scenario{
		{name: "invalid refresh token", expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Invalid Refresh Token[\s\S]*Sign in again`),
			arrange: withToken(cognitotest.AppClient{}, func(_ *pool, in *acctest.TokenInputs) { in.RefreshToken = "eyJjdHkiOiJKV1QifQ.forged.token.value.x" })},
		{name: "expired refresh token", expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Refresh Token has expired`),
			arrange: withToken(cognitotest.AppClient{}, func(p *pool, in *acctest.TokenInputs) { p.ExpireRefreshToken(in.RefreshToken) })},
		{name: "revoked refresh token", expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Refresh Token has been revoked`),
			arrange: withToken(cognitotest.AppClient{}, func(p *pool, in *acctest.TokenInputs) { p.RevokeRefreshToken(in.RefreshToken) })},
		{name: "missing client secret", expectError: regexp.MustCompile(`Client secret missing or wrong[\s\S]*set\s+.client_secret.`),
			arrange: withToken(cognitotest.AppClient{GenerateSecret: true}, func(_ *pool, in *acctest.TokenInputs) { in.ClientSecret = "" })},
		{name: "wrong client secret", expectError: regexp.MustCompile(`Client secret missing or wrong`),
			arrange: withToken(cognitotest.AppClient{GenerateSecret: true}, func(_ *pool, in *acctest.TokenInputs) { in.ClientSecret = strings.Repeat("x", 51) })},
		{name: "client secret for a public client", expectError: regexp.MustCompile(`Client secret missing or wrong[\s\S]*remove\s+.client_secret.`),
			arrange: withToken(cognitotest.AppClient{}, func(_ *pool, in *acctest.TokenInputs) { in.ClientSecret = strings.Repeat("s", 51) })},
		{name: "refresh token reused after the grace period", expectError: regexp.MustCompile(`Refresh token already rotated[\s\S]*grace period[\s\S]*plan and again at apply`),
			arrange: withToken(cognitotest.AppClient{Rotation: true}, nil)},
		{name: "unknown app client", expectError: regexp.MustCompile(`App client not found[\s\S]*region eu-west-1`),
			arrange: withToken(cognitotest.AppClient{}, func(_ *pool, in *acctest.TokenInputs) { in.ClientID = "nosuchclient0000000000000" })},
		{name: "deleted user", expectError: regexp.MustCompile(`User not found[\s\S]*Sign in again`),
			arrange: withToken(cognitotest.AppClient{}, func(p *pool, _ *acctest.TokenInputs) { p.DeleteUser("alice") })},
		// A pool that remembers devices answers a missing or unconfirmed
		// device key like a bad token; the diagnostic names the device case.
		{name: "no device key in a pool that remembers devices",
			expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Invalid Refresh Token\.[\s\S]*no\s+device\s+key\s+is\s+sent[\s\S]*ConfirmDevice`),
			pool:        cognitotest.PoolConfig{RememberDevices: true}, arrange: withToken(cognitotest.AppClient{}, nil)},
		{name: "unconfirmed device key",
			expectError: regexp.MustCompile(`Refresh token not accepted[\s\S]*Invalid Refresh Token\.[\s\S]*device_key.\s+is\s+not\s+a\s+device\s+confirmed`),
			pool:        cognitotest.PoolConfig{RememberDevices: true},
			arrange: func(p *pool) (acctest.TokenInputs, []string) {
				return p.SignInWithDevice(cognitotest.AppClient{}), nil
			}},
		{name: "disabled user", expectError: regexp.MustCompile(`User disabled[\s\S]*AdminEnableUser`),
			arrange: func(p *pool) (acctest.TokenInputs, []string) {
				client := p.AddClient(cognitotest.AppClient{})
				p.AddUser(cognitotest.User{Username: "frozen", Disabled: true})
				return acctest.TokenInputs{RefreshToken: p.IssueRefreshToken(client.ID, "frozen"), ClientID: client.ID}, nil
			}},
		{name: "throttled beyond retries", expectError: regexp.MustCompile(`Cognito throttled the request[\s\S]*2\s+attempts`),
			arrange: withFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2}, "max_retries = 1"),
			wire:    requestCount(2)},
		{name: "internal error beyond retries", expectError: regexp.MustCompile(`Cognito internal error[\s\S]*1\s+attempt`),
			arrange: withFault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError}, "max_retries = 0"),
			wire:    requestCount(1)},
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
func validationScenarios() []scenario {
	invalid := func(name, pattern string, change func(in *acctest.TokenInputs), providerArgs ...string) scenario {
		return scenario{
			name:        name,
			expectError: regexp.MustCompile(pattern),
			arrange: func(p *pool) (acctest.TokenInputs, []string) {
				in := p.SignIn(cognitotest.AppClient{})
				change(&in)
				return in, providerArgs
			},
			wire: requestCount(0),
		}
	}
	extra := func(lines ...string) func(in *acctest.TokenInputs) {
		return func(in *acctest.TokenInputs) { in.Extra = append(in.Extra, lines...) }
	}
	return []scenario{
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

// lifetime checks a verified token's exp - iat.
func lifetime(want time.Duration) func(map[string]any) error {
	return func(claims map[string]any) error {
		exp, _ := claims["exp"].(float64)
		iat, _ := claims["iat"].(float64)
		if got := time.Duration(exp-iat) * time.Second; got != want {
			return fmt.Errorf("token lifetime (exp - iat) %s, want %s", got, want)
		}
		return nil
	}
}

func requestCount(want int) func(t *testing.T, p *pool, _ acctest.TokenInputs) {
	return func(t *testing.T, p *pool, _ acctest.TokenInputs) {
		if got := p.RequestCount(); got != want {
			t.Errorf("the double saw %d requests, want %d", got, want)
		}
	}
}

func firstRequest(t *testing.T, p *pool) cognitotest.RecordedRequest {
	t.Helper()
	requests := p.Requests()
	if len(requests) == 0 {
		t.Fatal("no request reached the double")
	}
	return requests[0]
}

// runScenarios runs every scenario as a parallel acceptance test of one type.
func runScenarios(t *testing.T, step func(p *pool, sc scenario, in acctest.TokenInputs, providerArgs []string) resource.TestStep, versionChecks ...tfversion.TerraformVersionCheck) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			p := newPool(t, sc.pool)
			in, providerArgs := sc.arrange(p)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				TerraformVersionChecks:   versionChecks,
				Steps:                    []resource.TestStep{step(p, sc, in, providerArgs)},
			})
			if sc.wire != nil && !t.Failed() {
				sc.wire(t, p, in)
			}
		})
	}
}

func TestAccRefreshedTokensEphemeralResource(t *testing.T) {
	runScenarios(t, func(p *pool, sc scenario, in acctest.TokenInputs, providerArgs []string) resource.TestStep {
		step := resource.TestStep{
			Config:      ephemeralHCL(acctest.ProviderHCL(p.URL, "eu-west-1", providerArgs...), in),
			ExpectError: sc.expectError,
		}
		if sc.outputs != nil {
			step.ConfigStateChecks = echoedOutputChecks(sc.outputs(p, in))
		}
		return step
	}, tfversion.SkipBelow(tfversion.Version1_10_0))
}

func TestAccRefreshedTokensDataSource(t *testing.T) {
	const address = "data.cognito_refreshed_tokens.test"
	runScenarios(t, func(p *pool, sc scenario, in acctest.TokenInputs, providerArgs []string) resource.TestStep {
		step := resource.TestStep{
			Config:      dataSourceHCL(acctest.ProviderHCL(p.URL, "eu-west-1", providerArgs...), in),
			ExpectError: sc.expectError,
		}
		if sc.outputs != nil {
			step.ConfigStateChecks = stateOutputChecks(address, sc.outputs(p, in))
			for _, attr := range []string{"access_token", "id_token", "refresh_token", "client_id"} {
				step.ConfigStateChecks = append(step.ConfigStateChecks,
					statecheck.ExpectSensitiveValue(address, tfjsonpath.New(attr)))
			}
		}
		return step
	})
}

// TestRotationWarning: a rotated refresh token comes with a warning on
// refresh_token that says to store new_refresh_token and why plan and apply
// matter; without rotation there is none.
func TestRotationWarning(t *testing.T) {
	for _, rotation := range []bool{true, false} {
		p := newPool(t, cognitotest.PoolConfig{})
		model := faultModel(p.SignIn(cognitotest.AppClient{Rotation: rotation, GracePeriod: time.Minute}))
		diags := refreshTokens(t.Context(), newFaultProvider(t, p.URL, 0, time.Minute), model)
		if diags.HasError() {
			t.Fatal(diagText(diags))
		}
		warned := len(diags) == 1 && diags[0].Summary() == "Refresh token rotated" &&
			strings.Contains(diags[0].Detail(), "Store `new_refresh_token`") &&
			strings.Contains(diags[0].Detail(), "both plan and apply")
		if warned != rotation || model.NewRefreshToken.IsNull() == rotation {
			t.Errorf("rotation %v: new_refresh_token %v, diagnostics:\n%s", rotation, model.NewRefreshToken.IsNull(), diagText(diags))
		}
	}
}

// echoedOutputChecks checks an ephemeral resource's outputs as echo copied
// them into the state.
func echoedOutputChecks(outputs map[string]knownvalue.Check) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for attr, check := range outputs {
		checks = append(checks, statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey(attr), check))
	}
	return checks
}

// stateOutputChecks checks a data source's outputs in the state.
func stateOutputChecks(address string, outputs map[string]knownvalue.Check) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for attr, check := range outputs {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(attr), check))
	}
	return checks
}
