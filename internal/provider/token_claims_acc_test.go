package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// claimsUser is signed in for the token_claims tests: two groups, a known sub.
var claimsUser = cognitotest.User{
	Username: "carol", Sub: "5f0c3b9e-7d2a-4c1e-9a55-0c7e2b1d9f30", Email: "carol@example.com",
	Groups: []string{"admins", "deployers"},
}

// signInClaimsUser returns inputs for a fresh sign-in of claimsUser with a
// new app client granting scopes.
func signInClaimsUser(p *pool, scopes ...string) tokenInputs {
	p.AddUser(claimsUser)
	client := p.AddClient(cognitotest.AppClient{Scopes: scopes})
	return tokenInputs{RefreshToken: p.IssueRefreshToken(client.ID, claimsUser.Username), ClientID: client.ID}
}

// requireScopeHCL is the documented fail-fast check: a postcondition on the
// ephemeral resource that reads the access token's scope claim.
func requireScopeHCL(provider string, in tokenInputs, scope string) string { //nolint:unparam // the scope is part of the message
	return provider + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.hcl() + `
  lifecycle {
    postcondition {
      condition     = contains(split(" ", provider::cognito::token_claims(self.access_token).scope), "` + scope + `")
      error_message = "the token lacks scope ` + "`" + scope + "`" + `"
    }
  }
}

provider "echo" {
  data = ephemeral.cognito_refreshed_tokens.test.token_type
}

resource "echo" "test" {}
`
}

// expAbout checks a Unix time about d from now.
func expAbout(d time.Duration) knownvalue.Check {
	return knownvalue.Int64Func(func(v int64) error {
		if delta := time.Until(time.Unix(v, 0)) - d; delta > time.Minute || delta < -5*time.Minute {
			return fmt.Errorf("exp %d is not about %s from now", v, d)
		}
		return nil
	})
}

// TestAccTokenClaimsFunction reads claims through a real CLI from tokens the
// double issued, checks that the result keeps the argument's ephemeral and
// sensitive marks (cty re-applies an argument's marks to a provider
// function's result: Terraform's internal/providers/functions.go and
// OpenTofu's internal/tofu/context_functions.go leave AllowMarked false),
// and that a postcondition on the scope claim fails at plan.
func TestAccTokenClaimsFunction(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	provider := providerHCL(p.URL, "eu-west-1")
	in := signInClaimsUser(p, "openid", "platform/deploy")
	noDeploy := signInClaimsUser(p, "openid")
	echoed := tfjsonpath.New("data")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		// Provider functions need Terraform 1.8 / OpenTofu 1.7; the
		// ephemeral resource needs 1.10 / 1.11.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0), tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				// Claims of an ephemeral token, copied by echo into the state
				// so the test can see them (echo accepts ephemeral values).
				Config: provider + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.hcl() + `}

locals {
  access = provider::cognito::token_claims(ephemeral.cognito_refreshed_tokens.test.access_token)
  id     = provider::cognito::token_claims(ephemeral.cognito_refreshed_tokens.test.id_token)
}

provider "echo" {
  data = {
    sub       = local.access.sub
    groups    = local.access["cognito:groups"]
    scope     = local.access.scope
    exp       = local.access.exp
    token_use = local.access.token_use
    username  = local.id["cognito:username"]
    email     = local.id.email
    deployer  = contains(local.access["cognito:groups"], "deployers")
  }
}

resource "echo" "test" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", echoed.AtMapKey("sub"), knownvalue.StringExact(claimsUser.Sub)),
					statecheck.ExpectKnownValue("echo.test", echoed.AtMapKey("groups"),
						knownvalue.TupleExact([]knownvalue.Check{knownvalue.StringExact("admins"), knownvalue.StringExact("deployers")})),
					statecheck.ExpectKnownValue("echo.test", echoed.AtMapKey("scope"), knownvalue.StringExact("openid platform/deploy")),
					statecheck.ExpectKnownValue("echo.test", echoed.AtMapKey("exp"), expAbout(time.Hour)),
					statecheck.ExpectKnownValue("echo.test", echoed.AtMapKey("token_use"), knownvalue.StringExact("access")),
					statecheck.ExpectKnownValue("echo.test", echoed.AtMapKey("username"), knownvalue.StringExact(claimsUser.Username)),
					statecheck.ExpectKnownValue("echo.test", echoed.AtMapKey("email"), knownvalue.StringExact(claimsUser.Email)),
					statecheck.ExpectKnownValue("echo.test", echoed.AtMapKey("deployer"), knownvalue.Bool(true)),
				},
			},
			{
				// The claims are ephemeral: a managed resource may not take one.
				Config: provider + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.hcl() + `}

resource "terraform_data" "leak" {
  input = provider::cognito::token_claims(ephemeral.cognito_refreshed_tokens.test.access_token).sub
}
`,
				ExpectError: regexp.MustCompile(`(?i)ephemeral value`),
			},
			{
				// The data source's token is sensitive, so are its claims: an
				// output must say so...
				Config: provider + `
data "cognito_refreshed_tokens" "test" {
` + in.hcl() + `}

output "sub" {
  value = provider::cognito::token_claims(data.cognito_refreshed_tokens.test.access_token).sub
}
`,
				ExpectError: regexp.MustCompile(`Output refers to sensitive values`),
			},
			{
				// ...and then gets the claim.
				Config: provider + `
data "cognito_refreshed_tokens" "test" {
` + in.hcl() + `}

output "sub" {
  value     = provider::cognito::token_claims(data.cognito_refreshed_tokens.test.access_token).sub
  sensitive = true
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("sub", knownvalue.StringExact(claimsUser.Sub)),
				},
			},
			{
				// Fail fast: the plan stops on the missing scope.
				Config:      requireScopeHCL(provider, noDeploy, "platform/deploy"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`the token lacks scope\s+` + "`platform/deploy`"),
			},
			// The passing case runs in TestAccTokenClaimsExample: after a
			// successful apply this harness calls `show -json`, which Terraform
			// before 1.15 cannot render with a condition on an ephemeral
			// resource (hashicorp/terraform#37834).
		},
	})
}

// TestAccTokenClaimsInvalidToken: a value that is not a signed JWT, or whose
// JSON jsondecode would not read the same, fails the run with the function's
// error, and the error does not show the value.
func TestAccTokenClaimsInvalidToken(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	in := signInClaimsUser(p, "openid")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				// A refresh token is an encrypted JWT: its claims are unreadable.
				Config: providerHCL(p.URL, "eu-west-1") + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.hcl() + `}

provider "echo" {
  data = provider::cognito::token_claims(ephemeral.cognito_refreshed_tokens.test.refresh_token)
}

resource "echo" "test" {}
`,
				ExpectError: regexp.MustCompile(`the token has 5 parts: an\s+encrypted\s+JWT\s+\(JWE\)`),
			},
			{
				Config: `
output "claims" {
  value = provider::cognito::token_claims("not-a-jwt-at-all")
}
`,
				ExpectError: regexp.MustCompile(`the token has 1 part\(s\)`),
			},
			{
				// An unsecured JWT: header {"alg":"none"}, payload {"sub":"x"},
				// empty signature.
				Config: `
output "claims" {
  value = provider::cognito::token_claims("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
}
`,
				ExpectError: regexp.MustCompile("says\\s+`alg:\\s+none`"),
			},
			{
				// Payload {"sub":"x","sub":"y"}: jsondecode would not pick one.
				Config: `
output "claims" {
  value = provider::cognito::token_claims("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4Iiwic3ViIjoieSJ9.c2ln")
}
`,
				ExpectError: regexp.MustCompile(`repeats\s+a\s+key`),
			},
			{
				// Payload {"exp":1e1000000000}: infinity has no JSON form.
				Config: `
output "claims" {
  value = provider::cognito::token_claims("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjFlMTAwMDAwMDAwMH0.c2ln")
}
`,
				ExpectError: regexp.MustCompile(`number\s+too\s+large`),
			},
			{
				// AllowNullValue is false: the CLI refuses null before calling.
				Config: `
output "claims" {
  value = provider::cognito::token_claims(null)
}
`,
				ExpectError: regexp.MustCompile(`Invalid value for "token" parameter: argument must not be null`),
			},
		},
	})
}
