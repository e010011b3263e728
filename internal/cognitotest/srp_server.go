package cognitotest

// The server side of Cognito's SRP (USER_SRP_AUTH, PASSWORD_VERIFIER).
// Cognito publishes no specification of it; the client it must agree with
// is amazon-cognito-identity-js's AuthenticationHelper, and
// dev/srpvectors/vectors.js checks this code against that client (vectors
// pinned in srp_server_test.go). The padding and hashing rules are
// internal/srp's, which follows the same client.

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"io"
	"math/big"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/srp"
)

const (
	// srpSaltSize and srpSmallBSize follow the JS client's own draws for
	// the same roles (16-byte device salt, 128-byte secret exponent).
	srpSaltSize   = 16
	srpSmallBSize = 128
	// srpSecretBlockSize: Cognito's SECRET_BLOCK is an opaque blob the
	// client echoes back; only its echo matters here.
	srpSecretBlockSize = 96
)

var (
	errSRPRandom        = errors.New("srp: random source ran dry")
	errSRPAMalformed    = errors.New("srp: SRP_A is not hexadecimal")
	errSRPAZero         = errors.New("srp: SRP_A mod N is zero")
	errSRPSecretBlock   = errors.New("srp: PASSWORD_CLAIM_SECRET_BLOCK is not the one issued")
	errSRPTimestamp     = errors.New("srp: TIMESTAMP is not in Cognito's format")
	errSRPClaimMismatch = errors.New("srp: PASSWORD_CLAIM_SIGNATURE does not match")
)

// srpVerifier is what the pool keeps of a password: a salt and v = g^x.
type srpVerifier struct {
	salt     *big.Int
	verifier *big.Int
}

// newSRPVerifier salts and derives the verifier of a user's password.
// poolName is the part of the pool ID after the underscore and
// userIDForSRP the USER_ID_FOR_SRP the challenge will name.
func newSRPVerifier(poolName, userIDForSRP, password string, random io.Reader) (srpVerifier, error) {
	salt := make([]byte, srpSaltSize)
	if _, err := io.ReadFull(random, salt); err != nil {
		return srpVerifier{}, errSRPRandom
	}
	return srpVerifierWithSalt(poolName, userIDForSRP, password, new(big.Int).SetBytes(salt)), nil
}

func srpVerifierWithSalt(poolName, userIDForSRP, password string, salt *big.Int) srpVerifier {
	x := srp.X(poolName, userIDForSRP, password, salt)
	return srpVerifier{salt: salt, verifier: new(big.Int).Exp(srp.G(), x, srp.N())}
}

// srpChallenge is one PASSWORD_VERIFIER challenge in flight: the client's
// A, the server's b and B, and the secret block issued with them.
type srpChallenge struct {
	verifier    srpVerifier
	bigA        *big.Int
	b, bigB     *big.Int
	secretBlock []byte
}

// startSRPChallenge answers InitiateAuth's SRP_A with a fresh b and secret
// block drawn from random.
func (v srpVerifier) startSRPChallenge(srpAHex string, random io.Reader) (*srpChallenge, error) {
	buf := make([]byte, srpSmallBSize+srpSecretBlockSize)
	if _, err := io.ReadFull(random, buf); err != nil {
		return nil, errSRPRandom
	}
	return v.srpChallengeWith(srpAHex, new(big.Int).SetBytes(buf[:srpSmallBSize]), buf[srpSmallBSize:])
}

// srpChallengeWith is startSRPChallenge with b and the secret block given.
// The client refuses a B that is zero mod N; with a random 1024-bit b that
// cannot happen in practice, and a b that gives it is refused here too.
func (v srpVerifier) srpChallengeWith(srpAHex string, b *big.Int, secretBlock []byte) (*srpChallenge, error) {
	bigA, err := srp.ParseHex(srpAHex)
	if err != nil {
		return nil, errSRPAMalformed
	}
	n := srp.N()
	// SRP-6a: the server aborts when A mod N is zero, or any password
	// would verify.
	if new(big.Int).Mod(bigA, n).Sign() == 0 {
		return nil, errSRPAZero
	}
	// B = (k v + g^b) mod N
	bigB := new(big.Int).Mul(srp.K(), v.verifier)
	bigB.Add(bigB, new(big.Int).Exp(srp.G(), b, n))
	bigB.Mod(bigB, n)
	if bigB.Sign() == 0 {
		return nil, srp.ErrBZero
	}
	return &srpChallenge{verifier: v, bigA: bigA, b: b, bigB: bigB, secretBlock: secretBlock}, nil
}

// Parameters the challenge sends (SALT, SRP_B, SECRET_BLOCK), in the
// client's encodings: hex integers and standard base64.
func (c *srpChallenge) saltHex() string { return c.verifier.salt.Text(16) }
func (c *srpChallenge) srpBHex() string { return c.bigB.Text(16) }
func (c *srpChallenge) secretBlockB64() string {
	return base64.StdEncoding.EncodeToString(c.secretBlock)
}

// verifyClaim checks a PASSWORD_VERIFIER answer: the echoed secret block,
// the timestamp's format, and the signature under the key the server
// derives from S = (A v^u)^b mod N. Whether the timestamp is recent enough
// is the caller's rule, not the math's.
func (c *srpChallenge) verifyClaim(poolName, userIDForSRP, secretBlockB64, timestamp, signatureB64 string) error {
	block, err := base64.StdEncoding.DecodeString(secretBlockB64)
	if err != nil || !hmac.Equal(block, c.secretBlock) {
		return errSRPSecretBlock
	}
	if _, err := srp.ParseTimestamp(timestamp); err != nil {
		return errSRPTimestamp
	}
	n := srp.N()
	u := srp.U(c.bigA, c.bigB)
	s := new(big.Int).Exp(c.verifier.verifier, u, n)
	s.Mul(s, c.bigA)
	s.Mod(s, n)
	s.Exp(s, c.b, n)
	key := srp.AuthenticationKey(s, u)
	want := srp.ClaimSignature(key, poolName, userIDForSRP, c.secretBlock, timestamp)
	if !hmac.Equal([]byte(want), []byte(signatureB64)) {
		return errSRPClaimMismatch
	}
	return nil
}
