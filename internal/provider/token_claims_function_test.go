package provider

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// runTokenClaims calls the function as the framework does.
func runTokenClaims(token string) (attr.Value, *function.FuncError) {
	resp := function.RunResponse{Result: function.NewResultData(types.DynamicUnknown())}
	tokenClaimsFunction{}.Run(context.Background(), function.RunRequest{
		Arguments: function.NewArgumentsData([]attr.Value{types.StringValue(token)}),
	}, &resp)
	if resp.Error != nil {
		return nil, resp.Error
	}
	dyn, ok := resp.Result.Value().(types.Dynamic)
	if !ok {
		return nil, function.NewFuncError("result is not dynamic")
	}
	return dyn.UnderlyingValue(), nil
}

// claimsOf runs the function and fails the test unless it returns an object.
func claimsOf(t *testing.T, token string) map[string]attr.Value {
	t.Helper()
	v, ferr := runTokenClaims(token)
	if ferr != nil {
		t.Fatalf("token_claims failed: %s", ferr.Text)
	}
	obj, ok := v.(types.Object)
	if !ok {
		t.Fatalf("result is %T, want an object", v)
	}
	return obj.Attributes()
}

// doubleTokens refreshes a fresh sign-in of username on the double through
// the provider's own Cognito client, so the tokens are the double's.
func doubleTokens(t *testing.T, p *pool, client cognitotest.AppClient, username string) cognito.Tokens {
	t.Helper()
	client = p.AddClient(client)
	env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	c := cognito.New(env, p.URL)
	tokens, err := c.Refresh(context.Background(), cognito.Request{
		RefreshToken: p.IssueRefreshToken(client.ID, username), ClientID: client.ID, ClientSecret: client.Secret,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

// numberClaim is a number claim's exact value, or "" if it is not a number.
func numberClaim(v attr.Value) string {
	n, ok := v.(types.Number)
	if !ok || n.IsNull() || n.IsUnknown() {
		return ""
	}
	return n.ValueBigFloat().Text('f', -1)
}

func stringClaim(v attr.Value) string {
	if s, ok := v.(types.String); ok {
		return s.ValueString()
	}
	return "<not a string>"
}

func TestTokenClaimsAccessToken(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	tokens := doubleTokens(t, p, cognitotest.AppClient{Scopes: []string{"openid", "platform/deploy"}}, "alice")
	want, err := cognitotest.VerifyJWT(tokens.AccessToken, p.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	claims := claimsOf(t, tokens.AccessToken)
	if len(claims) != len(want) {
		t.Errorf("got %d claims, the token has %d", len(claims), len(want))
	}
	for _, name := range []string{"sub", "iss", "client_id", "username", "token_use", "jti", "origin_jti", "event_id"} {
		if got := stringClaim(claims[name]); got != want[name] {
			t.Errorf("%s = %q, want %q", name, got, want[name])
		}
	}
	if got := stringClaim(claims["scope"]); got != "openid platform/deploy" {
		t.Errorf("scope = %q, want one space-separated string", got)
	}
	for _, name := range []string{"exp", "iat", "auth_time", "version"} {
		f, _ := want[name].(float64)
		wantNumber := big.NewFloat(f).Text('f', -1)
		if got := numberClaim(claims[name]); got != wantNumber {
			t.Errorf("%s = %q (%T), want the number %s", name, got, claims[name], wantNumber)
		}
	}
	groups, ok := claims["cognito:groups"].(types.Tuple)
	if !ok || len(groups.Elements()) != 1 || stringClaim(groups.Elements()[0]) != "admins" {
		t.Errorf("cognito:groups = %v, want a tuple [\"admins\"]", claims["cognito:groups"])
	}
}

func TestTokenClaimsIDToken(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	p.AddUser(cognitotest.User{Username: "bob", Email: "bob@example.com", Attributes: map[string]string{"custom:team": "platform"}})
	tokens := doubleTokens(t, p, cognitotest.AppClient{}, "bob")
	want, err := cognitotest.VerifyJWT(tokens.IDToken, p.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	claims := claimsOf(t, tokens.IDToken)
	for _, name := range []string{"sub", "aud", "cognito:username", "email", "custom:team", "token_use"} {
		if got := stringClaim(claims[name]); got != want[name] {
			t.Errorf("%s = %q, want %q", name, got, want[name])
		}
	}
	if v, ok := claims["email_verified"].(types.Bool); !ok || !v.ValueBool() {
		t.Errorf("email_verified = %v, want the bool true", claims["email_verified"])
	}
	// bob is in no group: Cognito leaves the claim out, so does the result.
	if _, ok := claims["cognito:groups"]; ok {
		t.Error("cognito:groups present for a user in no group")
	}
	if numberClaim(claims["exp"]) == "" {
		t.Errorf("exp = %v, want a number", claims["exp"])
	}
}

// jwtOf builds a compact JWS from raw header and payload JSON.
func jwtOf(header, payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(payload)) + "." + enc([]byte("signature"))
}

const testHeader = `{"alg":"RS256","kid":"k1"}`

func TestTokenClaimsJSONTypes(t *testing.T) {
	claims := claimsOf(t, jwtOf(testHeader,
		`{"big":123456789012345678901234567890,"frac":0.1,"neg":-1e-7,"t":true,"n":null,`+
			`"mixed":[1,"a",false],"empty":[],"obj":{"inner":{"x":"y"}},"":"empty key","ключ":"значение ✓ 🚀"}`))
	if got := numberClaim(claims["big"]); got != "123456789012345678901234567890" {
		t.Errorf("big = %s: digits lost", got)
	}
	if frac, ok := claims["frac"].(types.Number); !ok || frac.ValueBigFloat().Text('f', 25) != "0.1000000000000000000000000" {
		t.Errorf("frac = %v, want 0.1 at cty's precision, not float64's", claims["frac"])
	}
	if got := numberClaim(claims["neg"]); got != "-0.0000001" {
		t.Errorf("neg = %s", got)
	}
	if v, ok := claims["t"].(types.Bool); !ok || !v.ValueBool() {
		t.Errorf("t = %v", claims["t"])
	}
	if !claims["n"].IsNull() {
		t.Errorf("n = %v, want null", claims["n"])
	}
	mixed, ok := claims["mixed"].(types.Tuple)
	if !ok || len(mixed.Elements()) != 3 {
		t.Fatalf("mixed = %v, want a tuple of 3 (a list cannot hold mixed types)", claims["mixed"])
	}
	if _, ok := claims["empty"].(types.Tuple); !ok {
		t.Errorf("empty = %T, want an empty tuple", claims["empty"])
	}
	obj, _ := claims["obj"].(types.Object)
	inner, _ := obj.Attributes()["inner"].(types.Object)
	if x := inner.Attributes()["x"]; stringClaim(x) != "y" {
		t.Errorf("obj.inner.x = %v", x)
	}
	if stringClaim(claims[""]) != "empty key" || stringClaim(claims["ключ"]) != "значение ✓ 🚀" {
		t.Errorf("unicode or empty keys lost: %v", claims)
	}
}

// TestTokenClaimsOverTheProtocol calls the function through the provider
// server, as a CLI does: the dynamic result (nulls, big numbers, nested
// tuples) must survive msgpack encoding, and the function must be
// registered under its documented name.
func TestTokenClaimsOverTheProtocol(t *testing.T) {
	server := providerserver.NewProtocol6(New("test")())()
	ctx := context.Background()
	funcs, err := server.GetFunctions(ctx, &tfprotov6.GetFunctionsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	def, ok := funcs.Functions["token_claims"]
	if !ok {
		t.Fatalf("no token_claims function; have %v", funcs.Functions)
	}
	if len(def.Parameters) != 1 || def.Parameters[0].AllowNullValue || def.Parameters[0].AllowUnknownValues {
		t.Errorf("parameter = %+v, want one that allows neither null nor unknown", def.Parameters)
	}
	if !strings.Contains(def.Description, "not verified") {
		t.Errorf("description does not say the signature is not verified: %q", def.Description)
	}
	arg, err := tfprotov6.NewDynamicValue(tftypes.String, tftypes.NewValue(tftypes.String,
		jwtOf(testHeader, `{"exp":1700000000,"big":1e400,"n":null,"g":["a",["b",{"c":null}]]}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "token_claims", Arguments: []*tfprotov6.DynamicValue{&arg}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Error != nil {
		t.Fatalf("call failed: %s", resp.Error.Text)
	}
	got, err := resp.Result.Unmarshal(tftypes.DynamicPseudoType)
	if err != nil {
		t.Fatalf("result does not decode: %v", err)
	}
	var attrs map[string]tftypes.Value
	if err := got.As(&attrs); err != nil {
		t.Fatalf("result is not an object: %v (%s)", err, got)
	}
	var exp big.Float
	if err := attrs["exp"].As(&exp); err != nil || exp.Text('f', -1) != "1700000000" {
		t.Errorf("exp = %v (%v), want 1700000000", attrs["exp"], err)
	}
	if !attrs["n"].IsNull() {
		t.Errorf("n = %v, want null", attrs["n"])
	}
	if !attrs["g"].Type().Is(tftypes.Tuple{}) {
		t.Errorf("g has type %s, want a tuple", attrs["g"].Type())
	}
}

// secretPart (base64url of "secret-secret-secret") is in every malformed
// token, so an echo of it, encoded or decoded, is easy to spot.
const secretPart = "c2VjcmV0LXNlY3JldC1zZWNyZXQ"

func TestTokenClaimsErrors(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	refreshToken := p.IssueRefreshToken(p.AddClient(cognitotest.AppClient{}).ID, "alice")
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	payload := enc(`{"sub":"` + secretPart + `"}`)
	header := enc(testHeader)
	sig := enc("signature-" + secretPart)
	deep := strings.Repeat(`{"a":`, maxClaimsDepth+1) + "1" + strings.Repeat("}", maxClaimsDepth+1)
	for _, tc := range []struct {
		name, token, want string
	}{
		{"empty", "", "the token is empty"},
		{"one part", secretPart, "1 part(s)"},
		{"two parts", header + "." + payload, "2 part(s)"},
		{"four parts", header + "." + payload + "." + sig + "." + sig, "4 part(s)"},
		{"Cognito refresh token (JWE, five parts)", refreshToken, "encrypted JWT (JWE)"},
		{"header padded (base64, not base64url)", enc(testHeader) + "==." + payload + "." + sig, "header (first part) is not unpadded base64url"},
		{"header standard alphabet", "+/" + header + "." + payload + "." + sig, "header (first part) is not unpadded base64url"},
		{"header not JSON", enc("alg=RS256 "+secretPart) + "." + payload + "." + sig, "header (first part) is not a JSON object"},
		{"payload not base64url", header + ".*" + secretPart + "*." + sig, "payload (second part) is not unpadded base64url"},
		{"payload not JSON", header + "." + enc("sub="+secretPart) + "." + sig, "payload (second part) is not a JSON object"},
		{"payload JSON null", header + "." + enc(`null`) + "." + sig, "payload (second part) is not a JSON object"},
		{"payload with data after the object", header + "." + enc(`{"sub":"x"} {"`+secretPart+`":1}`) + "." + sig, "payload (second part) is not a JSON object"},
		{"payload JSON but not an object", header + "." + enc(`["`+secretPart+`"]`) + "." + sig, "payload (second part) is not a JSON object"},
		{"payload JSON with a syntax error quoting a character", header + "." + enc(`{"sub":`+secretPart+`}`) + "." + sig, "payload (second part) is not a JSON object"},
		{"header without alg", enc(`{"kid":"`+secretPart+`"}`) + "." + payload + "." + sig, "names no signing algorithm"},
		{"unknown alg", enc(`{"alg":"`+secretPart+`"}`) + "." + payload + "." + sig, "unknown signing algorithm"},
		{"signature not base64url", header + "." + payload + ".#" + secretPart, "signature (third part) is not unpadded base64url"},
		{"nested too deep", header + "." + enc(deep) + "." + sig, "nested more than 32 levels"},
		{"alg none, empty signature (an unsecured JWT)", enc(`{"alg":"none"}`) + "." + payload + ".", "`alg: none`"},
		{"alg none with a signature", enc(`{"alg":"none","kid":"`+secretPart+`"}`) + "." + payload + "." + sig, "`alg: none`"},
		{"payload repeats a key", header + "." + enc(`{"sub":"`+secretPart+`","sub":"`+secretPart+`x"}`) + "." + sig, "payload (second part) repeats a key"},
		{"payload repeats a key with another type", header + "." + enc(`{"`+secretPart+`":1,"`+secretPart+`":"1"}`) + "." + sig, "payload (second part) repeats a key"},
		{"nested object repeats a key", header + "." + enc(`{"a":[{"b":{"k":1,"k":1}}]}`) + "." + sig, "payload (second part) repeats a key"},
		{"header repeats a key", enc(`{"alg":"none","alg":"RS256"}`) + "." + payload + "." + sig, "header (first part) repeats a key"},
		{"number overflows to infinity", header + "." + enc(`{"exp":1e1000000000}`) + "." + sig, "number too large to represent"},
		{"number overflows to minus infinity", header + "." + enc(`{"exp":-1e1000000000}`) + "." + sig, "number too large to represent"},
		{"number exponent beyond big.Float", header + "." + enc(`{"exp":1e99999999999}`) + "." + sig, "number out of range"},
		{"number literal too long", header + "." + enc(`{"n":`+strings.Repeat("7", maxNumberDigits+1)+`}`) + "." + sig, "number written with more than 1000 characters"},
		{"number literal with too many zeros", header + "." + enc(`{"n":1.`+strings.Repeat("0", maxNumberDigits)+`}`) + "." + sig, "number written with more than 1000 characters"},
		{"number too long written out", header + "." + enc(`{"n":1e1000000}`) + "." + sig, "more than 1000 digits when written out"},
		{"number too small written out", header + "." + enc(`{"n":1e-1000000}`) + "." + sig, "more than 1000 digits when written out"},
		{"trailing newline", header + "." + payload + "." + sig + "\n", "whitespace"},
		{"Authorization header value", "Bearer " + header + "." + payload + "." + sig, "`Bearer `"},
		{"huge", header + "." + enc(`{"x":"`+strings.Repeat(secretPart, maxTokenBytes/len(secretPart))+`"}`) + "." + sig, "more than the 1048576"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ferr := runTokenClaims(tc.token)
			if ferr == nil {
				t.Fatal("no error")
			}
			if ferr.FunctionArgument == nil || *ferr.FunctionArgument != 0 {
				t.Errorf("error is not attributed to the token argument: %+v", ferr)
			}
			if !strings.Contains(ferr.Text, tc.want) {
				t.Errorf("error %q does not say %q", ferr.Text, tc.want)
			}
			if strings.Contains(ferr.Text, "secret") || strings.Contains(ferr.Text, secretPart[:8]) || (len(tc.token) >= 8 && strings.Contains(ferr.Text, tc.token[:8])) {
				t.Errorf("error echoes the token: %q", ferr.Text)
			}
		})
	}
}

// TestTokenClaimsMapsEveryLibraryError pins jwtParseErrors to golang-jwt's
// wording: if an upgrade rewords an error, the generic message would take
// over silently.
func TestTokenClaimsMapsEveryLibraryError(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	inputs := []string{
		"x=." + enc("{}") + ".s",
		enc("[") + "." + enc("{}") + ".s",
		enc(testHeader) + ".x=.s",
		enc(testHeader) + "." + enc("[") + ".s",
		enc("{}") + "." + enc("{}") + ".s",
		enc(`{"alg":"nope"}`) + "." + enc("{}") + ".s",
		enc(testHeader) + "." + enc("{}") + ".s=",
	}
	if len(inputs) != len(jwtParseErrors) {
		t.Fatalf("%d inputs for %d mapped errors", len(inputs), len(jwtParseErrors))
	}
	for i, in := range inputs {
		_, _, err := jwt.NewParser(jwt.WithJSONNumber()).ParseUnverified(in, jwt.MapClaims{})
		if err == nil || !strings.Contains(err.Error(), jwtParseErrors[i].libraryText) {
			t.Errorf("golang-jwt no longer says %q: %v", jwtParseErrors[i].libraryText, err)
		}
	}
}

func TestTokenClaimsAcceptsLargestToken(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	prefix := enc(testHeader) + "." + enc(`{"x":"`)
	// Fill to exactly maxTokenBytes with a payload that stays valid.
	filler := strings.Repeat("a", (maxTokenBytes-len(prefix))*3/4)
	token := enc(testHeader) + "." + enc(`{"x":"`+filler+`"}`) + "." + enc("s")
	for len(token) > maxTokenBytes {
		filler = filler[:len(filler)-3]
		token = enc(testHeader) + "." + enc(`{"x":"`+filler+`"}`) + "." + enc("s")
	}
	claims := claimsOf(t, token)
	if got := stringClaim(claims["x"]); len(got) != len(filler) {
		t.Errorf("x has %d bytes, want %d", len(got), len(filler))
	}
}

// TestTokenClaimsNumberLimits: numbers up to maxNumberDigits, written as
// literals or out in full, keep every digit.
func TestTokenClaimsNumberLimits(t *testing.T) {
	longest := "9" + strings.Repeat("0", maxNumberDigits-1)
	claims := claimsOf(t, jwtOf(testHeader, `{"long":`+longest+`,"e":1e999,"small":-1e-998,"zero":0e999999}`))
	if got := numberClaim(claims["long"]); len(got) != maxNumberDigits || got[0] != '9' {
		t.Errorf("long has %d digits, want %d", len(got), maxNumberDigits)
	}
	if got := numberClaim(claims["e"]); got != "1"+strings.Repeat("0", 999) {
		t.Errorf("1e999 = %.20s… (%d digits)", got, len(got))
	}
	if got := numberClaim(claims["small"]); !strings.HasPrefix(got, "-0.000") || got == "" {
		t.Errorf("-1e-998 = %.20s…", got)
	}
	if got := numberClaim(claims["zero"]); got != "0" {
		t.Errorf("0e999999 = %s", got)
	}
}

func TestWrittenDigits(t *testing.T) {
	for literal, want := range map[string]int64{
		"0": 1, "-0": 1, "0.0": 1, "0e5": 1, "7": 1, "1700000000": 10, "-12.5": 3,
		"1e3": 4, "1E+3": 4, "1.5e-3": 5, "0.001": 4, "120e-1": 2, "0.0120": 4,
		"123.456e1": 6, "123.456e5": 8, "1e999": 1000, "1e-999": 1000, "1e-1": 2,
		"1e99999999999": math.MaxInt64,
	} {
		if got := writtenDigits(literal); got != want {
			t.Errorf("writtenDigits(%q) = %d, want %d", literal, got, want)
		}
	}
}

// TestTokenClaimsSizeBound: the "too long" refusal starts one byte past
// maxTokenBytes (TestTokenClaimsAcceptsLargestToken cannot land on it
// exactly).
func TestTokenClaimsSizeBound(t *testing.T) {
	for size, tooLong := range map[int]bool{maxTokenBytes: false, maxTokenBytes + 1: true} {
		_, err := decodeTokenClaims(strings.Repeat("a", size))
		if err == nil || strings.Contains(err.Error(), "more than the") != tooLong {
			t.Errorf("%d bytes: %v, want too long: %v", size, err, tooLong)
		}
	}
}

// TestClaimsDepthBound: arrays and objects nested maxClaimsDepth levels
// convert; one level more is refused.
func TestClaimsDepthBound(t *testing.T) {
	for _, kind := range []struct{ name, open, close string }{
		{"arrays", "[", "]"},
		{"objects", `{"k":`, "}"},
	} {
		for levels, wantErr := range map[int]bool{maxClaimsDepth: false, maxClaimsDepth + 1: true} {
			nested := strings.Repeat(kind.open, levels) + `"leaf"` + strings.Repeat(kind.close, levels)
			_, err := strictJSONValue([]byte(nested), "payload")
			if (err != nil) != wantErr {
				t.Errorf("%s nested %d deep: %v, want an error: %v", kind.name, levels, err, wantErr)
			}
		}
	}
}

// claimsUser is signed in for the token_claims tests: two groups, a known sub.
var claimsUser = cognitotest.User{
	Username: "carol", Sub: "5f0c3b9e-7d2a-4c1e-9a55-0c7e2b1d9f30", Email: "carol@example.com",
	Groups: []string{"admins", "deployers"},
}

// signInClaimsUser returns inputs for a fresh sign-in of claimsUser with a
// new app client granting scopes.
func signInClaimsUser(p *pool, scopes ...string) acctest.TokenInputs {
	p.AddUser(claimsUser)
	client := p.AddClient(cognitotest.AppClient{Scopes: scopes})
	return acctest.TokenInputs{RefreshToken: p.IssueRefreshToken(client.ID, claimsUser.Username), ClientID: client.ID}
}

// requireScopeHCL is the documented fail-fast check: a postcondition on the
// ephemeral resource that reads the access token's scope claim.
func requireScopeHCL(provider string, in acctest.TokenInputs, scope string) string { //nolint:unparam // the scope is part of the message
	return provider + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.HCL() + `
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
	provider := acctest.ProviderHCL(p.URL, "eu-west-1")
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
` + in.HCL() + `}

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
` + in.HCL() + `}

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
` + in.HCL() + `}

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
` + in.HCL() + `}

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
				Config: acctest.ProviderHCL(p.URL, "eu-west-1") + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.HCL() + `}

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
