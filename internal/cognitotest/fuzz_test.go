package cognitotest

// Fuzz targets for the double's JWT handling (VerifyJWT, which the
// acceptance tests trust to tell a real token from anything else). Seeds run
// as unit tests; corpora in testdata/fuzz/.

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
)

// fuzzKeyPEM is a fixed test-only key: the fuzzing engine runs the target
// in worker processes that must all see the same key as the seeds.
const fuzzKeyPEM = `-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAu6PXAvz4/SzqHkAadf8ILTbyeHpDTBvHklBR80Mmne6Mnc7e
nIu3Yr6BiPunl4sWeH7V1KBo/XvuhoQubPIJF4CN22+7LEygxo6mgVMtWBSccMlt
EeuALfA8f8wtYBerN8Cou/2u9SjpQig7EkB0RyuRpjmmElu+0Z9iBlBieEXJhqTe
tmmrGsTHF0ZuIM1sMAXxVfCnkYEyFWtjrIotCySthjj0zIkWdKYhiCRIenwuyiyt
0y7VhtkXKEaOmU2C2YFnU5DWLO49r0txjbVF0a2iWYMqKLJ3E1IpVa0zx087TFem
GkAiRWOP0DVk7yKGovPEDH/427o9rPxot887jwIDAQABAoIBAAFaz6NuDSQoI1vq
4uYFhzBrDE7HXzNY+KoQmg7eEL96KJoTvh1g5Ybj0OPwITJ3EXH27yH1CIev/IsM
au4OxKGz+WeOA8rFljGTd8CeR55dA7t4ENQHdb+fKOipTOM74y4TXi8r8ovtlYWM
lySXbN9+ATQIiC+WFFIcyvnjBwWkRCzqQ4KvBIkaH74V7gBqgmiOVCyWMcwAKg+X
38GyGm65wHCcwavoLcryGGf9R83fu5fSjemOGVKbcIFR/CC47aUI6/NkhYcssKd9
HLbpf9qolSHuxHXhAxCO7gSQ7Zj/luiKdIjy/lTXBRz9d8gZn0bGOgeAC0CCixyc
d6tK1r0CgYEA6W7Agqy9Epccv1U/9ia3CAYFuNfwoXCBgYWBx/mErSON3rweIczg
1300Ylj8AgsTEmVK6AnmRWuz1TgaHiwt5IrsphJywteNOMXSgh7tKmmVrYFkP4kb
DkvuIBAJ+94jnEhv2cA/lNSfo/BKfxsPibI36hCtZ2Etr4PW7bb+DJ0CgYEAzcfC
8h0LyiJ0Q+E40/I8igBNje5tGwiVQLLvR7X7mfeKRkBlJzi6LCSubEUO9UlWdolp
iSGObDItlTUSIwlFpynvYtqbMBUl9WVQyehmIDDDCWU0b3Vn1CLrQQA74dXz2tHA
zXxAmoP2Wmu7OtMLTMySqKBwJMqkkMhCGAiRUxsCgYBEAoaIC/fSMMCpZhcKimEN
L2P/ZLqw7mxs5g7XynTDVPaCjGBjDKP9ZHccqDxUBBH8bBKU5D14wFZWqs/BNrHw
QiGMiRdyeQamIcyhKI2Eq9p2AJrKgBGn6qtoIAQoo6HQaLJdyMs9e20/gETUH3g5
b/kmctFyqzd6SXkXLRd7aQKBgQCX2WYg1ZBCnAQhpwwRUrqbtzeDmcKHZWEF+kSa
LU85wbIWvyQlujWfp33SxW8RUAnutN3c5Jc9fhWm+h+lHQ16GnbdAqXr6F83Y4kn
RUg/TtxNjZIRAZkZsJ7bO3n037Xv7kKRH7RokSJ0fPUPpna7OGas6p92dtbTRAOJ
yqC6qwKBgQCEQuMFS4xMizzmyL+vO55pH/bkKn2s2xLNphIb3KUPpZWcIHr2o+WH
HLV/Lgf1Ra5LPnCIv3P0mEs6yte3uf0IiecpGqkVzh5RfxykaZgpOO6fT98ypr8g
QChF7DsmhZ1RgR5Yij9xgFHokn4+Nf6rkTOmjGGrlBWxJ62YDB7I7w==
-----END RSA PRIVATE KEY-----`

func fixedSigningKey(f *testing.F) signingKey {
	block, _ := pem.Decode([]byte(fuzzKeyPEM))
	if block == nil {
		f.Fatal("bad fuzzKeyPEM")
	}
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	sum := sha256.Sum256(priv.N.Bytes())
	return signingKey{kid: base64.StdEncoding.EncodeToString(sum[:]), priv: priv}
}

// FuzzVerifyJWT: no token and no key set makes VerifyJWT panic, and only a
// token signed by the key verifies: changing the signed part of a valid
// token always fails. golang-jwt does the JWS work, so this checks what is
// ours: the options (RS256 only, strict base64url) and the JWKS keyfunc.
func FuzzVerifyJWT(f *testing.F) {
	key := fixedSigningKey(f)
	jwks := marshalJWKS(key)
	valid, err := signJWT(key, map[string]any{"sub": "alice", "token_use": "access", "exp": 1767225600})
	if err != nil {
		f.Fatal(err)
	}
	validParts := strings.Split(valid, ".")
	f.Add(valid, string(jwks))
	f.Add(valid, `{"keys":[]}`)
	f.Add(valid, `{"keys":[{"kty":"RSA","kid":"`+key.kid+`","n":"","e":"AQAB"}]}`)
	f.Add(valid, `{"keys":[{"kty":"RSA","kid":"`+key.kid+`","n":"AA","e":"AA"}]}`)
	f.Add(valid, `{"keys":[{"kty":"RSA","kid":"`+key.kid+`","n":"_w","e":"AQAB"}]}`)
	f.Add(valid, `{"keys":[{"kty":"EC","kid":"`+key.kid+`"}]}`)
	f.Add(valid, `not json`)
	f.Add("", string(jwks))
	f.Add("a.b.c", string(jwks))
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.", string(jwks))
	f.Add(validParts[0]+"."+validParts[1]+".", string(jwks))
	f.Add(validParts[0]+".e30."+validParts[2], string(jwks))
	f.Add("eyJhbGciOiJIUzI1NiIsImtpZCI6IngifQ.e30.c2ln", string(jwks))
	f.Fuzz(func(t *testing.T, token, set string) {
		claims, err := VerifyJWT(token, []byte(set))
		if err != nil {
			if claims != nil {
				t.Fatal("claims returned with an error")
			}
			return
		}
		if set != string(jwks) {
			// Another key set can verify only tokens made for it; the
			// fuzzer cannot sign, so it must contain our key.
			if !strings.Contains(set, key.kid) {
				t.Fatalf("a token verified against a key set without our key: %q", set)
			}
		}
		parts := strings.Split(token, ".")
		if len(parts) != 3 || parts[0] != validParts[0] || parts[1] != validParts[1] {
			t.Fatalf("a token that was not signed by the key verifies: %q", token)
		}
		if claims["sub"] != "alice" {
			t.Fatalf("claims of a verified token are wrong: %v", claims)
		}
		// A second opinion written without VerifyJWT's code: an RS256
		// signature by the key over header.payload, in unpadded base64url.
		signature, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
		if err != nil {
			t.Fatalf("a token with a malformed signature verifies: %q", token)
		}
		digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if rsa.VerifyPKCS1v15(&key.priv.PublicKey, crypto.SHA256, digest[:], signature) != nil {
			t.Fatalf("a token whose signature crypto/rsa rejects verifies: %q", token)
		}
	})
}
