package tokenstore

import (
	"strings"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// A store failure is a *failure.Error with Op and Store set; the caller
// words it. The names below are the store's share of failure.Reason.
type (
	Reason    = failure.Reason
	Error     = failure.Error
	Operation = failure.Operation
)

const (
	// Other is any failure not below; Error.Code names it when known.
	Other = failure.Other
	// NotFound: no such file or secret, or a secret without a current
	// version. A secret scheduled for deletion is Other with Code
	// InvalidRequestException.
	NotFound = failure.NotFound
	// Empty: the store exists but holds no token.
	Empty = failure.Empty
	// Malformed: the store holds something that is not a refresh token
	// (e.g. a JSON document or a binary secret).
	Malformed = failure.Malformed
	// AccessDenied: the caller's AWS identity or the file's permissions
	// forbid the operation (including the secret's KMS key).
	AccessDenied = failure.AccessDenied
	// NoCredentials: the AWS SDK's default chain found no credentials.
	NoCredentials = failure.NoCredentials
	// InvalidCredentials: AWS refused the credentials (unknown key,
	// expired session, bad signature).
	InvalidCredentials = failure.InvalidCredentials
	// Unreachable: the network failed or the service kept answering with
	// server errors after every retry.
	Unreachable = failure.Unreachable
	// Throttled: still throttled after every retry.
	Throttled = failure.Throttled
	// Timeout: the context's deadline passed, or the network timed out.
	Timeout = failure.Timeout
	// Canceled: the context was canceled.
	Canceled = failure.Canceled
	// VersionQuota: the secret has no room for another version, found by
	// Preflight (Op opCheck, nothing spent) or by the write.
	VersionQuota = failure.VersionQuota
)

// Reasons are all the reasons a store gives, for the caller's wording.
// The store's operations, as its failures name them.
const (
	opRead  = failure.StoreRead
	opLock  = failure.StoreLock
	opCheck = failure.StoreCheck
	opWrite = failure.StoreWrite
)

var Reasons = []Reason{Other, NotFound, Empty, Malformed, AccessDenied, NoCredentials, InvalidCredentials, Unreachable, Throttled, Timeout, Canceled, VersionQuota}

// fail starts the Error of a failed store operation. Its cause is an OS or
// SDK error about the file or secret, which carries no token, so Cause has
// no secret to scrub; the provider's log masks the tokens all the same.
func fail(op Operation, store string, cause error) *Error {
	e := failure.New(cause, nil)
	e.Op, e.Store = op, store
	return e
}

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
