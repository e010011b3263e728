package tokenstore

import (
	"context"
)

// Store holds one refresh token.
type Store interface {
	// Name describes the store for messages, e.g. `file "/x/.token"` or
	// `Secrets Manager secret "name"`; never the value.
	Name() string
	// Read returns the token the store holds now. Failures are *Error.
	Read(ctx context.Context) (Snapshot, error)
	// Replace stores next only if the store still holds prev (a
	// compare-and-swap). swapped=false with err=nil: another writer won,
	// and the store keeps its token. Failures are *Error.
	Replace(ctx context.Context, prev Snapshot, next string) (swapped bool, err error)
}

// Preflighter is a Store that must check, before Cognito spends the token,
// that the write-back after a rotation cannot fail for a reason known in
// advance (Secrets Manager's version quota). Cycle calls Preflight after
// every Read and before every exchange; an error stops the cycle with
// nothing spent.
type Preflighter interface {
	Preflight(ctx context.Context, snap Snapshot) error
}

// Locker is a Store whose writers serialize on a lock. Cycle takes it
// before the first Read and holds it through the exchange and the
// write-back, so a lock, permission or file-type failure stops the cycle
// before Cognito spends the token. Lock returns the store to use while
// locked (its Replace does not lock again) and the function releasing the
// lock. Failures are *Error.
type Locker interface {
	Lock(ctx context.Context) (locked Store, unlock func(), err error)
}

// Snapshot is what one Read saw: the token and the identity of the stored
// value it came from (Secrets Manager: the VersionId; file: the content).
type Snapshot struct {
	Token string
	// Exposed: users other than the owner can read the stored value (a
	// file's group or other read bit).
	Exposed bool
	version string
}

// String never shows the token, so a Snapshot is safe in a format string.
func (s Snapshot) String() string { return "tokenstore.Snapshot{redacted}" }

// GoString is String for %#v.
func (s Snapshot) GoString() string { return s.String() }
