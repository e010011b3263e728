// Package totp computes the codes of a Cognito software token: RFC 6238
// TOTP with HMAC-SHA1, 6 digits and a 30-second step, from the base32 seed
// AssociateSoftwareToken returns as SecretCode (Cognito developer guide,
// "TOTP software token MFA").
//
// It is a few lines of the standard library; no maintained TOTP module
// comes without QR-code dependencies this provider has no use for.
package totp

import (
	"crypto/hmac"
	"crypto/sha1" // RFC 6238's default, and what Cognito's software tokens use
	"encoding/base32"
	"encoding/binary"
	"errors"
	"strings"
	"time"
)

// Period is the time step: a code is valid for one 30-second window.
const Period = 30 * time.Second

// digits is the code length Cognito asks for.
const digits = 6

// ErrMalformedSeed says the seed is not base32. It carries nothing of the
// seed, which is a secret.
var ErrMalformedSeed = errors.New("TOTP seed is not base32")

var seedEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Seed is a decoded TOTP secret.
type Seed struct {
	key []byte
}

// ParseSeed decodes a base32 seed as authenticator apps read one: either
// case, spaces ignored, padding optional.
func ParseSeed(s string) (Seed, error) {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	s = strings.TrimRight(s, "=")
	key, err := seedEncoding.DecodeString(s)
	if err != nil || len(key) == 0 {
		return Seed{}, ErrMalformedSeed
	}
	return Seed{key: key}, nil
}

// Code is the 6-digit code for the window that holds t. Times before 1970
// fall in window 0.
func (s Seed) Code(t time.Time) string {
	return hotp(s.key, counter(t), digits)
}

func counter(t time.Time) uint64 {
	return uint64(max(t.Unix(), 0)) / uint64(Period/time.Second)
}

// hotp is RFC 4226 HOTP: dynamic truncation of HMAC-SHA1(key, counter),
// zero-padded to n digits.
func hotp(key []byte, c uint64, n int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], c)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range n {
		mod *= 10
	}
	code := []byte(strings.Repeat("0", n))
	for i, r := n-1, v%mod; i >= 0; i, r = i-1, r/10 {
		code[i] = byte('0' + r%10)
	}
	return string(code)
}
