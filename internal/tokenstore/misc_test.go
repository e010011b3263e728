package tokenstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestSnapshotNeverPrintsToken(t *testing.T) {
	snap := Snapshot{Token: "tok-SECRET", version: "tok-SECRET"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(verb, snap); strings.Contains(out, "SECRET") {
			t.Errorf("%s printed %q", verb, out)
		}
	}
}

func TestReasonAndCodeText(t *testing.T) {
	names := map[string]bool{}
	for _, r := range Reasons {
		names[r.String()] = true
	}
	if len(names) != 12 || !names["version quota"] || !names["other"] || !names["not found"] || !names["canceled"] || !names["invalid credentials"] {
		t.Errorf("the store's reasons: %v", names)
	}
	if got := printableCode("Bad\x00Code\n \x7f é~"); got != "BadCode~" {
		t.Errorf("printableCode %q", got)
	}
	if got := printableCode(strings.Repeat("A", 100)); len(got) != maxCodeLen {
		t.Errorf("capped at %d", len(got))
	}
	e := &Error{Reason: Throttled, Op: opWrite, Store: "s", Code: "C", Attempts: 2}
	if got := e.Error(); got != "write s: throttled (C), 2 attempts" {
		t.Errorf("message %q", got)
	}
	e = &Error{Reason: Empty, Op: opRead, Store: "s", Attempts: 1}
	if got := e.Error(); got != "read s: empty, 1 attempt" {
		t.Errorf("message %q", got)
	}
}

// A failed rename keeps the only copy of the new token and names it; the
// old file is untouched.
func TestFileFailedRenameKeepsNewToken(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	writeFile(t, path, "old")
	s := NewFile(path)
	snap, _ := s.Read(context.Background())
	boom := errors.New("rename failed")
	renameFile = func(string, string) error { return boom }
	t.Cleanup(func() { renameFile = os.Rename })
	_, err := s.Replace(context.Background(), snap, "new")
	e := reasonOf(t, err)
	if e.Op != opWrite || !errors.Is(err, boom) || e.SavedIn == "" || filepath.Dir(e.SavedIn) != dir {
		t.Fatalf("%+v", e)
	}
	if b, _ := os.ReadFile(e.SavedIn); string(b) != "new\n" {
		t.Errorf("%s holds %q, want the new token", e.SavedIn, b)
	}
	if fi, _ := os.Stat(e.SavedIn); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("kept file mode %v", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("content %q", b)
	}
	// Through Cycle the token is not lost: it is in the named file.
	_, err = Cycle(context.Background(), s, func(context.Context, string) (string, error) { return "newer", nil }, nil)
	if e := reasonOf(t, err); e.TokenLost || e.SavedIn == "" {
		t.Errorf("cycle: %+v", e)
	}
}

// Without a temporary file (a directory that takes no new file) the cycle
// stops before the exchange.
func TestFileWriteFailureLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	writeFile(t, path, "old")
	s := NewFile(path)
	snap, _ := s.Read(context.Background())
	boom := errors.New("no space")
	createTemp = func(string, string) (*os.File, error) { return nil, boom }
	t.Cleanup(func() { createTemp = os.CreateTemp })
	if _, err := s.Replace(context.Background(), snap, "new"); !errors.Is(err, boom) {
		t.Fatalf("create temp: %v", err)
	}
	exchanges := 0
	_, err := Cycle(context.Background(), s, func(context.Context, string) (string, error) { exchanges++; return "new", nil }, nil)
	if !errors.Is(err, boom) || exchanges != 0 {
		t.Fatalf("cycle: %v after %d exchanges", err, exchanges)
	}
	// The temporary files are made next to the target (one file system, so
	// the rename is atomic), the probe's is removed, and the directory is
	// synced after the rename.
	var tempDirs, synced []string
	createTemp = func(d, p string) (*os.File, error) { tempDirs = append(tempDirs, d); return os.CreateTemp(d, p) }
	syncFile = func(f *os.File) error { synced = append(synced, f.Name()); return f.Sync() }
	t.Cleanup(func() { syncFile = (*os.File).Sync })
	if ok, err := s.Replace(context.Background(), snap, "new"); !ok || err != nil {
		t.Fatalf("replace: %v %v", ok, err)
	}
	if len(tempDirs) != 2 || filepath.Clean(tempDirs[1]) != dir || len(synced) != 1 || filepath.Clean(synced[0]) != dir {
		t.Errorf("temporary files in %v, synced %v; want both in %s", tempDirs, synced, dir)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d entries: a temporary file was left", len(entries))
	}
	// A relative path writes in the working directory.
	tempDirs = nil
	t.Chdir(dir)
	rel := NewFile("token")
	snap, _ = rel.Read(context.Background())
	if ok, err := rel.Replace(context.Background(), snap, "newer"); !ok || err != nil {
		t.Fatalf("relative path: %v %v", ok, err)
	}
	if len(tempDirs) != 2 || tempDirs[1] != "." {
		t.Errorf("relative path: temporary file in %v", tempDirs)
	}
}

func TestSecretsManagerOddSecretsAndConfig(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("nothing", "x")
	pool.SetSecretBinary("nothing", []byte{})
	_, err := smStore(pool, "nothing", 1).Read(context.Background())
	if e := reasonOf(t, err); e.Reason != Empty {
		t.Errorf("neither string nor binary: %+v", e)
	}
	// A broken shared configuration fails every call before any request.
	t.Setenv("AWS_PROFILE", "missing")
	s := smStore(pool, "nothing", 1)
	before := pool.SecretsManagerCalls("")
	_, rerr := s.Read(context.Background())
	_, werr := s.Replace(context.Background(), Snapshot{Token: "a", version: "v"}, "b")
	if e := reasonOf(t, rerr); e.Op != opRead {
		t.Errorf("read: %+v", e)
	}
	if e := reasonOf(t, werr); e.Op != opWrite {
		t.Errorf("write: %+v", e)
	}
	if pool.SecretsManagerCalls("") != before {
		t.Error("a request went out without a configuration")
	}
}
