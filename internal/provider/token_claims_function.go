package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
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
			"header, payload, signature) fails with an error that names what is wrong without showing the value. " +
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
	claims := jwt.MapClaims{}
	// JSON numbers stay json.Number, so large integers keep every digit.
	parser := jwt.NewParser(jwt.WithJSONNumber())
	_, parts, err := parser.ParseUnverified(token, claims)
	if err != nil {
		return nil, describeParseError(token, err)
	}
	// With json.Number the library decodes the payload with a json.Decoder,
	// which stops after the first value: `{}` followed by anything, or
	// `null`, would pass as an empty claim set.
	if payload, err := parser.DecodeSegment(parts[1]); err != nil || !json.Valid(payload) || !bytes.HasPrefix(bytes.TrimLeft(payload, " \t\r\n"), []byte("{")) {
		return nil, claimsError("the payload (second part) is not a JSON object")
	}
	return claimsValue(map[string]any(claims), 0)
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

// claimsValue converts decoded JSON (with json.Number) to a Terraform value
// of the types jsondecode would give: objects, tuples, numbers, strings,
// bools and nulls.
func claimsValue(v any, depth int) (attr.Value, error) {
	if depth > maxClaimsDepth {
		return nil, claimsError(fmt.Sprintf("the payload (second part) is nested more than %d levels deep", maxClaimsDepth))
	}
	switch v := v.(type) {
	case nil:
		return types.DynamicNull(), nil
	case bool:
		return types.BoolValue(v), nil
	case string:
		return types.StringValue(v), nil
	case json.Number:
		// cty's precision (cty.ParseNumberVal): every digit of a JSON number.
		f, _, err := big.ParseFloat(string(v), 10, 512, big.ToNearestEven)
		if err != nil {
			// Only for exponents beyond big.Float's range.
			return nil, claimsError("the payload (second part) holds a number out of range")
		}
		return types.NumberValue(f), nil
	case []any:
		elemTypes := make([]attr.Type, len(v))
		elems := make([]attr.Value, len(v))
		for i, e := range v {
			ev, err := claimsValue(e, depth+1)
			if err != nil {
				return nil, err
			}
			elems[i], elemTypes[i] = ev, ev.Type(context.Background())
		}
		tuple, diags := types.TupleValue(elemTypes, elems)
		if diags.HasError() {
			return nil, claimsError("the payload (second part) could not be converted")
		}
		return tuple, nil
	case map[string]any:
		attrTypes := make(map[string]attr.Type, len(v))
		attrs := make(map[string]attr.Value, len(v))
		for k, e := range v {
			ev, err := claimsValue(e, depth+1)
			if err != nil {
				return nil, err
			}
			attrs[k], attrTypes[k] = ev, ev.Type(context.Background())
		}
		obj, diags := types.ObjectValue(attrTypes, attrs)
		if diags.HasError() {
			return nil, claimsError("the payload (second part) could not be converted")
		}
		return obj, nil
	default:
		return nil, claimsError("the payload (second part) holds a value JSON does not have")
	}
}
