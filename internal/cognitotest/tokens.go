package cognitotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// signingKey is one RSA key of the pool. Cognito publishes two keys per pool
// (one signs ID tokens, the other access tokens), so consumers that cache a
// single key break against the real service; the double does the same.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

func newSigningKey() (signingKey, error) {
	k, err := keySupply.next()
	if err != nil {
		return signingKey{}, err
	}
	// Real kids are standard base64 of a 32-byte digest (they contain + / =).
	sum := sha256.Sum256(k.N.Bytes())
	return signingKey{kid: base64.StdEncoding.EncodeToString(sum[:]), priv: k}, nil
}

// keySupply hands out 2048-bit RSA keys like Cognito's, each the product
// of a pair of primes no other key of the process uses together: every
// pool keeps keys of its own (a token of one pool does not verify with
// another's JWKS), but a test run that starts hundreds of pools generates
// a few dozen primes instead of two per key, which was most of a unit-test
// run's CPU. Keys that share primes are worthless outside a test double.
var keySupply primePairs

type primePairs struct {
	mu     sync.Mutex
	primes []*big.Int
	i, j   int // the next pair: primes[i] and primes[j], i < j
}

func (s *primePairs) next() (*rsa.PrivateKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.j == 0 {
		s.j = 1
	}
	for len(s.primes) <= s.j {
		p, err := rsaPrime()
		if err != nil {
			return nil, err
		}
		s.primes = append(s.primes, p)
	}
	p, q := s.primes[s.i], s.primes[s.j]
	if s.i++; s.i == s.j {
		s.i, s.j = 0, s.j+1
	}
	return rsaKeyFromPrimes(p, q)
}

// rsaPrime is a 1024-bit prime p with gcd(65537, p-1) = 1; rand.Prime sets
// the top two bits, so the product of two is a 2048-bit modulus.
func rsaPrime() (*big.Int, error) {
	for {
		p, err := rand.Prime(rand.Reader, 1024)
		if err != nil {
			return nil, err
		}
		if new(big.Int).Mod(new(big.Int).Sub(p, big.NewInt(1)), big.NewInt(65537)).Sign() != 0 {
			return p, nil
		}
	}
}

func rsaKeyFromPrimes(p, q *big.Int) (*rsa.PrivateKey, error) {
	one := big.NewInt(1)
	phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
	k := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: 65537},
		D:         new(big.Int).ModInverse(big.NewInt(65537), phi),
		Primes:    []*big.Int{p, q},
	}
	if err := k.Validate(); err != nil {
		return nil, err
	}
	k.Precompute()
	return k, nil
}

type jwk struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

type jwkSet struct {
	Keys []jwk `json:"keys"`
}

func marshalJWKS(keys ...signingKey) []byte {
	var set jwkSet
	for _, k := range keys {
		pub := k.priv.PublicKey
		set.Keys = append(set.Keys, jwk{
			Alg: "RS256", Kty: "RSA", Use: "sig", Kid: k.kid,
			E: b64url.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
			N: b64url.EncodeToString(pub.N.Bytes()),
		})
	}
	b, _ := json.Marshal(set)
	return b
}

// signJWT produces a compact RS256 JWT with golang-jwt. Cognito's header
// carries only kid and alg (no typ), so the library's default header is
// replaced.
func signJWT(k signingKey, claims map[string]any) (string, error) {
	token := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims(claims))
	token.Header = map[string]any{"kid": k.kid, "alg": jwt.SigningMethodRS256.Alg()}
	return token.SignedString(k.priv)
}

// VerifyJWT checks token's RS256 signature against a JWKS document and returns
// its claims. It checks only the signature and structure, not exp/iss/aud:
// callers assert those themselves (numbers come back as float64).
func VerifyJWT(token string, jwks []byte) (map[string]any, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return publicKeyFromJWKS(jwks, kid)
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithStrictDecoding(),
		jwt.WithoutClaimsValidation(),
	)
	if err != nil {
		return nil, fmt.Errorf("jwt: %w", err)
	}
	return claims, nil
}

// publicKeyFromJWKS finds kid's RSA key in a JWKS document (RFC 7517: n and
// e are unpadded base64url big-endian integers). golang-jwt reads no JWKS, and
// this is too small to take a JWKS library into the provider's go.mod for.
func publicKeyFromJWKS(jwks []byte, kid string) (*rsa.PublicKey, error) {
	var set jwkSet
	if err := json.Unmarshal(jwks, &set); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	for _, k := range set.Keys {
		if k.Kid != kid {
			continue
		}
		if k.Kty != "RSA" {
			return nil, fmt.Errorf("jwks: key %q is %s, want RSA", kid, k.Kty)
		}
		n, err1 := b64url.DecodeString(k.N)
		e, err2 := b64url.DecodeString(k.E)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("jwks: key %q: %w", kid, err)
		}
		exp := new(big.Int).SetBytes(e)
		if !exp.IsInt64() || exp.Int64() < 3 || exp.Int64() > 1<<31-1 {
			return nil, fmt.Errorf("jwks: key %q: bad exponent", kid)
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}, nil
	}
	return nil, fmt.Errorf("jwks: no key with kid %q", kid)
}

// jweHeader is the protected header real Cognito refresh tokens carry.
var jweHeader = b64url.EncodeToString([]byte(`{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`))

// newRefreshToken shapes an opaque token like Cognito's 5-part JWE (header,
// 256-byte encrypted key, 12-byte IV, ciphertext, 16-byte tag). All parts but
// the header are random: the server looks tokens up, it never decrypts them.
func newRefreshToken() string {
	return strings.Join([]string{
		jweHeader,
		b64url.EncodeToString(randomBytes(256)),
		b64url.EncodeToString(randomBytes(12)),
		b64url.EncodeToString(randomBytes(600)),
		b64url.EncodeToString(randomBytes(16)),
	}, ".")
}
