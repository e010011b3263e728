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
)

func TestFileReadTrimsAndClassifies(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	s := NewFile(path)
	if got := s.Name(); got != `file "`+path+`"` {
		t.Errorf("Name %q", got)
	}
	_, err := s.Read(context.Background())
	if e := reasonOf(t, err); e.Reason != NotFound || e.Op != "read" || e.Store != s.Name() {
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
	if _, err := NewFile(dir).Read(context.Background()); reasonOf(t, err).Reason != Other {
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
	// A file that vanished or emptied since the read no longer holds prev.
	cur, _ := s.Read(context.Background())
	writeFile(t, path, "")
	if ok, err := s.Replace(context.Background(), cur, "x"); ok || err != nil {
		t.Errorf("emptied file: %v %v", ok, err)
	}
	os.Remove(path)
	if ok, err := s.Replace(context.Background(), cur, "x"); ok || err != nil {
		t.Errorf("removed file: %v %v", ok, err)
	}
	// Nothing that is not a refresh token is written.
	writeFile(t, path, "new")
	cur, _ = s.Read(context.Background())
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
	if e := reasonOf(t, err); e.Op != "write" || e.Reason != NotFound {
		t.Errorf("missing directory: %+v", e)
	}
	// A path that is a directory reads as an OS failure, reported as a write.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = NewFile(sub).Replace(context.Background(), Snapshot{Token: "a", version: "a"}, "b")
	if e := reasonOf(t, err); e.Op != "write" || e.Reason != Other {
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
		e := f.fail("read", c.err)
		if e.Reason != c.want || e.Code != c.code || !errors.Is(e, c.err) {
			t.Errorf("%v: %+v", c.err, e)
		}
	}
	if err := asWrite(errors.New("plain")); err.Error() != "plain" {
		t.Errorf("asWrite changed a foreign error: %v", err)
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
