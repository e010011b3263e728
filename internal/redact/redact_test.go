package redact

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestScrub(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		secrets    []string
		want       string
	}{
		{"no secret", "plain text", []string{"abc"}, "plain text"},
		{"empty secret ignored", "abc", []string{""}, "abc"},
		{"one secret", "id=abc!", []string{"abc"}, "id=***!"},
		{"twice", "abc abc", []string{"abc"}, "*** ***"},
		{"overlapping secrets", "<abcdef>", []string{"abcd", "cdef"}, "<***>"},
		{"overlapping the other way round", "<abcdef>", []string{"cdef", "abcd"}, "<***>"},
		{"one inside another", "<xabcx>", []string{"b", "abc"}, "<x***x>"},
		{"adjacent occurrences", "abab", []string{"ab"}, "***"},
		{"self-overlapping occurrences", "aaaa!", []string{"aaa"}, "***!"},
		{"at the start", "abc!", []string{"abc"}, "***!"},
		{"at the end", "!abc", []string{"abc"}, "!***"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Scrub(tc.text, tc.secrets); got != tc.want {
				t.Errorf("Scrub(%q, %q) = %q, want %q", tc.text, tc.secrets, got, tc.want)
			}
		})
	}
}

// FuzzScrub: no secret survives, whatever the overlap (secrets are words
// without "*", the mask's character).
func FuzzScrub(f *testing.F) {
	f.Add("<abcdef>", "abcd", "cdef")
	f.Add("aaaa", "aa", "a")
	f.Fuzz(func(t *testing.T, text, a, b string) {
		got := Scrub(text, []string{a, b})
		for _, s := range []string{a, b} {
			if s != "" && !strings.Contains(s, "*") && strings.Contains(got, s) {
				t.Fatalf("Scrub(%q, %q, %q) = %q still holds %q", text, a, b, got, s)
			}
		}
	})
}

func TestRootCause(t *testing.T) {
	root := errors.New("root")
	if got := RootCause(fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", root))); got != root {
		t.Errorf("RootCause = %v, want %v", got, root)
	}
	if got := RootCause(root); got != root {
		t.Errorf("RootCause(root) = %v", got)
	}
}

func TestAttemptsMade(t *testing.T) {
	for n, want := range map[int]string{0: "0 attempts", 1: "1 attempt", 2: "2 attempts"} {
		if got := AttemptsMade(n); got != want {
			t.Errorf("AttemptsMade(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestNonEmpty(t *testing.T) {
	if got := NonEmpty("a", "", "b", ""); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("NonEmpty = %q", got)
	}
	if got := NonEmpty(); len(got) != 0 {
		t.Errorf("NonEmpty() = %q", got)
	}
}
