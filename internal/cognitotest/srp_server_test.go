package cognitotest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/srp"
)

// srpJSServerCase is the "server" case of testdata/srp_jsvectors.json,
// printed by dev/srpvectors/vectors.js with amazon-cognito-identity-js@6.3.21
// under Node 20: the script derives v and B from a fixed salt and b, the
// library's own CognitoUser signs the PASSWORD_VERIFIER challenge, and the
// script checks its server S against the library's client S. Here the
// double must derive the same v and B and accept the library's signature.
type srpJSServerCase struct {
	PoolName     string `json:"poolName"`
	UserIDForSRP string `json:"userIdForSrp"`
	Password     string `json:"password"`
	Salt         string `json:"salt"`
	SmallB       string `json:"smallB"`
	Verifier     string `json:"verifier"`
	SRPB         string `json:"srpB"`
	SRPA         string `json:"srpA"`
	SecretBlock  string `json:"secretBlock"`
	Timestamp    string `json:"timestamp"`
	Signature    string `json:"signature"`
}

func loadSRPJSServerCase(t *testing.T) srpJSServerCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/srp_jsvectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Library string          `json:"library"`
		Server  srpJSServerCase `json:"server"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if v.Library != "amazon-cognito-identity-js@6.3.21" {
		t.Fatalf("vectors from %q, want amazon-cognito-identity-js@6.3.21", v.Library)
	}
	return v.Server
}

func srpHex(t *testing.T, s string) *big.Int {
	t.Helper()
	n, err := srp.ParseHex(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// jsChallenge rebuilds the challenge the script issued to the JS client.
func jsChallenge(t *testing.T, v srpJSServerCase) *srpChallenge {
	t.Helper()
	ver := srpVerifierWithSalt(v.PoolName, v.UserIDForSRP, v.Password, srpHex(t, v.Salt))
	block, err := base64.StdEncoding.DecodeString(v.SecretBlock)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ver.srpChallengeWith(v.SRPA, srpHex(t, v.SmallB), block)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSRPServerAgainstJSClient(t *testing.T) {
	v := loadSRPJSServerCase(t)
	c := jsChallenge(t, v)
	if got := c.verifier.verifier.Text(16); got != v.Verifier {
		t.Errorf("v = %.32s..., want %.32s...", got, v.Verifier)
	}
	if got := c.srpBHex(); got != v.SRPB {
		t.Errorf("SRP_B = %.32s..., want %.32s...", got, v.SRPB)
	}
	if got := c.saltHex(); srpHex(t, got).Cmp(srpHex(t, v.Salt)) != 0 {
		t.Errorf("SALT = %s, want %s", got, v.Salt)
	}
	if got := c.secretBlockB64(); got != v.SecretBlock {
		t.Errorf("SECRET_BLOCK = %.16s..., want %.16s...", got, v.SecretBlock)
	}
	if err := c.verifyClaim(v.PoolName, v.UserIDForSRP, v.SecretBlock, v.Timestamp, v.Signature); err != nil {
		t.Errorf("the JS client's claim was refused: %v", err)
	}
}

func TestSRPServerRefusesAlteredClaims(t *testing.T) {
	v := loadSRPJSServerCase(t)
	otherBlock := base64.StdEncoding.EncodeToString([]byte("another block"))
	flipped := []byte(v.Signature)
	flipped[0] ^= 1
	for name, tc := range map[string]struct {
		pool, user, block, ts, sig string
		want                       error
	}{
		"other pool":      {"Zx9Qw9", v.UserIDForSRP, v.SecretBlock, v.Timestamp, v.Signature, errSRPClaimMismatch},
		"other user":      {v.PoolName, "someone-else", v.SecretBlock, v.Timestamp, v.Signature, errSRPClaimMismatch},
		"other timestamp": {v.PoolName, v.UserIDForSRP, v.SecretBlock, "Mon Jan 19 23:59:59 UTC 2026", v.Signature, errSRPClaimMismatch},
		"padded day":      {v.PoolName, v.UserIDForSRP, v.SecretBlock, "Mon Jan 09 23:59:58 UTC 2026", v.Signature, errSRPClaimMismatch},
		"bad timestamp":   {v.PoolName, v.UserIDForSRP, v.SecretBlock, "2026-01-19T23:59:58Z", v.Signature, errSRPTimestamp},
		"other signature": {v.PoolName, v.UserIDForSRP, v.SecretBlock, v.Timestamp, string(flipped), errSRPClaimMismatch},
		"empty signature": {v.PoolName, v.UserIDForSRP, v.SecretBlock, v.Timestamp, "", errSRPClaimMismatch},
		"other block":     {v.PoolName, v.UserIDForSRP, otherBlock, v.Timestamp, v.Signature, errSRPSecretBlock},
		"block not b64":   {v.PoolName, v.UserIDForSRP, "%%%", v.Timestamp, v.Signature, errSRPSecretBlock},
	} {
		t.Run(name, func(t *testing.T) {
			if err := jsChallenge(t, v).verifyClaim(tc.pool, tc.user, tc.block, tc.ts, tc.sig); !errors.Is(err, tc.want) {
				t.Errorf("verifyClaim = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSRPServerRefusesWrongPassword(t *testing.T) {
	v := loadSRPJSServerCase(t)
	ver := srpVerifierWithSalt(v.PoolName, v.UserIDForSRP, v.Password+"x", srpHex(t, v.Salt))
	block, _ := base64.StdEncoding.DecodeString(v.SecretBlock)
	c, err := ver.srpChallengeWith(v.SRPA, srpHex(t, v.SmallB), block)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.verifyClaim(v.PoolName, v.UserIDForSRP, v.SecretBlock, v.Timestamp, v.Signature); !errors.Is(err, errSRPClaimMismatch) {
		t.Errorf("verifyClaim with another password's verifier = %v", err)
	}
}

func TestSRPServerRefusesA(t *testing.T) {
	ver := srpVerifierWithSalt("pool", "user", "pw", big.NewInt(1))
	n := srp.N()
	for name, tc := range map[string]struct {
		a    string
		want error
	}{
		"zero":      {"0", errSRPAZero},
		"N":         {n.Text(16), errSRPAZero},
		"3N":        {new(big.Int).Mul(n, big.NewInt(3)).Text(16), errSRPAZero},
		"not hex":   {"0x12", errSRPAMalformed},
		"empty":     {"", errSRPAMalformed},
		"negative":  {"-5", errSRPAMalformed},
		"with text": {"12zz", errSRPAMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := ver.startSRPChallenge(tc.a, rand.Reader)
			if !errors.Is(err, tc.want) || c != nil {
				t.Errorf("startSRPChallenge(%.16s) = %v, %v; want %v", tc.a, c, err, tc.want)
			}
		})
	}
}

// A B that is zero mod N, which the JS client would refuse, is never sent.
// No real password reaches it; a verifier v = -g^b / k mod N does.
func TestSRPServerRefusesZeroB(t *testing.T) {
	n := srp.N()
	b := big.NewInt(5)
	gb := new(big.Int).Exp(srp.G(), b, n)
	kInv := new(big.Int).ModInverse(srp.K(), n)
	// v = -g^b / k mod N makes k v + g^b = 0 mod N.
	v := new(big.Int).Mul(gb, kInv)
	v.Neg(v).Mod(v, n)
	ver := srpVerifier{salt: big.NewInt(1), verifier: v}
	if c, err := ver.srpChallengeWith("2", b, nil); !errors.Is(err, srp.ErrBZero) || c != nil {
		t.Errorf("srpChallengeWith = %v, %v; want ErrBZero", c, err)
	}
}

// Our client against the double with real randomness, both ways round.
func TestSRPServerRoundTrip(t *testing.T) {
	const pool, user, password = "AbC123", "4a5b-user", "s3cret Pässword"
	ver, err := newSRPVerifier(pool, user, password, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	client, err := srp.NewClient(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := ver.startSRPChallenge(client.SRPA(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)
	claim, err := client.PasswordClaim(pool, user, password, ch.saltHex(), ch.srpBHex(), ch.secretBlockB64(), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.verifyClaim(pool, user, ch.secretBlockB64(), claim.Timestamp, claim.Signature); err != nil {
		t.Errorf("our client's claim was refused: %v", err)
	}
	wrong, err := client.PasswordClaim(pool, user, password+"!", ch.saltHex(), ch.srpBHex(), ch.secretBlockB64(), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.verifyClaim(pool, user, ch.secretBlockB64(), wrong.Timestamp, wrong.Signature); !errors.Is(err, errSRPClaimMismatch) {
		t.Errorf("a wrong password's claim: %v", err)
	}
}

func TestSRPServerShortRandom(t *testing.T) {
	if _, err := newSRPVerifier("p", "u", "pw", bytes.NewReader(make([]byte, srpSaltSize-1))); !errors.Is(err, errSRPRandom) {
		t.Errorf("newSRPVerifier: %v", err)
	}
	ver := srpVerifierWithSalt("p", "u", "pw", big.NewInt(7))
	short := bytes.NewReader(make([]byte, srpSmallBSize+srpSecretBlockSize-1))
	if c, err := ver.startSRPChallenge("2", short); !errors.Is(err, errSRPRandom) || c != nil {
		t.Errorf("startSRPChallenge: %v, %v", c, err)
	}
	// Exactly enough: b from the first 128 bytes, the block from the rest.
	buf := append(bytes.Repeat([]byte{1}, srpSmallBSize), bytes.Repeat([]byte{2}, srpSecretBlockSize)...)
	c, err := ver.startSRPChallenge("2", bytes.NewReader(buf))
	if err != nil {
		t.Fatal(err)
	}
	if c.b.Cmp(new(big.Int).SetBytes(buf[:srpSmallBSize])) != 0 || !bytes.Equal(c.secretBlock, buf[srpSmallBSize:]) {
		t.Error("b or the secret block not taken from the random bytes in order")
	}
	salted, err := newSRPVerifier("p", "u", "pw", bytes.NewReader(bytes.Repeat([]byte{0xab}, srpSaltSize)))
	if err != nil || salted.salt.Text(16) != strings.Repeat("ab", srpSaltSize) {
		t.Errorf("salt = %v, %v", salted.salt, err)
	}
}

// FuzzSRPServer: whatever a client sends as SRP_A and as its
// PASSWORD_VERIFIER answer, the double must not panic, and without the
// password no answer verifies.
func FuzzSRPServer(f *testing.F) {
	f.Add("2", "YmxvY2s=", "Sun Dec 6 07:05:09 UTC 2026", "AAAA")
	f.Add("0", "", "", "")
	f.Add(srp.N().Text(16), "%%%", "Mon Jan 19 23:59:58 UTC 2026", "6rA5m1brOlESv87Hb4B8PWbS74M9Xk2Iy0A/XXoxuyU=")
	f.Add("-1", "YmxvY2s", "x", "=")
	f.Add(new(big.Int).Add(srp.N(), big.NewInt(1)).Text(16), "YmxvY2s=", "Sun Dec 6 7:05:09 UTC 2026", "")
	ver := srpVerifierWithSalt("pool", "user", "password", big.NewInt(0xabcdef))
	random := bytes.Repeat([]byte{0x42}, srpSmallBSize+srpSecretBlockSize)
	f.Fuzz(func(t *testing.T, srpA, secretBlock, timestamp, signature string) {
		c, err := ver.startSRPChallenge(srpA, bytes.NewReader(random))
		if err != nil {
			if c != nil {
				t.Fatal("a challenge with an error")
			}
			return
		}
		if c.bigB.Sign() <= 0 || c.bigB.Cmp(srp.N()) >= 0 {
			t.Fatal("B outside [1, N)")
		}
		if err := c.verifyClaim("pool", "user", secretBlock, timestamp, signature); err == nil {
			t.Fatal("a claim verified without the password")
		}
	})
}
