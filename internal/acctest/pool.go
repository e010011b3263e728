package acctest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// Pool is a Cognito double with one user, alice, and app clients made on
// demand; it closes when the test ends.
type Pool struct {
	*cognitotest.Server
}

// NewPool starts a double (in eu-west-1 unless cfg names a region).
func NewPool(t testing.TB, cfg cognitotest.PoolConfig) *Pool {
	t.Helper()
	if cfg.Region == "" {
		cfg.Region = "eu-west-1"
	}
	srv := cognitotest.NewServer(cfg)
	t.Cleanup(srv.Close)
	srv.AddUser(cognitotest.User{Username: "alice", Email: "alice@example.com", Groups: []string{"admins"}})
	return &Pool{Server: srv}
}

// PastHalfLife is how far behind SetsPastHalfLife puts the double's clock:
// more than half the default one-hour validity.
const PastHalfLife = 40 * time.Minute

// SetsPastHalfLife is a double's clock (PoolConfig.Now) PastHalfLife behind
// the provider's: every token set it issues was issued, by its iat claim,
// that long ago, so a store without min_remaining_validity refreshes it at
// the next open instead of reusing it. Tests that follow the rotation chain
// open by open use it; the tokens themselves stay valid.
func SetsPastHalfLife() time.Time { return time.Now().Add(-PastHalfLife) }

// SignIn returns inputs for a fresh sign-in of alice with a new app client.
func (p *Pool) SignIn(client cognitotest.AppClient) TokenInputs {
	client = p.AddClient(client)
	return TokenInputs{
		RefreshToken: p.IssueRefreshToken(client.ID, "alice"),
		ClientID:     client.ID,
		ClientSecret: client.Secret,
	}
}

// SignInWithDevice is SignIn in a pool that remembers devices: DeviceKey
// is the device Cognito issued at sign-in, not confirmed yet.
func (p *Pool) SignInWithDevice(client cognitotest.AppClient) TokenInputs {
	client = p.AddClient(client)
	token, deviceKey := p.IssueRefreshTokenWithDevice(client.ID, "alice")
	return TokenInputs{RefreshToken: token, ClientID: client.ID, ClientSecret: client.Secret, DeviceKey: deviceKey}
}

// NewClientCredentialsPool is a double with a resource server "platform"
// (scopes deploy and read), one "https://billing.example.com" (scope
// invoices.read) and a pre token generation trigger, for tests that share
// it: each makes its own app client, so their requests stay apart.
func NewClientCredentialsPool(t testing.TB) *Pool {
	t.Helper()
	p := NewPool(t, cognitotest.PoolConfig{PreTokenGeneration: func(cognitotest.TriggerEvent) error { return nil }})
	p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
	p.AddResourceServer(cognitotest.ResourceServer{Identifier: "https://billing.example.com", Scopes: []string{"invoices.read"}})
	return p
}

// ClientCredentials adds an app client for the client credentials grant
// and returns inputs that use it.
func (p *Pool) ClientCredentials(c cognitotest.ClientCredentialsClient) ClientCredentialsInputs {
	c = p.AddClientCredentialsClient(c)
	return ClientCredentialsInputs{TokenURL: p.TokenURL(), ClientID: c.ID, ClientSecret: c.Secret}
}

// SettledRequestCount waits up to 5 seconds for the double to have seen
// want requests (a CLI may exit before an abandoned attempt lands) and
// returns how many it saw.
func (p *Pool) SettledRequestCount(want int) int {
	got := p.RequestCount()
	for deadline := time.Now().Add(5 * time.Second); got < want && time.Now().Before(deadline); got = p.RequestCount() {
		time.Sleep(10 * time.Millisecond)
	}
	return got
}

// TokenInputs are the cognito_refreshed_tokens arguments of one test.
type TokenInputs struct {
	RefreshToken, ClientID, ClientSecret, DeviceKey, Region string
	ClientMetadata                                          map[string]string
	// Raw HCL lines added to the block, for values %q cannot express.
	Extra []string
}

// HCL renders the arguments as the body of a block.
func (in TokenInputs) HCL() string {
	var b strings.Builder
	for _, a := range [][2]string{{"refresh_token", in.RefreshToken}, {"client_id", in.ClientID},
		{"client_secret", in.ClientSecret}, {"device_key", in.DeviceKey}, {"region", in.Region}} {
		if a[1] != "" {
			fmt.Fprintf(&b, "  %s = %q\n", a[0], a[1])
		}
	}
	writeMap(&b, "client_metadata", in.ClientMetadata)
	for _, line := range in.Extra {
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

// ClientCredentialsInputs are the cognito_client_credentials_token
// arguments of one test.
type ClientCredentialsInputs struct {
	Domain, TokenURL, ClientID, ClientSecret string
	Scopes                                   []string
	ClientMetadata                           map[string]string
	// Raw HCL lines added to the block.
	Extra []string
}

// HCL renders the arguments as the body of a block.
func (in ClientCredentialsInputs) HCL() string {
	var b strings.Builder
	for _, a := range [][2]string{{"domain", in.Domain}, {"token_url", in.TokenURL}, {"client_id", in.ClientID}, {"client_secret", in.ClientSecret}} {
		if a[1] != "" {
			fmt.Fprintf(&b, "  %s = %q\n", a[0], a[1])
		}
	}
	if in.Scopes != nil {
		quoted := make([]string, len(in.Scopes))
		for i, s := range in.Scopes {
			quoted[i] = fmt.Sprintf("%q", s)
		}
		fmt.Fprintf(&b, "  scopes = [%s]\n", strings.Join(quoted, ", "))
	}
	writeMap(&b, "client_metadata", in.ClientMetadata)
	for _, line := range in.Extra {
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

func writeMap(b *strings.Builder, name string, m map[string]string) {
	if m == nil {
		return
	}
	b.WriteString("  " + name + " = {\n")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(b, "    %q = %q\n", k, m[k])
	}
	b.WriteString("  }\n")
}

// ProviderHCL configures the provider against endpoint; extra lines are
// added verbatim (e.g. `max_retries = 0`) and may replace the endpoint.
func ProviderHCL(endpoint, region string, extra ...string) string {
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

// InstancesHCL is a whole configuration: the provider block given (see
// ProviderHCL) and n instances of cognito_refreshed_tokens with the
// arguments in, each checked by a precondition for an access token.
func InstancesHCL(n int, provider string, in TokenInputs) string {
	return `terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}
` + provider + fmt.Sprintf(`
locals {
  instances = toset([for i in range(%d) : tostring(i)])
}

ephemeral "cognito_refreshed_tokens" "test" {
  for_each = local.instances
%s}

resource "terraform_data" "observed" {
  for_each = local.instances
  input    = each.key
  lifecycle {
    precondition {
      condition     = length(ephemeral.cognito_refreshed_tokens.test[each.key].access_token) > 0
      error_message = "no access token"
    }
  }
}
`, n, in.HCL())
}

// DeadEndpoint is an address where nothing listens: a port that was just
// free. Connecting is refused at once, so no test waits on it.
func DeadEndpoint(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// StoredRefreshToken is the refresh token in a store's value: the value
// itself when it is a bare token (a seed), else the token set's
// refresh_token (what the provider writes after a rotation).
func StoredRefreshToken(value string) string {
	value = strings.TrimSpace(value)
	if !strings.HasPrefix(value, "{") {
		return value
	}
	var set struct {
		RefreshToken string `json:"refresh_token"`
	}
	_ = json.Unmarshal([]byte(value), &set)
	return set.RefreshToken
}
