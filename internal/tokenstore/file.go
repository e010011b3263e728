package tokenstore

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gofrs/flock"
)

// fileMode keeps the token readable by its owner only.
const fileMode = 0o600

// lockRetry is how often a writer retries a lock another writer holds.
const lockRetry = 20 * time.Millisecond

// maxFileBytes bounds what Read loads: a refresh token is a few KiB.
const maxFileBytes = 1 << 20

// Seams for tests of failures root cannot provoke through permissions.
var (
	createTemp = os.CreateTemp
	renameFile = os.Rename
	syncFile   = (*os.File).Sync
)

type fileStore struct {
	path string
}

// NewFile returns a store keeping the token in the file at path (one line).
// Writers serialize on an exclusive lock of the sidecar file path+".lock"
// (gofrs/flock: flock(2) on Unix, LockFileEx on Windows), compare, and
// replace the file by an atomic rename of a 0600 temporary file from the
// same directory. Readers need no lock: the rename is atomic.
func NewFile(path string) Store { return &fileStore{path: path} }

func (f *fileStore) Name() string { return "file " + strconv.Quote(f.path) }

func (f *fileStore) Read(ctx context.Context) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, f.fail("read", err)
	}
	tok, err := f.load()
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{Token: tok, version: tok}, nil
}

// load reads and checks the file's token.
func (f *fileStore) load() (string, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return "", f.fail("read", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxFileBytes+1))
	if err != nil {
		return "", f.fail("read", err)
	}
	if len(b) > maxFileBytes {
		return "", &Error{Reason: Malformed, Op: "read", Store: f.Name(), Code: "TooLarge"}
	}
	return checkToken(string(b), "read", f.Name())
}

func (f *fileStore) Replace(ctx context.Context, prev Snapshot, next string) (bool, error) {
	if _, err := checkToken(next, "write", f.Name()); err != nil {
		return false, err
	}
	lock := flock.New(f.path+".lock", flock.SetPermissions(fileMode))
	locked, err := lock.TryLockContext(ctx, lockRetry)
	if err != nil || !locked {
		if err == nil {
			err = ctx.Err()
		}
		return false, f.fail("write", err)
	}
	defer func() { _ = lock.Unlock() }()

	cur, err := f.load()
	if err != nil {
		var se *Error
		// A file emptied or removed since the read no longer holds prev.
		if errors.As(err, &se) && (se.Reason == Empty || se.Reason == NotFound || se.Reason == Malformed) {
			return false, nil
		}
		return false, asWrite(err)
	}
	if cur != prev.version {
		return false, nil
	}
	if err := f.writeAtomic(next); err != nil {
		return false, f.fail("write", err)
	}
	return true, nil
}

// writeAtomic replaces the file: a temporary file in the same directory
// (so the rename stays on one file system), mode 0600 from creation, synced
// before the rename, and the directory synced after it so the rename
// survives a crash.
func (f *fileStore) writeAtomic(token string) (err error) {
	dir, base := filepath.Split(f.path)
	if dir == "" {
		dir = "."
	}
	tmp, err := createTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	// os.CreateTemp creates the file with mode 0600 (its documentation),
	// so the token is never readable by others, not even before the rename.
	if _, err = tmp.WriteString(token + "\n"); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = renameFile(tmp.Name(), f.path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable. Windows cannot open a directory for
// syncing and some file systems refuse it; the rename itself is done.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = syncFile(d)
	_ = d.Close()
}

// fail classifies an OS error for this store.
func (f *fileStore) fail(op string, err error) *Error {
	e := fail(op, f.Name(), err)
	var errno syscall.Errno
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		e.Reason = Timeout
	case errors.Is(err, context.Canceled):
		e.Reason = Canceled
	case errors.Is(err, fs.ErrNotExist):
		e.Reason = NotFound
	case errors.Is(err, fs.ErrPermission):
		e.Reason = AccessDenied
	}
	if errors.As(err, &errno) {
		e.Code = printableCode(errnoName(errno))
	}
	return e
}

// errnoName is the errno's symbolic-ish text ("permission denied" becomes
// "permission-denied"), short and free of paths and values.
func errnoName(errno syscall.Errno) string {
	return strings.ReplaceAll(errno.Error(), " ", "-")
}

// asWrite relabels a read failure that happened inside Replace.
func asWrite(err error) error {
	var se *Error
	if errors.As(err, &se) {
		c := *se
		c.Op = "write"
		return &c
	}
	return err
}
