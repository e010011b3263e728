package cognitotest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomString draws n characters from alphabet with crypto/rand, so ids and
// secrets are unguessable like Cognito's.
func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newPoolSuffix mimics the 9-character mixed-case suffix of real pool ids.
func newPoolSuffix() string {
	return randomString(9, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
}

var b64url = base64.RawURLEncoding
