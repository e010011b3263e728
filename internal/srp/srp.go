// Package srp is the client side of SRP-6a exactly as Amazon Cognito user
// pools use it for USER_SRP_AUTH and the PASSWORD_VERIFIER challenge, plus
// the SECRET_HASH of app clients that have a secret.
//
// Cognito publishes no specification of its SRP variant; the reference is
// the AuthenticationHelper and CognitoUser of amazon-cognito-identity-js,
// which this package follows step for step (the 3072-bit group of RFC 5054,
// g = 2, Java-style two's-complement hex padding, HKDF with the info
// "Caldera Derived Key"). The vectors in the tests come from that library,
// printed by dev/srpvectors.
//
// The primitives the server needs too (X, U, AuthenticationKey,
// ClaimSignature) are exported so that the Cognito double derives its side
// with the same padding rules; the double's own math is checked against the
// JS client by the same script.
package srp

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"strings"
	"time"
)

// nHex is the 3072-bit MODP group of RFC 5054 appendix A (the same as RFC
// 3526 group 15), the initN of amazon-cognito-identity-js.
const nHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
	"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
	"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
	"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
	"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
	"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
	"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

var (
	groupN = mustHex(nHex)
	groupG = big.NewInt(2)
	// k = H(pad(N) || pad(g)), as the JS constructor derives it: not the
	// RFC 5054 padding to the length of N.
	groupK = hashInts(groupN, groupG)
)

// smallASize is the length of the client's secret a: the JS client draws
// 128 random bytes.
const smallASize = 128

// infoBits is the HKDF info string of the JS client.
const infoBits = "Caldera Derived Key"

// Errors are bare conditions: the caller words them.
var (
	ErrMalformedHex  = errors.New("not a hexadecimal integer")
	ErrBZero         = errors.New("SRP_B mod N is zero")
	ErrAZero         = errors.New("SRP_A mod N is zero")
	ErrUZero         = errors.New("u is zero")
	ErrSecretBlock   = errors.New("SECRET_BLOCK is not base64")
	ErrShortRandom   = errors.New("random source ran dry")
	ErrPoolIDNoUnder = errors.New("user pool ID has no underscore")
)

// N returns the group's prime (a fresh copy).
func N() *big.Int { return new(big.Int).Set(groupN) }

// G returns the group's generator, 2.
func G() *big.Int { return new(big.Int).Set(groupG) }

// K returns the multiplier k = H(pad(N) || pad(g)).
func K() *big.Int { return new(big.Int).Set(groupK) }

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad constant")
	}
	return n
}

// ParseHex reads an SRP integer as Cognito sends it (SRP_B, SALT, SRP_A):
// unsigned hexadecimal digits, either case, any length. Unlike jsbn, which
// skips characters it does not know, anything else is refused.
func ParseHex(s string) (*big.Int, error) {
	if s == "" {
		return nil, ErrMalformedHex
	}
	for i := 0; i < len(s); i++ {
		if !isHexDigit(s[i]) {
			return nil, ErrMalformedHex
		}
	}
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		return nil, ErrMalformedHex
	}
	return n, nil
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Pad is the JS client's padHex for a non-negative integer, as bytes: the
// minimal big-endian encoding with a leading zero byte when the top bit is
// set (Java's BigInteger.toByteArray). Zero is one zero byte.
func Pad(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// PadHex is Pad as lowercase hex, the form the JS client sends SRP_A in.
func PadHex(n *big.Int) string { return hex.EncodeToString(Pad(n)) }

func hashInts(a, b *big.Int) *big.Int {
	h := sha256.New()
	h.Write(Pad(a))
	h.Write(Pad(b))
	return new(big.Int).SetBytes(h.Sum(nil))
}

// U is the scrambling parameter u = H(pad(A) || pad(B)).
func U(a, b *big.Int) *big.Int { return hashInts(a, b) }

// X is the private key x = H(pad(salt) || H(poolName || userID || ":" ||
// password)).
func X(poolName, userIDForSRP, password string, salt *big.Int) *big.Int {
	inner := sha256.Sum256([]byte(poolName + userIDForSRP + ":" + password))
	h := sha256.New()
	h.Write(Pad(salt))
	h.Write(inner[:])
	return new(big.Int).SetBytes(h.Sum(nil))
}

// AuthenticationKey is the 16-byte HKDF-SHA256 of pad(S), salted with
// pad(u), with the info "Caldera Derived Key".
func AuthenticationKey(s, u *big.Int) []byte {
	key, err := hkdf.Key(sha256.New, Pad(s), Pad(u), infoBits, 16)
	if err != nil {
		// Only a length above 255 blocks fails; 16 bytes is one.
		panic(err)
	}
	return key
}

// ClaimSignature is PASSWORD_CLAIM_SIGNATURE: base64 of HMAC-SHA256 under
// the authentication key over poolName || userIDForSRP || secretBlock ||
// timestamp.
func ClaimSignature(key []byte, poolName, userIDForSRP string, secretBlock []byte, timestamp string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolName))
	m.Write([]byte(userIDForSRP))
	m.Write(secretBlock)
	m.Write([]byte(timestamp))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// timestampLayout is the JS DateHelper.getNowString format
// "ddd MMM D HH:mm:ss UTC YYYY": the day of the month is not padded.
const timestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// Timestamp formats t as the TIMESTAMP challenge response.
func Timestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// ParseTimestamp reads a TIMESTAMP challenge response.
func ParseTimestamp(s string) (time.Time, error) {
	return time.Parse(timestampLayout, s)
}

// PoolName is the part of a user pool ID after the underscore
// ("us-east-1_AbC" -> "AbC"), which the JS client's getUserPoolName takes
// as the pool name SRP hashes.
func PoolName(userPoolID string) (string, error) {
	_, name, ok := strings.Cut(userPoolID, "_")
	if !ok {
		return "", ErrPoolIDNoUnder
	}
	// split('_')[1]: stop at a second underscore.
	name, _, _ = strings.Cut(name, "_")
	return name, nil
}

// SecretHash is the SECRET_HASH parameter of an app client with a secret:
// base64(HMAC-SHA256(clientSecret, username || clientID)) (Cognito
// developer guide, "Computing secret hash values").
func SecretHash(clientSecret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username))
	m.Write([]byte(clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Client is one SRP sign-in attempt: its secret a and public A.
type Client struct {
	a, bigA *big.Int
}

// NewClient draws a from random (128 bytes, as the JS client does) and
// computes A = g^a mod N.
func NewClient(random io.Reader) (*Client, error) {
	buf := make([]byte, smallASize)
	if _, err := io.ReadFull(random, buf); err != nil {
		return nil, ErrShortRandom
	}
	return newClient(new(big.Int).SetBytes(buf))
}

func newClient(a *big.Int) (*Client, error) {
	bigA := new(big.Int).Exp(groupG, a, groupN)
	if bigA.Sign() == 0 {
		return nil, ErrAZero
	}
	return &Client{a: a, bigA: bigA}, nil
}

// SRPA is the SRP_A authentication parameter: A in hex, as the JS client
// sends it (largeAValue.toString(16), no padding).
func (c *Client) SRPA() string { return c.bigA.Text(16) }

// Claim is the answer to a PASSWORD_VERIFIER challenge.
type Claim struct {
	// Signature is PASSWORD_CLAIM_SIGNATURE.
	Signature string
	// Timestamp is TIMESTAMP, the time the signature covers.
	Timestamp string
}

// PasswordClaim answers a PASSWORD_VERIFIER challenge from its parameters
// (USER_ID_FOR_SRP, SALT, SRP_B, SECRET_BLOCK) and the user's password,
// signing at now. poolName is PoolName of the user pool ID.
func (c *Client) PasswordClaim(poolName, userIDForSRP, password, saltHex, srpBHex, secretBlockB64 string, now time.Time) (Claim, error) {
	bigB, err := ParseHex(srpBHex)
	if err != nil {
		return Claim{}, err
	}
	salt, err := ParseHex(saltHex)
	if err != nil {
		return Claim{}, err
	}
	secretBlock, err := base64.StdEncoding.DecodeString(secretBlockB64)
	if err != nil {
		return Claim{}, ErrSecretBlock
	}
	key, err := c.authenticationKey(poolName, userIDForSRP, password, salt, bigB)
	if err != nil {
		return Claim{}, err
	}
	ts := Timestamp(now)
	return Claim{
		Signature: ClaimSignature(key, poolName, userIDForSRP, secretBlock, ts),
		Timestamp: ts,
	}, nil
}

// authenticationKey is getPasswordAuthenticationKey: S = (B - k g^x)^(a +
// u x) mod N, then the HKDF.
func (c *Client) authenticationKey(poolName, userIDForSRP, password string, salt, bigB *big.Int) ([]byte, error) {
	if new(big.Int).Mod(bigB, groupN).Sign() == 0 {
		return nil, ErrBZero
	}
	u := U(c.bigA, bigB)
	if u.Sign() == 0 {
		return nil, ErrUZero
	}
	x := X(poolName, userIDForSRP, password, salt)
	s := clientS(c.a, x, u, bigB)
	return AuthenticationKey(s, u), nil
}

func clientS(a, x, u, bigB *big.Int) *big.Int {
	gx := new(big.Int).Exp(groupG, x, groupN)
	base := new(big.Int).Mul(groupK, gx)
	base.Sub(bigB, base)
	base.Mod(base, groupN) // Go's Mod is Euclidean: never negative
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, a)
	return base.Exp(base, exp, groupN)
}
