package tokenstore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

func TestFileReadTrimsAndClassifies(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	s := NewFile(path)
	if got := s.Name(); got != `file "`+path+`"` {
		t.Errorf("Name %q", got)
	}
	_, err := s.Read(context.Background())
	if e := reasonOf(t, err); e.Reason != NotFound || e.Op != opRead || e.Store != s.Name() {
		t.Errorf("missing file: %+v", e)
	}
	for content, want := range map[string]Reason{"": Empty, " \n\t": Empty, "a b": Malformed, `{"t":"x"}`: Malformed} {
		writeFile(t, path, content)
		_, err := s.Read(context.Background())
		if e := reasonOf(t, err); e.Reason != want {
			t.Errorf("%q: reason %v, want %v", content, e.Reason, want)
		}
	}
	writeFile(t, path, strings.Repeat("a", maxFileBytes+1))
	if _, err := s.Read(context.Background()); reasonOf(t, err).Reason != Malformed {
		t.Errorf("oversized file: %v", err)
	}
	writeFile(t, path, strings.Repeat("a", maxFileBytes))
	if snap, err := s.Read(context.Background()); err != nil || len(snap.Token) != maxFileBytes {
		t.Errorf("file of the maximum size: %v", err)
	}
	writeFile(t, path, "  abc.DEF-_=\r\n")
	snap, err := s.Read(context.Background())
	if err != nil || snap.Token != "abc.DEF-_=" {
		t.Fatalf("read %q, %v", snap.Token, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Read(ctx); reasonOf(t, err).Reason != Canceled {
		t.Errorf("canceled read: %v", err)
	}
	if _, err := NewFile(dir).Read(context.Background()); reasonOf(t, err).Code != CodeIsDirectory {
		t.Errorf("a directory: %v", err)
	}
}

func TestFileReplaceIsCompareAndSwap(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	writeFile(t, path, "old\n")
	if runtime.GOOS != "windows" {
		_ = os.Chmod(path, 0o644)
	}
	s := NewFile(path)
	snap, err := s.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ok, err := s.Replace(context.Background(), snap, "new")
	if err != nil || !ok {
		t.Fatalf("replace: %v %v", ok, err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "new\n" {
		t.Errorf("content %q", b)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	// A second writer that read "old" loses: the file keeps "new".
	ok, err = s.Replace(context.Background(), snap, "other")
	if err != nil || ok {
		t.Fatalf("stale replace: %v %v", ok, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Errorf("content after a lost race %q", b)
	}
	// Only the token and its lock file remain: no temporary files.
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "token,token.lock" {
		t.Errorf("directory holds %v", names)
	}
	// Nothing that is not a refresh token is written.
	writeFile(t, path, "new")
	cur, _ := s.Read(context.Background())
	if _, err := s.Replace(context.Background(), cur, "two words"); reasonOf(t, err).Reason != Malformed {
		t.Errorf("malformed next: %v", err)
	}
	if _, err := s.Replace(context.Background(), cur, " "); reasonOf(t, err).Reason != Empty {
		t.Errorf("empty next: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("content after refused writes %q", b)
	}
}

func TestFileReplaceFailures(t *testing.T) {
	dir := t.TempDir()
	// The lock cannot be created in a missing directory.
	s := NewFile(filepath.Join(dir, "missing", "token"))
	_, err := s.Replace(context.Background(), Snapshot{Token: "a", version: "a"}, "b")
	if e := reasonOf(t, err); e.Op != opWrite || e.Reason != NotFound {
		t.Errorf("missing directory: %+v", e)
	}
	// A path that is a directory is refused as such.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = NewFile(sub).Replace(context.Background(), Snapshot{Token: "a", version: "a"}, "b")
	if e := reasonOf(t, err); e.Op != opWrite || e.Reason != Other || e.Code != CodeIsDirectory {
		t.Errorf("directory: %+v", e)
	}
	// A canceled context gives up waiting for the lock.
	path := filepath.Join(dir, "token")
	writeFile(t, path, "a")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewFile(path).Replace(ctx, Snapshot{Token: "a", version: "a"}, "b"); reasonOf(t, err).Reason != Canceled {
		t.Errorf("canceled: %v", err)
	}
}

func TestFileFailClassification(t *testing.T) {
	f := &fileStore{path: "p"}
	cases := []struct {
		err  error
		want Reason
		code string
	}{
		{&fs.PathError{Op: "open", Path: "p", Err: syscall.EACCES}, AccessDenied, "permission-denied"},
		{&fs.PathError{Op: "open", Path: "p", Err: syscall.ENOENT}, NotFound, "no-such-file-or-directory"},
		{context.DeadlineExceeded, Timeout, ""},
		{context.Canceled, Canceled, ""},
		{errors.New("x"), Other, ""},
	}
	for _, c := range cases {
		e := f.fail(opRead, c.err)
		if e.Reason != c.want || e.Code != c.code || !errors.Is(e, c.err) {
			t.Errorf("%v: %+v", c.err, e)
		}
	}
}

// Readers never see a partial or empty file while writers replace it.
func TestFileReplaceIsAtomicForReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	long := strings.Repeat("x", 64<<10)
	writeFile(t, path, "t0"+long)
	s := NewFile(path)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad error
	var mu sync.Mutex
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				snap, err := s.Read(context.Background())
				if err != nil || !strings.HasSuffix(snap.Token, long) {
					mu.Lock()
					bad = errors.Join(bad, errors.New("torn or failed read"))
					mu.Unlock()
					return
				}
			}
		})
	}
	for i := range 30 {
		snap, err := s.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.Replace(context.Background(), snap, "t"+string(rune('a'+i%26))+long); err != nil || !ok {
			t.Fatalf("replace %d: %v %v", i, ok, err)
		}
	}
	close(stop)
	wg.Wait()
	if bad != nil {
		t.Error(bad)
	}
}

// spendCounter is an exchange that rotates and counts its calls.
func spendCounter(n *int, next string) Exchange {
	return func(context.Context, string) (string, error) { *n++; return next, nil }
}

// Every lock or directory failure comes before Cognito spends the token.
func TestFileLockFailsBeforeSpending(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	writeFile(t, path, "old")
	// Someone else's lock that cannot be opened (here a directory).
	if err := os.Mkdir(path+".lock", 0o700); err != nil {
		t.Fatal(err)
	}
	spent := 0
	if _, err := Cycle(context.Background(), NewFile(path), spendCounter(&spent, "new"), nil); err == nil || spent != 0 {
		t.Errorf("unopenable lock: %v after %d exchanges", err, spent)
	}
	os.Remove(path + ".lock")
	// A lock another writer holds until the deadline.
	other := flock.New(path + ".lock")
	if err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	if _, err := Cycle(ctxTimeout(t, 100*time.Millisecond), NewFile(path), spendCounter(&spent, "new"), nil); reasonOf(t, err).Reason != Timeout || spent != 0 {
		t.Errorf("held lock: %v after %d exchanges", err, spent)
	}
	_ = other.Unlock()
	// A directory that takes no new file (read-only, full).
	createTemp = func(string, string) (*os.File, error) {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.EROFS}
	}
	t.Cleanup(func() { createTemp = os.CreateTemp })
	if _, err := Cycle(context.Background(), NewFile(path), spendCounter(&spent, "new"), nil); reasonOf(t, err).Code != "read-only-file-system" || spent != 0 {
		t.Errorf("read-only directory: %v after %d exchanges", err, spent)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("content %q", b)
	}
}

// The lock is held from the read through the write: a second cycle waits
// and then reads the first one's token.
func TestFileLockHeldThroughExchange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	writeFile(t, path, "t0")
	s := NewFile(path)
	inside := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := Cycle(context.Background(), s, func(context.Context, string) (string, error) {
			close(inside)
			<-release
			return "t1", nil
		}, nil)
		done <- err
	}()
	<-inside
	probe := flock.New(path + ".lock")
	if ok, err := probe.TryLock(); ok || err != nil {
		t.Errorf("lock free during the exchange: %v %v", ok, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var presented string
	if _, err := Cycle(context.Background(), s, func(_ context.Context, rt string) (string, error) { presented = rt; return "t2", nil }, nil); err != nil || presented != "t1" {
		t.Errorf("second cycle presented %q: %v", presented, err)
	}
}

// A symlink is followed: its target gets the new token, the link stays.
func TestFileSymlinkReplacesTarget(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "real")
	link := filepath.Join(dir, "link")
	writeFile(t, target, "old")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	spent := 0
	out, err := Cycle(context.Background(), NewFile(link), spendCounter(&spent, "new"), nil)
	if err != nil || !out.Written {
		t.Fatalf("%v %+v", err, out)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != "new\n" {
		t.Errorf("target holds %q", b)
	}
}

// A file removed or emptied between the read and the write is an error,
// and the new token is kept in a named file.
func TestFileVanishedOrEmptiedIsError(t *testing.T) {
	for name, change := range map[string]func(string){
		"removed": func(p string) { os.Remove(p) },
		"emptied": func(p string) { _ = os.WriteFile(p, nil, 0o600) },
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "token")
			writeFile(t, path, "old")
			_, err := Cycle(context.Background(), NewFile(path), func(context.Context, string) (string, error) {
				change(path)
				return "new", nil
			}, nil)
			e := reasonOf(t, err)
			if e.Op != opWrite || e.TokenLost || e.SavedIn == "" {
				t.Fatalf("%+v", e)
			}
			if b, _ := os.ReadFile(e.SavedIn); string(b) != "new\n" {
				t.Errorf("%s holds %q", e.SavedIn, b)
			}
		})
	}
}

// On Windows a rename refused while another process holds the file open is
// retried.
func TestFileRenameRetriedOnWindows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	writeFile(t, path, "old")
	busy := &fs.PathError{Op: "rename", Path: path, Err: syscall.EACCES}
	fails := 2
	renameFile = func(from, to string) error {
		if fails > 0 {
			fails--
			return busy
		}
		return os.Rename(from, to)
	}
	slept := 0
	sleep = func(time.Duration) { slept++ }
	t.Cleanup(func() { renameFile, sleep, goos = os.Rename, time.Sleep, runtime.GOOS })
	goos = "windows"
	spent := 0
	if out, err := Cycle(context.Background(), NewFile(path), spendCounter(&spent, "new"), nil); err != nil || !out.Written || slept != 2 {
		t.Fatalf("%v %+v after %d retries", err, out, slept)
	}
	// Elsewhere a failed rename is final.
	goos, fails, slept = "linux", 1, 0
	if _, err := Cycle(context.Background(), NewFile(path), spendCounter(&spent, "newer"), nil); !errors.Is(err, busy) || slept != 0 {
		t.Errorf("%v after %d retries", err, slept)
	}
	// A rename that keeps failing is tried renameAttempts times in all, then
	// the new token stays in the temporary file, named.
	goos, fails, slept = "windows", 1000, 0
	var e *Error
	if _, err := Cycle(context.Background(), NewFile(path), spendCounter(&spent, "newest"), nil); !errors.As(err, &e) || e.SavedIn == "" ||
		slept != renameAttempts-1 || fails != 1000-renameAttempts {
		t.Errorf("%v after %d sleeps and %d renames", err, slept, 1000-fails)
	}
}

// A token file readable by group or others is reported.
func TestFileExposedIsReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	writeFile(t, path, "old")
	noRotation := func(context.Context, string) (string, error) { return "", nil }
	if out, err := Cycle(context.Background(), NewFile(path), noRotation, nil); err != nil || out.Exposed {
		t.Errorf("0600: %v %+v", err, out)
	}
	if runtime.GOOS == "windows" {
		return
	}
	for _, mode := range []fs.FileMode{0o640, 0o604} {
		_ = os.Chmod(path, mode)
		if out, err := Cycle(context.Background(), NewFile(path), noRotation, nil); err != nil || !out.Exposed {
			t.Errorf("%v: %v %+v", mode, err, out)
		}
	}
	t.Cleanup(func() { goos = runtime.GOOS })
	goos = "windows"
	if out, _ := Cycle(context.Background(), NewFile(path), noRotation, nil); out.Exposed {
		t.Error("Windows modes say nothing about readers")
	}
}
