package provider

import (
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
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// testProviders serves this provider and echo (which copies ephemeral
// results into state so tests can check them) in-process.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"cognito": providerserver.NewProtocol6WithError(New("test")()),
	"echo":    echoprovider.NewProviderServer(),
}

// pool is a double with one user, alice, and app clients made on demand.
type pool struct {
	*cognitotest.Server
	t *testing.T
}

func newPool(t *testing.T, cfg cognitotest.PoolConfig) *pool {
	t.Helper()
	if cfg.Region == "" {
		cfg.Region = "eu-west-1"
	}
	srv := cognitotest.NewServer(cfg)
	t.Cleanup(srv.Close)
	srv.AddUser(cognitotest.User{Username: "alice", Email: "alice@example.com", Groups: []string{"admins"}})
	return &pool{Server: srv, t: t}
}

// signIn returns inputs for a fresh sign-in of alice with a new app client.
func (p *pool) signIn(client cognitotest.AppClient) tokenInputs {
	client = p.AddClient(client)
	return tokenInputs{
		RefreshToken: p.IssueRefreshToken(client.ID, "alice"),
		ClientID:     client.ID,
		ClientSecret: client.Secret,
	}
}

// tokenInputs are the cognito_refreshed_tokens arguments of one test.
type tokenInputs struct {
	RefreshToken, ClientID, ClientSecret, DeviceKey, Region string
	ClientMetadata                                          map[string]string
	// Raw HCL lines added to the block, for values %q cannot express.
	Extra []string
}

func (in tokenInputs) hcl() string {
	var b strings.Builder
	attr := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %s = %q\n", name, value)
		}
	}
	attr("refresh_token", in.RefreshToken)
	attr("client_id", in.ClientID)
	attr("client_secret", in.ClientSecret)
	attr("device_key", in.DeviceKey)
	attr("region", in.Region)
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

// providerHCL configures the provider against endpoint; extra lines are
// added verbatim (e.g. `max_retries = 0`) and may replace the endpoint.
func providerHCL(endpoint, region string, extra ...string) string {
	if slices.ContainsFunc(extra, func(line string) bool { return strings.HasPrefix(line, "endpoint") }) {
		endpoint = ""
	}
	var b strings.Builder
	b.WriteString("provider \"cognito\" {\n")
	if region != "" {
		fmt.Fprintf(&b, "  region = %q\n", region)
	}
	if endpoint != "" {
		fmt.Fprintf(&b, "  endpoint = %q\n", endpoint)
	}
	for _, line := range extra {
		b.WriteString("  " + line + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// ephemeralHCL opens the ephemeral resource and echoes its result into
// echo.test.data.
func ephemeralHCL(provider string, in tokenInputs) string {
	return provider + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.hcl() + `}

provider "echo" {
  data = ephemeral.cognito_refreshed_tokens.test
}

resource "echo" "test" {}
`
}

// dataSourceHCL reads the data source.
func dataSourceHCL(provider string, in tokenInputs) string {
	return provider + `
data "cognito_refreshed_tokens" "test" {
` + in.hcl() + `}
`
}

// jwtFor checks that a value is a JWT signed by the pool, of the given use,
// for the given client, and runs more claim checks.
func (p *pool) jwtFor(use, clientID string, more ...func(claims map[string]any) error) knownvalue.Check {
	return knownvalue.StringFunc(func(token string) error {
		claims, err := cognitotest.VerifyJWT(token, p.JWKS())
		if err != nil {
			return fmt.Errorf("%s token does not verify against the pool's JWKS: %w", use, err)
		}
		want := map[string]any{"iss": p.Issuer(), "token_use": use}
		if use == "access" {
			want["client_id"], want["username"] = clientID, "alice"
		} else {
			want["aud"], want["cognito:username"] = clientID, "alice"
		}
		for claim, value := range want {
			if claims[claim] != value {
				return fmt.Errorf("%s token claim %s = %v, want %v", use, claim, claims[claim], value)
			}
		}
		for _, check := range more {
			if err := check(claims); err != nil {
				return err
			}
		}
		return nil
	})
}

// expiresAtAbout checks an RFC 3339 UTC timestamp about d from now.
func expiresAtAbout(d time.Duration) knownvalue.Check {
	return knownvalue.StringFunc(func(s string) error {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil || !strings.HasSuffix(s, "Z") {
			return fmt.Errorf("expires_at %q is not an RFC 3339 UTC timestamp", s)
		}
		if delta := time.Until(at) - d; delta > time.Minute || delta < -5*time.Minute {
			return fmt.Errorf("expires_at %s is not about %s from now", s, d)
		}
		return nil
	})
}

// claimEquals checks one claim of a verified token.
func claimEquals(name string, want any) func(map[string]any) error {
	return func(claims map[string]any) error {
		if claims[name] != want {
			return fmt.Errorf("claim %s = %v, want %v", name, claims[name], want)
		}
		return nil
	}
}

// refreshTokenShape matches what the double (and Cognito) issue.
var refreshTokenShape = regexp.MustCompile(`^[A-Za-z0-9\-_=.]+$`)
