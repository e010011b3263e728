package srp

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"
)

// jsVectors is testdata/jsvectors.json: values printed by
// dev/srpvectors/vectors.js running amazon-cognito-identity-js@6.3.21
// (its own CognitoUser.authenticateUser and AuthenticationHelper, with a
// fixed small a and clock) under Node 20. Refresh with
// `node vectors.js --write` there.
type jsVectors struct {
	Library string `json:"library"`
	Client  struct {
		UserPoolID   string `json:"userPoolId"`
		PoolName     string `json:"poolName"`
		UserIDForSRP string `json:"userIdForSrp"`
		Password     string `json:"password"`
		SmallA       string `json:"smallA"`
		Salt         string `json:"salt"`
		SRPB         string `json:"srpB"`
		SecretBlock  string `json:"secretBlock"`
		Now          string `json:"now"`
		SRPA         string `json:"srpA"`
		K            string `json:"k"`
		U            string `json:"u"`
		X            string `json:"x"`
		S            string `json:"S"`
		HKDF         string `json:"hkdf"`
		Timestamp    string `json:"timestamp"`
		Signature    string `json:"signature"`
	} `json:"client"`
	Server struct {
		UserPoolID   string `json:"userPoolId"`
		PoolName     string `json:"poolName"`
		UserIDForSRP string `json:"userIdForSrp"`
		Password     string `json:"password"`
		Salt         string `json:"salt"`
		SRPB         string `json:"srpB"`
		SmallA       string `json:"smallA"`
		SRPA         string `json:"srpA"`
		SecretBlock  string `json:"secretBlock"`
		Now          string `json:"now"`
		Timestamp    string `json:"timestamp"`
		Signature    string `json:"signature"`
	} `json:"server"`
	SecretHash struct {
		ClientSecret string `json:"clientSecret"`
		Username     string `json:"username"`
		ClientID     string `json:"clientId"`
		SecretHash   string `json:"secretHash"`
	} `json:"secretHash"`
}

func loadJSVectors(t *testing.T) jsVectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/jsvectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v jsVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if v.Library != "amazon-cognito-identity-js@6.3.21" {
		t.Fatalf("vectors from %q, want amazon-cognito-identity-js@6.3.21", v.Library)
	}
	return v
}

func mustParse(t *testing.T, s string) *big.Int {
	t.Helper()
	n, err := ParseHex(s)
	if err != nil {
		t.Fatalf("ParseHex(%.16s...): %v", s, err)
	}
	return n
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func clientFromHex(t *testing.T, smallA string) *Client {
	t.Helper()
	raw, err := hex.DecodeString(smallA)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAgainstJSClient(t *testing.T) {
	v := loadJSVectors(t).Client
	poolName, err := PoolName(v.UserPoolID)
	if err != nil || poolName != v.PoolName {
		t.Fatalf("PoolName = %q, %v; want %q", poolName, err, v.PoolName)
	}
	c := clientFromHex(t, v.SmallA)
	if got := c.SRPA(); got != v.SRPA {
		t.Errorf("SRP_A = %.32s..., want %.32s...", got, v.SRPA)
	}
	if got := K().Text(16); got != v.K {
		t.Errorf("k = %s, want %s", got, v.K)
	}
	bigB := mustParse(t, v.SRPB)
	u := U(mustParse(t, c.SRPA()), bigB)
	if got := u.Text(16); got != v.U {
		t.Errorf("u = %s, want %s", got, v.U)
	}
	x := X(poolName, v.UserIDForSRP, v.Password, mustParse(t, v.Salt))
	if got := x.Text(16); got != v.X {
		t.Errorf("x = %s, want %s", got, v.X)
	}
	s := clientS(c.a, x, u, bigB)
	if got := s.Text(16); got != v.S {
		t.Errorf("S = %.32s..., want %.32s...", got, v.S)
	}
	if got := hex.EncodeToString(AuthenticationKey(s, u)); got != v.HKDF {
		t.Errorf("HKDF key = %s, want %s", got, v.HKDF)
	}
	claim, err := c.PasswordClaim(poolName, v.UserIDForSRP, v.Password, v.Salt, v.SRPB, v.SecretBlock, mustTime(t, v.Now))
	if err != nil {
		t.Fatal(err)
	}
	if claim.Timestamp != v.Timestamp {
		t.Errorf("TIMESTAMP = %q, want %q", claim.Timestamp, v.Timestamp)
	}
	if claim.Signature != v.Signature {
		t.Errorf("PASSWORD_CLAIM_SIGNATURE = %s, want %s", claim.Signature, v.Signature)
	}
}

// The second JS case (a B from a fixed-b server, a non-ASCII password, a
// salt with a leading zero nibble): our client must sign as the JS one did.
func TestAgainstJSClientServerCase(t *testing.T) {
	v := loadJSVectors(t).Server
	c := clientFromHex(t, v.SmallA)
	if got := c.SRPA(); got != v.SRPA {
		t.Errorf("SRP_A = %.32s..., want %.32s...", got, v.SRPA)
	}
	claim, err := c.PasswordClaim(v.PoolName, v.UserIDForSRP, v.Password, v.Salt, v.SRPB, v.SecretBlock, mustTime(t, v.Now))
	if err != nil {
		t.Fatal(err)
	}
	if claim != (Claim{Signature: v.Signature, Timestamp: v.Timestamp}) {
		t.Errorf("claim = %+v, want signature %s at %q", claim, v.Signature, v.Timestamp)
	}
}

func TestSecretHashAgainstNode(t *testing.T) {
	v := loadJSVectors(t).SecretHash
	if got := SecretHash(v.ClientSecret, v.Username, v.ClientID); got != v.SecretHash {
		t.Errorf("SECRET_HASH = %s, want %s", got, v.SecretHash)
	}
}

func TestGroup(t *testing.T) {
	if N().BitLen() != 3072 || !N().ProbablyPrime(20) {
		t.Error("N is not the 3072-bit prime")
	}
	if G().Int64() != 2 {
		t.Error("g is not 2")
	}
	// The accessors hand out copies: a caller cannot corrupt the group.
	N().SetInt64(1)
	G().SetInt64(1)
	K().SetInt64(1)
	if N().BitLen() != 3072 || G().Int64() != 2 || K().BitLen() < 200 {
		t.Error("group changed through an accessor")
	}
}

func TestPad(t *testing.T) {
	// The JS padHex examples for non-negative values, and zero.
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "00"}, {20, "14"}, {56, "38"}, {236, "00ec"}, {200, "00c8"},
		{0x7f, "7f"}, {0x80, "0080"}, {0x123, "0123"}, {0x8000, "008000"},
	} {
		if got := PadHex(big.NewInt(tc.n)); got != tc.want {
			t.Errorf("PadHex(%#x) = %s, want %s", tc.n, got, tc.want)
		}
	}
}

func TestParseHex(t *testing.T) {
	for _, ok := range []string{"0", "00ab", "ABCdef", "1", "ABCDEF", "9"} {
		if _, err := ParseHex(ok); err != nil {
			t.Errorf("ParseHex(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0x12", "-1", "+1", "12 ", "g", "1_0", "ab\x00"} {
		if _, err := ParseHex(bad); !errors.Is(err, ErrMalformedHex) {
			t.Errorf("ParseHex(%q) = %v, want ErrMalformedHex", bad, err)
		}
	}
	n, _ := ParseHex("00AbF9")
	if n.Int64() != 0xabf9 {
		t.Errorf("ParseHex(00AbF9) = %v", n)
	}
}

func TestTimestamp(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 12, 6, 7, 5, 9, 0, time.UTC), "Sun Dec 6 07:05:09 UTC 2026"},
		{time.Date(2026, 1, 19, 23, 59, 58, 999, time.UTC), "Mon Jan 19 23:59:58 UTC 2026"},
		// Another zone is written in UTC.
		{time.Date(2026, 3, 1, 1, 0, 0, 0, time.FixedZone("X", 2*3600)), "Sat Feb 28 23:00:00 UTC 2026"},
	} {
		got := Timestamp(tc.in)
		if got != tc.want {
			t.Errorf("Timestamp(%v) = %q, want %q", tc.in, got, tc.want)
		}
		back, err := ParseTimestamp(got)
		if err != nil || !back.Equal(tc.in.Truncate(time.Second)) {
			t.Errorf("ParseTimestamp(%q) = %v, %v", got, back, err)
		}
	}
	if _, err := ParseTimestamp("Sun Dec 06 07:05:09 2026"); err == nil {
		t.Error("ParseTimestamp accepted a timestamp without UTC")
	}
}

func TestPoolName(t *testing.T) {
	for in, want := range map[string]string{
		"us-east-1_AbC":   "AbC",
		"eu-west-1_x":     "x",
		"a_b_c":           "b",
		"us-east-1_":      "",
		"_onlyname":       "onlyname",
		"ap-south-2_9Zz9": "9Zz9",
	} {
		if got, err := PoolName(in); err != nil || got != want {
			t.Errorf("PoolName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := PoolName("nounderscore"); !errors.Is(err, ErrPoolIDNoUnder) {
		t.Errorf("PoolName without underscore: %v", err)
	}
}

func TestNewClient(t *testing.T) {
	if _, err := NewClient(bytes.NewReader(make([]byte, smallASize-1))); !errors.Is(err, ErrShortRandom) {
		t.Errorf("short random: %v", err)
	}
	// a = 0 gives A = 1: legal, if useless; N divides no power of 2.
	c, err := NewClient(bytes.NewReader(make([]byte, smallASize)))
	if err != nil || c.SRPA() != "1" {
		t.Errorf("a = 0: %v, %v", c, err)
	}
	// NewClient reads exactly 128 bytes.
	r := bytes.NewReader(make([]byte, smallASize+5))
	if _, err := NewClient(r); err != nil || r.Len() != 5 {
		t.Errorf("NewClient left %d bytes, %v", r.Len(), err)
	}
}

func TestPasswordClaimRefuses(t *testing.T) {
	c := clientFromHex(t, strings.Repeat("ab", smallASize))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	block := base64.StdEncoding.EncodeToString([]byte("block"))
	nHexLower := N().Text(16)
	twoN := new(big.Int).Lsh(N(), 1).Text(16)
	for name, tc := range map[string]struct {
		salt, b, block string
		want           error
	}{
		"B zero":        {"01", "0", block, ErrBZero},
		"B is N":        {"01", nHexLower, block, ErrBZero},
		"B is 2N":       {"01", twoN, block, ErrBZero},
		"B not hex":     {"01", "xyz", block, ErrMalformedHex},
		"B empty":       {"01", "", block, ErrMalformedHex},
		"salt not hex":  {"zz", "02", block, ErrMalformedHex},
		"salt empty":    {"", "02", block, ErrMalformedHex},
		"block not b64": {"01", "02", "%%%", ErrSecretBlock},
	} {
		t.Run(name, func(t *testing.T) {
			claim, err := c.PasswordClaim("pool", "user", "pw", tc.salt, tc.b, tc.block, now)
			if !errors.Is(err, tc.want) || claim != (Claim{}) {
				t.Errorf("PasswordClaim = %+v, %v; want %v", claim, err, tc.want)
			}
		})
	}
	// A valid B still signs.
	if claim, err := c.PasswordClaim("pool", "user", "pw", "01", "02", block, now); err != nil || claim.Signature == "" {
		t.Errorf("PasswordClaim with B = 2: %+v, %v", claim, err)
	}
}

func TestSecretHashFormula(t *testing.T) {
	// Independent of the vectors: the order is username then client ID.
	a := SecretHash("s", "user", "client")
	if a == SecretHash("s", "client", "user") || a == SecretHash("t", "user", "client") {
		t.Error("SECRET_HASH ignores its inputs' roles")
	}
	if raw, err := base64.StdEncoding.DecodeString(a); err != nil || len(raw) != 32 {
		t.Errorf("SECRET_HASH %q is not base64 of 32 bytes", a)
	}
}

// Fuzz targets for what Cognito sends the client (SRP_B, SALT,
// SECRET_BLOCK): nothing in a challenge may panic the client.

func FuzzParseHex(f *testing.F) {
	for _, s := range []string{"0", "00ab", "ABCdef", "", "0x1", "-1", "+1", " 1", "1_0", strings.Repeat("f", 800)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseHex(s)
		if err != nil {
			if n != nil {
				t.Fatal("a value with an error")
			}
			return
		}
		if n.Sign() < 0 {
			t.Fatalf("ParseHex(%q) is negative", s)
		}
		want := strings.TrimLeft(strings.ToLower(s), "0")
		if want == "" {
			want = "0"
		}
		if n.Text(16) != want {
			t.Fatalf("ParseHex(%q) = %s", s, n.Text(16))
		}
	})
}

func FuzzPasswordClaim(f *testing.F) {
	block := base64.StdEncoding.EncodeToString([]byte("block"))
	f.Add("deb959384522300dd00d9cec1d47fef5", "02", block)
	f.Add("0", "0", "")
	f.Add("", N().Text(16), block)
	f.Add("ff", new(big.Int).Add(N(), big.NewInt(1)).Text(16), "====")
	f.Add("1", "-2", "YQ")
	c, err := NewClient(bytes.NewReader(bytes.Repeat([]byte{0x5a}, smallASize)))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 7, 5, 9, 0, time.UTC)
	f.Fuzz(func(t *testing.T, salt, srpB, secretBlock string) {
		claim, err := c.PasswordClaim("pool", "user", "pw", salt, srpB, secretBlock, now)
		if err != nil {
			if claim != (Claim{}) {
				t.Fatal("a claim with an error")
			}
			return
		}
		if b, _ := ParseHex(srpB); new(big.Int).Mod(b, N()).Sign() == 0 {
			t.Fatal("signed for a B that is zero mod N")
		}
		if sig, err := base64.StdEncoding.DecodeString(claim.Signature); err != nil || len(sig) != 32 {
			t.Fatalf("signature %q is not base64 of 32 bytes", claim.Signature)
		}
		if claim.Timestamp != "Sun Dec 6 07:05:09 UTC 2026" {
			t.Fatalf("timestamp %q", claim.Timestamp)
		}
	})
}
