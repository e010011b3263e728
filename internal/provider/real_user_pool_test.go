package provider

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// TestAccRealUserPool runs against a real user pool when the README's
// COGNITO_TEST_* variables are set. Use an app client without rotation, or
// with a grace period covering the test's plans and applies.
func TestAccRealUserPool(t *testing.T) {
	region, clientID, refreshToken := os.Getenv("COGNITO_TEST_REGION"), os.Getenv("COGNITO_TEST_CLIENT_ID"), os.Getenv("COGNITO_TEST_REFRESH_TOKEN")
	if region == "" || clientID == "" || refreshToken == "" {
		t.Skip("set COGNITO_TEST_REGION, COGNITO_TEST_CLIENT_ID and COGNITO_TEST_REFRESH_TOKEN (and COGNITO_TEST_CLIENT_SECRET if the client has one) to test against a real user pool")
	}
	in := acctest.TokenInputs{RefreshToken: refreshToken, ClientID: clientID, ClientSecret: os.Getenv("COGNITO_TEST_CLIENT_SECRET")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{{
			Config: ephemeralHCL(acctest.ProviderHCL("", region), in),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("access_token"), signedByRealPool(region, clientID)),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("token_type"), knownvalue.StringExact("Bearer")),
			},
		}},
	})
}

// signedByRealPool verifies a token against its issuer's published JWKS.
func signedByRealPool(region, clientID string) knownvalue.Check {
	return knownvalue.StringFunc(func(token string) error {
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			return fmt.Errorf("not a JWT")
		}
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			return err
		}
		var claims struct {
			Issuer   string `json:"iss"`
			ClientID string `json:"client_id"`
		}
		if err := json.Unmarshal(payload, &claims); err != nil {
			return err
		}
		if !strings.HasPrefix(claims.Issuer, "https://cognito-idp."+region+".amazonaws.com/") || claims.ClientID != clientID {
			return fmt.Errorf("token issued by %q for another client", claims.Issuer)
		}
		resp, err := http.Get(claims.Issuer + "/.well-known/jwks.json") //nolint:noctx // test helper
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		jwks, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		_, err = cognitotest.VerifyJWT(token, jwks)
		return err
	})
}
