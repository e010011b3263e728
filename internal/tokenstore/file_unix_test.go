//go:build unix

package tokenstore

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
)

// A FIFO at the path is refused at once, not opened for a writer to come.
func TestFileRefusesNonRegularFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	spent := 0
	_, err := Cycle(context.Background(), NewFile(path), spendCounter(&spent, "new"), nil)
	if e := reasonOf(t, err); e.Code != CodeNotRegularFile || spent != 0 {
		t.Errorf("%+v after %d exchanges", e, spent)
	}
	if _, err := NewFile(path).Read(context.Background()); reasonOf(t, err).Code != CodeNotRegularFile {
		t.Errorf("read: %v", err)
	}
}
