package tokenstore

import (
	"fmt"
	"strings"
)

// Reason is the closed set of store failures; the caller words them.
type Reason int

const (
	// Other is any failure not below; Error.Code names it when known.
	Other Reason = iota
	// NotFound: no such file or secret (or the secret is scheduled for
	// deletion).
	NotFound
	// Empty: the store exists but holds no token.
	Empty
	// Malformed: the store holds something that is not a refresh token
	// (e.g. a JSON document or a binary secret).
	Malformed
	// AccessDenied: the caller's AWS identity or the file's permissions
	// forbid the operation (including the secret's KMS key).
	AccessDenied
	// NoCredentials: the AWS SDK's default chain found no credentials.
	NoCredentials
	// InvalidCredentials: AWS refused the credentials (unknown key,
	// expired session, bad signature).
	InvalidCredentials
	// Unreachable: the network failed or the service kept answering with
	// server errors after every retry.
	Unreachable
	// Throttled: still throttled after every retry.
	Throttled
	// Timeout: the context's deadline passed, or the network timed out.
	Timeout
	// Canceled: the context was canceled.
	Canceled
)

var reasonNames = [...]string{
	Other: "other", NotFound: "not found", Empty: "empty", Malformed: "malformed",
	AccessDenied: "access denied", NoCredentials: "no credentials",
	InvalidCredentials: "invalid credentials", Unreachable: "unreachable",
	Throttled: "throttled", Timeout: "timeout", Canceled: "canceled",
}

func (r Reason) String() string {
	if r < 0 || int(r) >= len(reasonNames) {
		return fmt.Sprintf("Reason(%d)", int(r))
	}
	return reasonNames[r]
}

// Error is a classified store failure. Its message names the store, the
// operation and the reason, never a token.
type Error struct {
	Reason Reason
	Op     string // "read" or "write"
	Store  string // Store.Name()
	// Code is the service's error code or the OS error's name, printable and
	// at most maxCodeLen bytes; "" when there is none.
	Code string
	// Attempts counts the requests made, retries included (0 when none
	// was sent).
	Attempts int
	// TokenLost: Cognito had already rotated the token and the new one
	// could not be stored, so the store holds a spent token.
	TokenLost bool
	// PendingVersion: a Secrets Manager write stored the new token as this
	// version (labelled PendingStage) but could not make it AWSCURRENT.
	// Moving AWSCURRENT to it recovers the token. Not a secret.
	PendingVersion string
	err            error
}

// Error is safe to show: it holds the store's name, the reason and the
// code. The underlying error stays reachable through Unwrap.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", e.Op, e.Store, e.Reason)
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.TokenLost {
		b.WriteString("; the rotated refresh token was not stored")
	}
	if e.PendingVersion != "" {
		fmt.Fprintf(&b, "; it is in version %s, which is not %s", e.PendingVersion, stageCurrent)
	}
	return b.String()
}

// Unwrap returns the SDK's or the OS's error.
func (e *Error) Unwrap() error { return e.err }

const maxCodeLen = 64

// printableCode keeps a service error code fit for a message: printable
// ASCII, capped.
func printableCode(code string) string {
	var b strings.Builder
	for _, r := range code {
		if b.Len() >= maxCodeLen {
			break
		}
		if r > ' ' && r < 0x7f {
			b.WriteRune(r)
		}
	}
	return b.String()
}
