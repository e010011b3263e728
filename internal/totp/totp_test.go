package totp

import (
	"encoding/base32"
	"errors"
	"testing"
	"time"
)

// rfcSeed is the SHA1 seed of RFC 6238 appendix B, "12345678901234567890".
var rfcSeed = []byte("12345678901234567890")

// RFC 6238 appendix B, SHA1 rows: the 8-digit codes the RFC prints.
var rfcVectors = []struct {
	unix int64
	code string
}{
	{59, "94287082"},
	{1111111109, "07081804"},
	{1111111111, "14050471"},
	{1234567890, "89005924"},
	{2000000000, "69279037"},
	{20000000000, "65353130"},
}

func TestRFC6238AppendixB(t *testing.T) {
	for _, v := range rfcVectors {
		if got := hotp(rfcSeed, counter(time.Unix(v.unix, 0)), 8); got != v.code {
			t.Errorf("T=%d: %s, want %s", v.unix, got, v.code)
		}
	}
}

// Six digits are the same truncation mod 10^6: the RFC code's last six.
func TestCodeSixDigits(t *testing.T) {
	seed, err := ParseSeed(base32.StdEncoding.EncodeToString(rfcSeed))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rfcVectors {
		if got := seed.Code(time.Unix(v.unix, 0)); got != v.code[2:] {
			t.Errorf("T=%d: %s, want %s", v.unix, got, v.code[2:])
		}
	}
}

func TestCodeWindow(t *testing.T) {
	seed, _ := ParseSeed("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	start := time.Unix(1111111110, 0) // a window boundary: 37037037 * 30
	if seed.Code(start) != seed.Code(start.Add(Period-time.Nanosecond)) {
		t.Error("the code changed inside one window")
	}
	if seed.Code(start) == seed.Code(start.Add(Period)) {
		t.Error("the next window has the same code")
	}
	if seed.Code(start.Add(-time.Nanosecond)) != "081804" {
		t.Errorf("the previous window: %s", seed.Code(start.Add(-time.Nanosecond)))
	}
	if seed.Code(time.Unix(-100, 0)) != seed.Code(time.Unix(0, 0)) {
		t.Error("times before 1970 are not window 0")
	}
}

func TestParseSeed(t *testing.T) {
	want := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	ref, err := ParseSeed(want)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1234567890, 0)
	for _, in := range []string{
		"gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
		"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====", // padding is optional
	} {
		s, err := ParseSeed(in)
		if err != nil || s.Code(at) != ref.Code(at) {
			t.Errorf("ParseSeed(%q) = %v, %v", in, s.Code(at), err)
		}
	}
	// Cognito's 32-character seeds decode to 20 bytes; an unpadded
	// non-multiple of 8 decodes too.
	if s, err := ParseSeed("JBSWY3DPEHPK3PXP"); err != nil || len(s.key) != 10 {
		t.Errorf("16-character seed: %d bytes, %v", len(s.key), err)
	}
	if s, err := ParseSeed("MZXW6"); err != nil || string(s.key) != "foo" {
		t.Errorf("unpadded seed: %q, %v", s.key, err)
	}
	for _, bad := range []string{"", "   ", "====", "GEZ1", "GEZDGNBV!", "A"} {
		if _, err := ParseSeed(bad); !errors.Is(err, ErrMalformedSeed) {
			t.Errorf("ParseSeed(%q) = %v, want ErrMalformedSeed", bad, err)
		}
	}
}

func TestHOTPPadsWithZeros(t *testing.T) {
	// RFC 4226 appendix D, counts 0 to 9.
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := hotp(rfcSeed, uint64(c), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", c, got, w)
		}
	}
	if got := hotp(rfcSeed, 1, 8); len(got) != 8 || got != "94287082" {
		t.Errorf("8 digits: %s", got)
	}
	if got := hotp(rfcSeed, 1111111109/30, 8); got[0] != '0' {
		t.Errorf("a code with a leading zero lost it: %s", got)
	}
}

// FuzzParseSeed: whatever a user puts in totp_secret, parsing must not
// panic and a parsed seed must give six digits.
func FuzzParseSeed(f *testing.F) {
	for _, s := range []string{"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "gezd gnbv", "MZXW6===", "", "A", "====", "01", "\x00"} {
		f.Add(s)
	}
	at := time.Unix(1234567890, 0)
	f.Fuzz(func(t *testing.T, s string) {
		seed, err := ParseSeed(s)
		if err != nil {
			return
		}
		code := seed.Code(at)
		if len(code) != digits {
			t.Fatalf("code %q", code)
		}
		for _, c := range code {
			if c < '0' || c > '9' {
				t.Fatalf("code %q", code)
			}
		}
	})
}
