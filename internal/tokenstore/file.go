package tokenstore

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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

// Windows refuses to replace a file another process holds open (a reader,
// an indexer, a virus scanner) for a moment; the rename is retried this
// many times, renameDelay apart, before the new token is left beside it.
const (
	renameAttempts = 10
	renameDelay    = 100 * time.Millisecond
)

// Codes of file-store failures that have no errno of their own.
const (
	// CodeIsDirectory: the path names a directory.
	CodeIsDirectory = "PathIsDirectory"
	// CodeNotRegularFile: the path names a FIFO, socket or device.
	CodeNotRegularFile = "NotRegularFile"
)

// Seams for tests of failures root cannot provoke through permissions, and
// of Windows' behaviour on other systems.
var (
	createTemp = os.CreateTemp
	renameFile = os.Rename
	syncFile   = (*os.File).Sync
	sleep      = time.Sleep
	goos       = runtime.GOOS
)

type fileStore struct {
	path string
}

// NewFile returns a store keeping the token in the file at path. A symlink
// is followed: the file it points to is read and replaced. Writers
// serialize on an exclusive lock of the sidecar file target+".lock"
// (gofrs/flock: flock(2) on Unix, LockFileEx on Windows), which Cycle takes
// before reading (Locker); they compare and replace the file by an atomic
// rename of a 0600 temporary file from the same directory. Readers need no
// lock: the rename is atomic.
func NewFile(path string) Store { return &fileStore{path: path} }

func (f *fileStore) Name() string { return "file " + strconv.Quote(f.path) }

func (f *fileStore) Read(ctx context.Context) (Snapshot, error) {
	return f.handle(f.path).Read(ctx)
}

// Replace locks, then compares and swaps; Cycle locks earlier, through Lock.
func (f *fileStore) Replace(ctx context.Context, prev Snapshot, next string) (bool, error) {
	locked, unlock, err := f.lock(ctx, opWrite)
	if err != nil {
		return false, err
	}
	defer unlock()
	return locked.Replace(ctx, prev, next)
}

// Lock resolves a symlink, checks that the path is a regular file and that
// its directory takes new files, and takes the writers' lock: every failure
// a write could meet for lack of permission comes here, before Cognito is
// called.
func (f *fileStore) Lock(ctx context.Context) (Store, func(), error) {
	return f.lock(ctx, opRead)
}

func (f *fileStore) lock(ctx context.Context, op Operation) (*lockedFile, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, f.fail(op, err)
	}
	target, err := filepath.EvalSymlinks(f.path)
	if err != nil {
		return nil, nil, f.fail(op, err)
	}
	h := f.handle(target)
	if _, err := h.open(op); err != nil {
		return nil, nil, err
	}
	lock := flock.New(target+".lock", flock.SetPermissions(fileMode))
	locked, err := lock.TryLockContext(ctx, lockRetry)
	if err != nil || !locked {
		if err == nil {
			err = ctx.Err()
		}
		return nil, nil, f.fail(lockOp(op), err)
	}
	unlock := func() { _ = lock.Unlock() }
	// An existing lock file proves nothing about the directory: probe it.
	probe, err := createTemp(h.dir(), h.tempPattern())
	if err != nil {
		unlock()
		return nil, nil, f.fail(lockOp(op), err)
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	return h, unlock, nil
}

// lockOp names a failure to lock or to probe the directory: opLock before
// a read (nothing spent yet), opWrite inside Replace.
func lockOp(op Operation) Operation {
	if op == opRead {
		return opLock
	}
	return op
}

func (f *fileStore) handle(target string) *lockedFile {
	return &lockedFile{fileStore: f, target: target}
}

// lockedFile is the store seen through one resolved path, by a caller that
// holds the writers' lock (or, for Read, needs none).
type lockedFile struct {
	*fileStore
	target string
}

func (h *lockedFile) Read(ctx context.Context) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, h.fail(opRead, err)
	}
	tok, fi, err := h.load(opRead)
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{Token: tok, version: tok, Exposed: exposed(fi)}, nil
}

// exposed: users other than the owner can read the file. Windows' modes do
// not tell (ACLs do).
func exposed(fi fs.FileInfo) bool {
	return goos != "windows" && fi.Mode().Perm()&0o044 != 0
}

// open opens the target without blocking and refuses anything but a
// regular file.
func (h *lockedFile) open(op Operation) (*os.File, error) {
	fh, err := os.OpenFile(h.target, openFlags, 0)
	if err != nil {
		return nil, h.fail(op, err)
	}
	fi, err := fh.Stat()
	if err != nil {
		_ = fh.Close()
		return nil, h.fail(op, err)
	}
	code := ""
	switch {
	case fi.IsDir():
		code = CodeIsDirectory
	case !fi.Mode().IsRegular():
		code = CodeNotRegularFile
	default:
		return fh, nil
	}
	_ = fh.Close()
	return nil, &Error{Reason: Other, Op: op, Store: h.Name(), Code: code}
}

// load reads and checks the file's token.
func (h *lockedFile) load(op Operation) (string, fs.FileInfo, error) {
	fh, err := h.open(op)
	if err != nil {
		return "", nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return "", nil, h.fail(op, err)
	}
	b, err := io.ReadAll(io.LimitReader(fh, maxFileBytes+1))
	if err != nil {
		return "", nil, h.fail(op, err)
	}
	if len(b) > maxFileBytes {
		return "", nil, &Error{Reason: Malformed, Op: op, Store: h.Name(), Code: "TooLarge"}
	}
	tok, err := checkToken(string(b), op, h.Name())
	return tok, fi, err
}

// Replace compares and swaps; the caller holds the lock. Once next exists
// it is never deleted unless it is in place: when the file vanished or was
// emptied since the read (someone outside the lock), or the rename fails,
// the new token stays in a file beside it, which the error names.
func (h *lockedFile) Replace(ctx context.Context, prev Snapshot, next string) (bool, error) {
	if _, err := checkToken(next, opWrite, h.Name()); err != nil {
		return false, err
	}
	cur, _, err := h.load(opWrite)
	if err != nil {
		var se *Error
		if errors.As(err, &se) && (se.Reason == Empty || se.Reason == NotFound) {
			return false, h.keep(next, se)
		}
		return false, err
	}
	if cur != prev.version {
		return false, nil
	}
	tmp, err := h.writeTemp(next)
	if err != nil {
		return false, h.fail(opWrite, err)
	}
	if err := h.rename(tmp); err != nil {
		e := h.fail(opWrite, err)
		e.SavedIn = absPath(tmp)
		return false, e
	}
	syncDir(h.dir())
	return true, nil
}

// keep saves next beside the target and returns cause naming that file.
func (h *lockedFile) keep(next string, cause *Error) error {
	e := *cause
	tmp, err := h.writeTemp(next)
	if err != nil {
		return &e
	}
	e.SavedIn = absPath(tmp)
	return &e
}

// absPath names a file for a message independently of the working directory.
func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

func (h *lockedFile) dir() string {
	if dir := filepath.Dir(h.target); dir != "" {
		return dir
	}
	return "."
}

func (h *lockedFile) tempPattern() string { return "." + filepath.Base(h.target) + ".tmp-*" }

// writeTemp writes token to a new temporary file in the target's directory
// (so the rename stays on one file system), mode 0600 from creation, synced
// and closed. On failure nothing is left behind.
func (h *lockedFile) writeTemp(token string) (name string, err error) {
	tmp, err := createTemp(h.dir(), h.tempPattern())
	if err != nil {
		return "", err
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
		return "", err
	}
	if err = tmp.Sync(); err != nil {
		return "", err
	}
	if err = tmp.Close(); err != nil {
		return "", err
	}
	return tmp.Name(), nil
}

// rename moves tmp over the target, retrying on Windows.
func (h *lockedFile) rename(tmp string) error {
	err := renameFile(tmp, h.target)
	for i := 1; err != nil && goos == "windows" && i < renameAttempts; i++ {
		sleep(renameDelay)
		err = renameFile(tmp, h.target)
	}
	return err
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
func (f *fileStore) fail(op Operation, err error) *Error {
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
