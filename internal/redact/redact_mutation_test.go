package redact

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// returnsWithin runs f and panics when it has not returned after d: a
// loop that never ends (a changed step or exit condition) then fails this
// test binary at once instead of hanging it, so the mutation gate counts a
// kill rather than a timeout. A panic, because a hung goroutine would keep
// the binary running after t.Fatal.
func returnsWithin[T any](d time.Duration, what string, f func() T) T {
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		panic(what + " did not return within " + d.String() + ": a loop that never ends")
	}
}

// TestScrubReturns: masking ends for matches at the start, the end,
// overlapping and adjacent ones, and keeps what is not a secret.
func TestScrubReturns(t *testing.T) {
	for _, tc := range []struct {
		text    string
		secrets []string
		want    string
	}{
		{"abc!", []string{"abc"}, "***!"},
		{"id=abc!", []string{"abc"}, "id=***!"},
		{"aaaa!", []string{"aaa"}, "***!"},
		{"x abab y abab", []string{"ab"}, "x *** y ***"},
		{"<abcdef>", []string{"cdef", "abcd"}, "<***>"},
	} {
		got := returnsWithin(10*time.Second, fmt.Sprintf("Scrub(%q)", tc.text), func() string { return Scrub(tc.text, tc.secrets) })
		if got != tc.want {
			t.Errorf("Scrub(%q, %q) = %q, want %q", tc.text, tc.secrets, got, tc.want)
		}
	}
}

// TestRootCauseReturns: an error that wraps nothing is its own root.
func TestRootCauseReturns(t *testing.T) {
	root := errors.New("root")
	for _, err := range []error{root, fmt.Errorf("a: %w", root), fmt.Errorf("b: %w", fmt.Errorf("a: %w", root))} {
		got := returnsWithin(10*time.Second, "RootCause", func() error { return RootCause(err) })
		if got != root { //nolint:errorlint // identity is the point
			t.Errorf("RootCause(%v) = %v", err, got)
		}
	}
}
