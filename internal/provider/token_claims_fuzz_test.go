package provider

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// echoWindow is the shortest run of the input that counts as an echo.
const echoWindow = 8

// FuzzTokenClaims: the function never panics; it fails only with an error on
// the token argument that shows no run of the input (or of its decoded
// parts) beyond what its fixed wording holds anyway; and it succeeds exactly
// when the input has three parts whose payload is base64url of a JSON object
// and whose header names a signing algorithm other than "none", with one
// attribute per key; a repeated key or an infinite number is refused.
func FuzzTokenClaims(f *testing.F) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	header := enc(testHeader)
	for _, seed := range []string{
		jwtOf(testHeader, `{"sub":"5f0c3b9e","cognito:groups":["admins"],"scope":"openid platform/deploy","exp":1700000000}`),
		jwtOf(testHeader, `{"big":1e400,"n":null,"nested":{"a":[1,"b",{"c":true}]}}`),
		jwtOf(testHeader, `{"a":1,"a":2}`),
		jwtOf(testHeader, `{"ключ":"значение ✓"}`),
		jwtOf(testHeader, `{} trailing`),
		jwtOf(testHeader, `null`),
		jwtOf(`{"alg":"none"}`, `{"sub":"x"}`),
		enc(`{"alg":"none"}`) + "." + enc(`{"sub":"x"}`) + ".",
		jwtOf(`{"alg":"none","alg":"RS256"}`, `{"sub":"x"}`),
		jwtOf(testHeader, `{"a":{"b":1,"b":"1"}}`),
		jwtOf(testHeader, `{"exp":1e1000000000}`),
		jwtOf(testHeader, `{"exp":-1e1000000000}`),
		jwtOf(testHeader, `{"n":1e-1000000}`),
		jwtOf(testHeader, `{"n":`+strings.Repeat("7", maxNumberDigits+1)+`}`),
		jwtOf(`{}`, `{"sub":"x"}`),
		header + "." + enc(`{"sub":"secret-value-here"}`),
		header + ".c2VjcmV0LXZhbHVlLWhlcmU.sig.x.y",
		header + ".!!!.sig",
		"Bearer " + header + ".e30.c2ln",
		" " + header + ".e30.c2ln",
		"", ".", "..", "....", "a.b.c", "eyJ.eyJ.eyJ", "\xff\xfe.\x00.\x01",
	} {
		f.Add(seed)
	}
	var canonical strings.Builder
	for _, other := range canonicalBrokenTokens() {
		if _, e := runTokenClaims(other); e != nil {
			canonical.WriteString(e.Text + "\n")
		}
	}
	f.Fuzz(func(t *testing.T, token string) {
		if len(token) > 1<<16 {
			return // size limits are unit-tested; long inputs only slow the engine
		}
		result, ferr := runTokenClaims(token)
		wantOK, keys := independentlyAJWT(token)
		if ferr == nil {
			obj, ok := result.(types.Object)
			if !ok {
				t.Fatalf("result is %T, want an object", result)
			}
			if !wantOK || len(obj.Attributes()) != keys {
				t.Fatalf("accepted with %d claims; independently: a JWT = %v with %d keys", len(obj.Attributes()), wantOK, keys)
			}
			return
		}
		if ferr.FunctionArgument == nil || *ferr.FunctionArgument != 0 || ferr.Text == "" {
			t.Fatalf("error %+v is not a complete error on the token argument", ferr)
		}
		if wantOK && !documentedRefusal.MatchString(ferr.Text) {
			t.Fatalf("rejected a JWT (%s)", ferr.Text)
		}
		// Fixed wording: what the function says about a same-length input
		// of other bytes (dots kept, so parts count the same) and about
		// canonical broken inputs. A run of the input found in the error
		// but in none of these came from the input.
		filler := strings.Map(func(r rune) rune {
			if r == '.' {
				return '.'
			}
			return '\x01'
		}, token)
		var fixed strings.Builder
		fixed.WriteString(canonical.String())
		for _, other := range []string{filler, strings.Repeat("\x01", len(token))} {
			if _, e := runTokenClaims(other); e != nil {
				fixed.WriteString(e.Text + "\n")
			}
		}
		for _, source := range append([]string{token}, decodedParts(token)...) {
			for i := 0; i+echoWindow <= len(source); i++ {
				window := source[i : i+echoWindow]
				if strings.Contains(ferr.Text, window) && !strings.Contains(fixed.String(), window) {
					t.Fatalf("the error echoes %q of the input: %s", window, ferr.Text)
				}
			}
		}
	})
}

// independentlyAJWT decides without golang-jwt whether token is a compact
// JWS with a JSON-object header and payload, and counts the payload's keys.
func independentlyAJWT(token string) (bool, int) {
	if strings.TrimSpace(token) != token || strings.HasPrefix(strings.ToLower(token), "bearer ") {
		return false, 0
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false, 0
	}
	var decoded [3][]byte
	for i, p := range parts {
		b, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil {
			return false, 0
		}
		decoded[i] = b
	}
	var header struct {
		Alg any `json:"alg"`
	}
	var claims map[string]json.RawMessage
	if json.Unmarshal(decoded[0], &header) != nil || header.Alg == nil || header.Alg == "none" ||
		!bytes.HasPrefix(bytes.TrimSpace(decoded[0]), []byte("{")) ||
		json.Unmarshal(decoded[1], &claims) != nil || claims == nil ||
		!uniqueFiniteJSON(decoded[0]) || !uniqueFiniteJSON(decoded[1]) {
		return false, 0
	}
	return true, len(claims)
}

// uniqueFiniteJSON: no object in data repeats a key, and no number is
// infinite at big.Float's range: a scan of encoding/json's tokens that keeps
// the keys seen per open object.
func uniqueFiniteJSON(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type level struct {
		keys     map[string]bool
		wantsKey bool
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return true // syntax is the other checks' business
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.keys != nil && top.wantsKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			key, _ := tok.(string)
			if top.keys[key] {
				return false
			}
			top.keys[key], top.wantsKey = true, false
			continue
		}
		if top != nil && top.keys != nil {
			top.wantsKey = true
		}
		switch tok := tok.(type) {
		case json.Number:
			if f, _, err := big.ParseFloat(string(tok), 10, 64, big.ToNearestEven); err == nil && f.IsInf() {
				return false
			}
		case json.Delim:
			switch tok {
			case '{':
				stack = append(stack, &level{keys: map[string]bool{}, wantsKey: true})
			case '[':
				stack = append(stack, &level{})
			default:
				stack = stack[:len(stack)-1]
			}
		}
	}
}

// documentedRefusal: the function's description and docs name these limits
// on otherwise well-formed JWTs.
var documentedRefusal = regexp.MustCompile(`nested more than \d+ levels|signing algorithm|holds a number|repeats a key`)

// decodedParts are the input's dot-separated parts decoded as base64url,
// where they decode to valid UTF-8 (the only text an error could carry).
func decodedParts(token string) []string {
	var out []string
	for p := range strings.SplitSeq(token, ".") {
		if b, err := base64.RawURLEncoding.DecodeString(p); err == nil && utf8.Valid(b) {
			out = append(out, string(b))
		}
	}
	return out
}

func canonicalBrokenTokens() []string {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	h, p := enc(testHeader), enc(`{"a":1}`)
	return []string{
		"", " x", "Bearer x", "x", "x.x", "x.x.x.x", "x.x.x.x.x", "x.x.x.x.x.x",
		"=." + p + ".s", enc("x") + "." + p + ".s", h + ".=.s", h + "." + enc("x") + ".s",
		enc("{}") + "." + p + ".s", enc(`{"alg":"x"}`) + "." + p + ".s", h + "." + p + ".=",
		h + "." + enc(strings.Repeat("[", maxClaimsDepth+2)+strings.Repeat("]", maxClaimsDepth+2)) + ".s",
	}
}
