// Package redact holds the helpers both token sources (internal/cognito and
// internal/clientcredentials) use to phrase errors without secrets.
package redact

import (
	"errors"
	"fmt"
	"strings"
)

// Scrub removes secrets from text that came from the wire or the transport:
// answers can echo request values such as the client id. It first marks
// every byte any secret's occurrence covers, then masks each run of marked
// bytes once: replacing secret by secret would leave the tail of one that
// overlaps another ("<abcdef>" with "abcd" and "cdef" would become "<***ef>").
func Scrub(text string, secrets []string) string {
	masked := make([]bool, len(text))
	found := false
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for from := 0; from < len(text); {
			i := strings.Index(text[from:], s)
			if i < 0 {
				break
			}
			for j := from + i; j < from+i+len(s); j++ {
				masked[j] = true
			}
			found = true
			from += i + 1 // occurrences may overlap each other, too
		}
	}
	if !found {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		if !masked[i] {
			b.WriteByte(text[i])
			continue
		}
		b.WriteString("***")
		for i+1 < len(text) && masked[i+1] {
			i++
		}
	}
	return b.String()
}

// RootCause is the innermost error of err's Unwrap chain.
func RootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// AttemptsMade is "1 attempt" or "<n> attempts".
func AttemptsMade(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// NonEmpty returns values without the empty ones, for lists of secrets.
func NonEmpty(values ...string) []string {
	out := values[:0:0]
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
