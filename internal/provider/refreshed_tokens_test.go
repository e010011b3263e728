package provider

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// scenario is one behaviour that the ephemeral resource and the data source
// share: acctest's shared table (which the leak suite runs through a real
// CLI too) with the checks these in-process tests add, keyed by its name.
type scenario struct {
	acctest.Scenario
	// outputs are checked on success.
	outputs func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check
	// wire checks what reached the double.
	wire func(t *testing.T, p *pool, in acctest.TokenInputs)
}

func scenarios() []scenario {
	outputs, wire := scenarioOutputs(), scenarioWire()
	var all []scenario
	for _, sc := range acctest.RefreshedTokensScenarios() {
		s := scenario{Scenario: sc, outputs: outputs[sc.Name], wire: wire[sc.Name]}
		if sc.Invalid {
			// Validation fails before any request: the wire check proves it.
			s.wire = requestCount(0)
		}
		delete(outputs, sc.Name)
		delete(wire, sc.Name)
		all = append(all, s)
	}
	if len(outputs)+len(wire) > 0 {
		panic(fmt.Sprintf("checks for scenarios acctest does not have: %v %v", slices.Collect(maps.Keys(outputs)), slices.Collect(maps.Keys(wire))))
	}
	return all
}

// scenarioOutputs are the outputs each successful scenario must yield.
func scenarioOutputs() map[string]func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
	return map[string]func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check{
		"public client": func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
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
		// expires_in and expires_at are the access token's; the ID token
		// has its own validity, in its exp.
		"client with secret, custom validities and scopes": func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{
				"access_token": p.jwtFor("access", in.ClientID, claimEquals("scope", "openid platform/deploy"), lifetime(10*time.Minute)),
				"id_token":     p.jwtFor("id", in.ClientID, lifetime(30*time.Minute)),
				"expires_in":   knownvalue.Int64Exact(600),
				"expires_at":   expiresAtAbout(10 * time.Minute),
			}
		},
		"confirmed device in a pool that remembers devices": func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{
				"access_token":         p.jwtFor("access", in.ClientID, claimEquals("device_key", in.DeviceKey)),
				"new_device_key":       knownvalue.Null(),
				"new_device_group_key": knownvalue.Null(),
			}
		},
		// The API reference says this operation doesn't return
		// NewDeviceMetadata, so the double never does; should Cognito
		// send it, both types pass it through. Every read gets it.
		"new device metadata passed through": func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{
				"new_device_key":       knownvalue.StringExact("eu-west-1_0b1c2d3e-0000-4000-8000-000000000000"),
				"new_device_group_key": knownvalue.StringExact("-abcDEF123"),
			}
		},
		"client metadata reaches the Lambda trigger": func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"access_token": p.jwtFor("access", in.ClientID)}
		},
		"rotation within the grace period": func(p *pool, in acctest.TokenInputs) map[string]knownvalue.Check {
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
	}
}

// scenarioWire checks what reached the double in each scenario.
func scenarioWire() map[string]func(t *testing.T, p *pool, in acctest.TokenInputs) {
	return map[string]func(t *testing.T, p *pool, in acctest.TokenInputs){
		"public client": func(t *testing.T, p *pool, in acctest.TokenInputs) {
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
		"client with secret, custom validities and scopes": func(t *testing.T, p *pool, in acctest.TokenInputs) {
			if firstRequest(t, p).Input.ClientSecret != in.ClientSecret {
				t.Error("client_secret did not reach the wire")
			}
		},
		"confirmed device in a pool that remembers devices": func(t *testing.T, p *pool, in acctest.TokenInputs) {
			if firstRequest(t, p).Input.DeviceKey != in.DeviceKey {
				t.Error("device_key did not reach the wire")
			}
		},
		"client metadata reaches the Lambda trigger": func(t *testing.T, p *pool, in acctest.TokenInputs) {
			if got := firstRequest(t, p).Input.ClientMetadata; !maps.Equal(got, in.ClientMetadata) {
				t.Errorf("client_metadata on the wire = %v, want %v", got, in.ClientMetadata)
			}
			events := p.TriggerEvents()
			if len(events) == 0 || !maps.Equal(events[0].ClientMetadata, in.ClientMetadata) {
				t.Errorf("trigger events = %+v, want client metadata %v", events, in.ClientMetadata)
			}
		},
		"rotation within the grace period": func(t *testing.T, p *pool, in acctest.TokenInputs) {
			// Plan and apply each open the ephemeral resource (the data
			// source is read at both too): the grace period covers it.
			if n := p.RequestCount(); n < 2 {
				t.Errorf("the double saw %d requests, want one per plan and apply", n)
			}
		},
		"throttled beyond retries":      requestCount(2),
		"internal error beyond retries": requestCount(1),
	}
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
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			p := newPool(t, sc.Pool)
			in, providerArgs := sc.Arrange(p.Pool)
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
			ExpectError: sc.ExpectError,
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
			ExpectError: sc.ExpectError,
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
// refresh_token that points at refresh_token_store and says why plan and
// apply matter; without rotation there is none.
func TestRotationWarning(t *testing.T) {
	for _, rotation := range []bool{true, false} {
		p := newPool(t, cognitotest.PoolConfig{})
		model := faultModel(p.SignIn(cognitotest.AppClient{Rotation: rotation, GracePeriod: time.Minute}))
		diags := refreshTokens(t.Context(), newFaultProvider(t, p.URL, 0, time.Minute), model)
		if diags.HasError() {
			t.Fatal(diagText(diags))
		}
		warned := len(diags) == 1 && diags[0].Summary() == "Refresh token rotated" &&
			strings.Contains(diags[0].Detail(), "Use `refresh_token_store`") &&
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

// The DEBUG line of a refresh says whether a client secret and a device key
// were given, never their values.
func TestRefreshLogsWhichSecretsAreSet(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	for _, given := range []bool{false, true} {
		in := p.SignIn(cognitotest.AppClient{GenerateSecret: given})
		model := faultModel(in)
		const deviceKey = "eu-west-1_0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d5e"
		if given {
			model.DeviceKey = types.StringValue(deviceKey)
		}
		var logs bytes.Buffer
		refreshTokens(tflogtest.RootLogger(t.Context(), &logs), newFaultProvider(t, p.URL, 0, time.Minute), model)
		line := logLine(t, logs.String(), "Refreshing Cognito tokens")
		if line["client_secret_set"] != given || line["device_key_set"] != given {
			t.Errorf("secret and device key given = %v: logged client_secret_set %v, device_key_set %v", given, line["client_secret_set"], line["device_key_set"])
		}
		if given && (strings.Contains(logs.String(), in.ClientSecret) || strings.Contains(logs.String(), deviceKey)) {
			t.Errorf("the log shows the client secret or the device key")
		}
	}
}

// Without min_remaining_validity any set Cognito issues is returned, even
// one whose ID token has expired by the provider's clock (Cognito's clock
// two hours behind).
func TestNoMinValidityTrustsCognitosClock(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }})
	model := faultModel(p.SignIn(cognitotest.AppClient{}))
	if diags := refreshTokens(t.Context(), newFaultProvider(t, p.URL, 0, time.Minute), model); diags.HasError() {
		t.Fatal(diagText(diags))
	}
	if model.IDToken.ValueString() == "" {
		t.Fatal("no ID token")
	}
	if exp, ok := jwtTime(model.IDToken.ValueString(), "exp"); !ok || !exp.Before(time.Now()) {
		t.Fatalf("the ID token's exp %v is not past, so this proves nothing", exp)
	}
}

// logLine is the DEBUG line with message msg in logs (tflogtest's JSON).
func logLine(t *testing.T, logs, msg string) map[string]any {
	t.Helper()
	entries, err := tflogtest.MultilineJSONDecode(strings.NewReader(logs))
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if entry["@message"] == msg {
			return entry
		}
	}
	t.Fatalf("no DEBUG line %q in:\n%s", msg, logs)
	return nil
}

// The DEBUG line of a refreshed set says whether Cognito rotated the
// refresh token and issued a new device, never the new values.
func TestRefreshedLogSaysWhatCameBack(t *testing.T) {
	const newToken, newDevice = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.rotated-refresh-token-for-the-log-test", "eu-west-1_0b1c2d3e-0000-4000-8000-00000000beef"
	for _, issued := range []bool{false, true} {
		p := newPool(t, cognitotest.PoolConfig{})
		in := p.SignIn(cognitotest.AppClient{})
		if issued {
			p.InjectFault(cognitotest.Fault{Body: `{"AuthenticationResult":{"AccessToken":"access-token-for-the-log-test","IdToken":"id-token-for-the-log-test",` +
				`"RefreshToken":"` + newToken + `","ExpiresIn":300,"TokenType":"Bearer","NewDeviceMetadata":{"DeviceKey":"` + newDevice + `","DeviceGroupKey":"-abcDEF123"}}}`})
		}
		model := faultModel(in)
		var logs bytes.Buffer
		if diags := refreshTokens(tflogtest.RootLogger(t.Context(), &logs), newFaultProvider(t, p.URL, 0, time.Minute), model); diags.HasError() {
			t.Fatal(diagText(diags))
		}
		if model.NewRefreshToken.IsNull() == issued || model.NewDeviceKey.IsNull() == issued {
			t.Fatalf("issued %v: new_refresh_token %v, new_device_key %v, so this proves nothing", issued, model.NewRefreshToken, model.NewDeviceKey)
		}
		line := logLine(t, logs.String(), "Refreshed Cognito tokens")
		if line["rotated"] != issued || line["new_device"] != issued {
			t.Errorf("issued %v: logged rotated %v, new_device %v", issued, line["rotated"], line["new_device"])
		}
		if strings.Contains(logs.String(), newToken) || strings.Contains(logs.String(), newDevice) {
			t.Error("the log shows the new refresh token or device key")
		}
	}
}

// min_remaining_validity is a bound: tokens that last exactly that long are
// returned. Cognito's clock (the double's) and the provider's are fixed so
// the ID token, which expires first, has exactly 10 minutes left.
func TestMinValidityIsInclusive(t *testing.T) {
	issued := time.Now().Truncate(time.Second).Add(-time.Minute)
	p := newPool(t, cognitotest.PoolConfig{Now: func() time.Time { return issued }})
	model := faultModel(p.SignIn(cognitotest.AppClient{}))
	model.MinRemainingValidity = types.StringValue("10m")
	idExpires := issued.Add(time.Hour)
	t.Cleanup(func() { now = time.Now })
	now = func() time.Time { return idExpires.Add(-10 * time.Minute) }
	if diags := refreshTokens(t.Context(), newFaultProvider(t, p.URL, 0, time.Minute), model); diags.HasError() {
		t.Fatal(diagText(diags))
	}
	tokens := cognito.Tokens{IDToken: model.IDToken.ValueString()}
	tokens.ExpiresAt, _ = time.Parse(time.RFC3339, model.ExpiresAt.ValueString())
	if got := tokensExpiry(tokens); !got.Equal(idExpires) {
		t.Fatalf("the tokens expire at %v, not %v, so this proves nothing", got, idExpires)
	}
}
