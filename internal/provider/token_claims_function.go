package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = tokenClaimsFunction{}

// NewTokenClaimsFunction is provider::cognito::token_claims(token): the
// payload of a JWT as a Terraform object, decoded and not verified.
func NewTokenClaimsFunction() function.Function { return tokenClaimsFunction{} }

type tokenClaimsFunction struct{}

const (
	// maxTokenBytes bounds the input: Cognito's tokens are a few kilobytes,
	// and a larger value is a mistake, not a token.
	maxTokenBytes = 1 << 20
	// maxClaimsDepth bounds the nesting of the payload, which becomes the
	// nesting of the result's type; Cognito's claims are at most two levels
	// deep (pre token generation V2 may add nested custom claims).
	maxClaimsDepth = 32
)

func (tokenClaimsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "token_claims"
}

func (tokenClaimsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Decode the claims of a JWT such as a Cognito access or ID token",
		MarkdownDescription: "Returns the payload (claims) of a JSON Web Token, such as the `access_token` or `id_token` of " +
			"`cognito_refreshed_tokens`, as an object whose attribute types follow the JSON, like `jsondecode`: " +
			"`exp`, `iat` and `auth_time` are numbers, `cognito:groups` is a tuple of strings (absent when the user is in no group), " +
			"`scope` is one space-separated string, nested JSON objects are objects and JSON `null` is `null`.\n\n" +
			"**The signature is not verified**: the function decodes, it does not authenticate. A provider function is pure and " +
			"cannot fetch the user pool's signing keys (JWKS), and a token that this provider just received from Cognito over TLS " +
			"needs no second check. Do not use it to decide whether to trust a token from elsewhere.\n\n" +
			"The result carries the argument's marks: the claims of a sensitive token are sensitive, and those of an ephemeral token " +
			"are ephemeral (they never reach the plan or the state). A value that is not a signed JWT (three base64url parts: " +
			"header, payload, signature, and an `alg` other than `none`) fails with an error that names what is wrong without " +
			"showing the value. So does JSON that `jsondecode` would not read the same: a key repeated within an object, " +
			"or a number that is infinite or longer than 1000 digits written out. " +
			"Requires Terraform 1.8 or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "token",
				MarkdownDescription: "A compact JWS: `header.payload.signature`, each part unpadded base64url, " +
					"for example `ephemeral.cognito_refreshed_tokens.this.access_token`. Not a refresh token: Cognito's are encrypted (five parts).",
				AllowNullValue:     false,
				AllowUnknownValues: false,
			},
		},
		Return: function.DynamicReturn{},
	}
}

func (tokenClaimsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var token string
	resp.Error = req.Arguments.Get(ctx, &token)
	if resp.Error != nil {
		return
	}
	claims, err := decodeTokenClaims(token)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, types.DynamicValue(claims))
}

// claimsError is a reason a value is not a readable JWT. Its text never
// contains any part of the value: the value is a secret.
type claimsError string

func (e claimsError) Error() string { return string(e) }

// decodeTokenClaims parses token with golang-jwt (no signature check) and
// converts its payload to a Terraform value.
func decodeTokenClaims(token string) (attr.Value, error) {
	switch {
	case token == "":
		return nil, claimsError("the token is empty")
	case len(token) > maxTokenBytes:
		return nil, claimsError(fmt.Sprintf("the token is %d bytes long, more than the %d a JWT can plausibly be (Cognito's are a few kilobytes)", len(token), maxTokenBytes))
	case strings.TrimSpace(token) != token:
		return nil, claimsError("the token starts or ends with whitespace; pass the token alone")
	case len(token) > 7 && strings.EqualFold(token[:7], "bearer "):
		return nil, claimsError("the value starts with `Bearer `, an Authorization header's prefix; pass the token alone")
	}
	// JSON numbers stay json.Number, so large integers keep every digit.
	parser := jwt.NewParser(jwt.WithJSONNumber())
	parsed, parts, err := parser.ParseUnverified(token, jwt.MapClaims{})
	if err != nil {
		return nil, describeParseError(token, err)
	}
	// ParseUnverified accepts the unsecured "none" (RFC 7519 section 6),
	// which signs nothing; WithValidMethods applies only to verified parses.
	if parsed.Method == jwt.SigningMethodNone {
		return nil, claimsError("the header (first part) says `alg: none`: an unsecured JWT, not a signed one")
	}
	// golang-jwt decodes last-wins; decode both parts again, strictly.
	header, _ := parser.DecodeSegment(parts[0])
	if _, err := strictJSONValue(header, "header (first part)"); err != nil {
		return nil, err
	}
	payload, err := parser.DecodeSegment(parts[1])
	if err != nil || !bytes.HasPrefix(bytes.TrimLeft(payload, " \t\r\n"), []byte("{")) {
		return nil, claimsError("the payload (second part) is not a JSON object")
	}
	return strictJSONValue(payload, "payload (second part)")
}

// jwtParseErrors maps golang-jwt's fixed error texts (parser.go, v5) to ours.
// The library's error also wraps base64's and encoding/json's errors, and
// json's can quote a character of the decoded payload, so its text is never
// shown. TestTokenClaimsMapsEveryLibraryError pins each entry.
var jwtParseErrors = []struct{ libraryText, ours string }{
	{"could not base64 decode header", "the header (first part) is not unpadded base64url"},
	{"could not JSON decode header", "the header (first part) is not a JSON object"},
	{"could not base64 decode claim", "the payload (second part) is not unpadded base64url"},
	{"could not JSON decode claim", "the payload (second part) is not a JSON object"},
	{"signing method (alg) is unspecified", "the header (first part) names no signing algorithm (`alg`), so this is not a signed JWT"},
	{"signing method (alg) is unavailable", "the header (first part) names an unknown signing algorithm (`alg`), so this is not a signed JWT"},
	{"could not base64 decode signature", "the signature (third part) is not unpadded base64url"},
}

func describeParseError(token string, err error) error {
	if errors.Is(err, jwt.ErrTokenMalformed) && strings.Contains(err.Error(), "invalid number of segments") {
		// Counting dots only words the message; the library has parsed.
		parts := strings.Count(token, ".") + 1
		if parts == 5 {
			return claimsError("the token has 5 parts: an encrypted JWT (JWE), such as a Cognito refresh token, whose claims cannot be read. Pass an access or ID token")
		}
		return claimsError(fmt.Sprintf("the token has %d part(s) separated by dots, not the 3 of a signed JWT (header.payload.signature)", parts))
	}
	for _, e := range jwtParseErrors {
		if strings.Contains(err.Error(), e.libraryText) {
			return claimsError(e.ours)
		}
	}
	return claimsError("the value is not a readable JWT")
}

const (
	// maxNumberDigits bounds a number's literal and its digits written out
	// in full, as the CLIs and the plugin protocol write numbers
	// (big.Float.Text('f', -1)): one 700,000-digit literal costs seconds of
	// CPU, and 1e-1000000 is short to send but slow to write. Real claims
	// are Unix times (10 digits) or at most 64-bit integers (20).
	maxNumberDigits = 1000
)

// strictJSONValue decodes one JSON value, and nothing after it, to a
// Terraform value typed as jsondecode would type it. Unlike encoding/json it
// refuses a key repeated within one object: RFC 7519 section 4 lets a parser
// reject duplicate claim names, and jsondecode refuses those whose values
// differ in type (zclconf/go-cty cty/json/type_implied.go, impliedObjectType),
// so last-wins would yield claims jsondecode never gives.
func strictJSONValue(data []byte, part string) (attr.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	d := strictDecoder{dec: dec, part: part}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, d.notJSON()
	}
	return v, nil
}

type strictDecoder struct {
	dec  *json.Decoder
	part string
}

func (d strictDecoder) notJSON() error {
	return claimsError(fmt.Sprintf("the %s is not a JSON object", d.part))
}

func (d strictDecoder) value(depth int) (attr.Value, error) {
	if depth > maxClaimsDepth {
		return nil, claimsError(fmt.Sprintf("the %s is nested more than %d levels deep", d.part, maxClaimsDepth))
	}
	tok, err := d.dec.Token()
	if err != nil {
		return nil, d.notJSON()
	}
	switch tok := tok.(type) {
	case nil:
		return types.DynamicNull(), nil
	case bool:
		return types.BoolValue(tok), nil
	case string:
		return types.StringValue(tok), nil
	case json.Number:
		return d.number(tok)
	case json.Delim:
		if tok == '[' {
			return d.tuple(depth)
		}
		return d.object(depth)
	default:
		return nil, d.notJSON()
	}
}

// number keeps cty's precision (cty.ParseNumberVal): every digit of a JSON
// number, within maxNumberDigits.
func (d strictDecoder) number(n json.Number) (attr.Value, error) {
	if len(n) > maxNumberDigits {
		return nil, claimsError(fmt.Sprintf("the %s holds a number written with more than %d characters", d.part, maxNumberDigits))
	}
	f, _, err := big.ParseFloat(string(n), 10, 512, big.ToNearestEven)
	switch {
	case err != nil:
		// Only for exponents beyond big.Float's range.
		return nil, claimsError(fmt.Sprintf("the %s holds a number out of range", d.part))
	case f.IsInf():
		// cty cannot write infinity as JSON (cty/json/marshal.go).
		return nil, claimsError(fmt.Sprintf("the %s holds a number too large to represent (it would be infinite)", d.part))
	case writtenDigits(string(n)) > maxNumberDigits:
		return nil, claimsError(fmt.Sprintf("the %s holds a number of more than %d digits when written out in full", d.part, maxNumberDigits))
	}
	return types.NumberValue(f), nil
}

// writtenDigits counts the digits of a JSON number literal written without
// an exponent: 1e3 is 1000 (4), 1.5e-3 is 0.0015 (5).
func writtenDigits(literal string) int64 {
	mantissa, exponent, _ := strings.Cut(strings.ToLower(strings.TrimPrefix(literal, "-")), "e")
	whole, fraction, _ := strings.Cut(mantissa, ".")
	exp, err := strconv.ParseInt(exponent, 10, 32)
	if exponent != "" && err != nil {
		return math.MaxInt64
	}
	digits := whole + fraction
	point := int64(len(whole)) + exp // digits before the decimal point
	trimmed := strings.TrimLeft(digits, "0")
	point -= int64(len(digits) - len(trimmed))
	digits = strings.TrimRight(trimmed, "0")
	switch n := int64(len(digits)); {
	case n == 0:
		return 1
	case point >= n:
		return point
	case point <= 0:
		return 1 - point + n
	default:
		return n
	}
}

func (d strictDecoder) tuple(depth int) (attr.Value, error) {
	var elemTypes []attr.Type
	var elems []attr.Value
	for d.dec.More() {
		ev, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		elems, elemTypes = append(elems, ev), append(elemTypes, ev.Type(context.Background()))
	}
	if _, err := d.dec.Token(); err != nil { // ']'
		return nil, d.notJSON()
	}
	tuple, diags := types.TupleValue(elemTypes, elems)
	if diags.HasError() {
		return nil, claimsError(fmt.Sprintf("the %s could not be converted", d.part))
	}
	return tuple, nil
}

func (d strictDecoder) object(depth int) (attr.Value, error) {
	attrTypes := map[string]attr.Type{}
	attrs := map[string]attr.Value{}
	for d.dec.More() {
		tok, err := d.dec.Token()
		key, isKey := tok.(string)
		if err != nil || !isKey {
			return nil, d.notJSON()
		}
		if _, seen := attrs[key]; seen {
			return nil, claimsError(fmt.Sprintf("the %s repeats a key within one JSON object, so which value counts is ambiguous", d.part))
		}
		ev, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		attrs[key], attrTypes[key] = ev, ev.Type(context.Background())
	}
	if _, err := d.dec.Token(); err != nil { // '}'
		return nil, d.notJSON()
	}
	obj, diags := types.ObjectValue(attrTypes, attrs)
	if diags.HasError() {
		return nil, claimsError(fmt.Sprintf("the %s could not be converted", d.part))
	}
	return obj, nil
}
