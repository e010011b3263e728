// Package redact holds the helpers both token sources (internal/cognito and
// internal/clientcredentials) and the provider's logs use to phrase errors
// without secrets.
package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
)

// MinRun is the shortest piece of a secret that is masked wherever it
// appears: a proxy or endpoint that echoes a truncated copy leaks that
// much. Shorter secrets are masked whole.
const MinRun = 12

// Forms lists every secret as it may be echoed back: verbatim,
// JSON-escaped (with and without HTML escaping) and URL-escaped (query and
// path), without duplicates or empty values. Case is handled by the
// matchers, not here.
func Forms(secrets []string) []string {
	forms, _ := formsAndLowered(secrets)
	return forms
}

// formsAndLowered is Forms, and each form lower-cased (ASCII).
func formsAndLowered(secrets []string) (forms, lowered []string) {
	seen := map[string]bool{}
	add := func(s string) {
		if key := asciiLower(s); s != "" && !seen[key] {
			seen[key] = true
			forms = append(forms, s)
			lowered = append(lowered, key)
		}
	}
	for _, s := range secrets {
		add(s)
		add(jsonEscaped(s, true))
		add(jsonEscaped(s, false))
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
	}
	return forms, lowered
}

// Base64Forms is s in every base64 variant a header or proxy may show:
// standard and URL alphabets, with and without `=` padding.
func Base64Forms(s string) []string {
	b := []byte(s)
	return []string{
		base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
	}
}

func jsonEscaped(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// Masker masks every form of some secrets (Forms), in any ASCII case, in
// log text. Building one costs only the forms, and each Mask one search of
// the text per form, so only lines that are logged cost anything. (The
// case-insensitive regular expression over every form that tflog's masks
// need was compiled on every Open and Read, logged or not: kilobytes of
// tokens, most of an Open's allocations.)
type Masker struct {
	forms []string // lower-cased
}

// With returns a Masker that masks secrets too; m is unchanged.
func (m Masker) With(secrets []string) Masker {
	_, lowered := formsAndLowered(secrets)
	return Masker{forms: append(slices.Clip(m.forms), lowered...)}
}

// Mask replaces every stretch of text that occurrences of a form cover with
// "***", like Scrub but without its runs: log text is the provider's own,
// wire text has been through Scrub already.
func (m Masker) Mask(text string) string {
	lower := asciiLower(text)
	var masked []bool
	for _, form := range m.forms {
		for from := 0; ; {
			i := strings.Index(lower[from:], form)
			if i < 0 {
				break
			}
			if masked == nil {
				masked = make([]bool, len(text))
			}
			for j := from + i; j < from+i+len(form); j++ {
				masked[j] = true
			}
			from += i + 1 // occurrences may overlap each other, too
		}
	}
	if masked == nil {
		return text
	}
	return replaceMasked(text, masked)
}

// Scrub removes secrets from text that came from the wire or the transport:
// answers can echo request values such as the client id, and a proxy may
// alter the echo. It masks every form of every secret (Forms), in any ASCII
// case, and every run of MinRun or more characters of one. It first marks
// every byte such an occurrence covers, then masks each run of marked bytes
// once: replacing secret by secret would leave the tail of one that
// overlaps another ("<abcdef>" with "abcd" and "cdef" would become "<***ef>").
//
// Cost: one map lookup per byte of text, plus one entry per byte of the
// secrets' forms; secrets and texts are short.
func Scrub(text string, secrets []string) string {
	if text == "" {
		return text
	}
	lower := asciiLower(text)
	masked := make([]bool, len(text))
	found := false
	mark := func(from, to int) {
		for j := from; j < to; j++ {
			masked[j] = true
		}
		found = true
	}
	runs := map[string]struct{}{}
	for _, form := range Forms(secrets) {
		form = asciiLower(form)
		if len(form) >= MinRun {
			for i := 0; i+MinRun <= len(form); i++ {
				runs[form[i:i+MinRun]] = struct{}{}
			}
			continue
		}
		for from := 0; from < len(lower); {
			i := strings.Index(lower[from:], form)
			if i < 0 {
				break
			}
			mark(from+i, from+i+len(form))
			from += i + 1 // occurrences may overlap each other, too
		}
	}
	if len(runs) > 0 {
		for i := 0; i+MinRun <= len(lower); i++ {
			if _, ok := runs[lower[i:i+MinRun]]; ok {
				mark(i, i+MinRun)
			}
		}
	}
	if !found {
		return text
	}
	return replaceMasked(text, masked)
}

// replaceMasked replaces each run of masked bytes of text with "***".
func replaceMasked(text string, masked []bool) string {
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

// asciiLower lower-cases ASCII letters only, so byte offsets stay the same
// (strings.ToLower may change a non-ASCII character's length). Secrets are
// ASCII: the validators accept nothing else.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Printable keeps a server-chosen string short and on one line: control
// characters (ESC sequences, newlines, bidirectional overrides) become
// spaces, so a proxy or endpoint cannot forge or hide output, and text
// beyond limit bytes is cut with "…".
func Printable(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	if len(s) > limit {
		s = strings.ToValidUTF8(s[:limit], "") + "…"
	}
	return s
}

// Wire is Scrub then Printable: how every string from the wire is shown.
func Wire(text string, secrets []string, limit int) string {
	return Printable(Scrub(text, secrets), limit)
}

// URL is raw as printed in diagnostics and logs: scheme, host and port
// only. Its path, query and fragment become "…": they may carry a secret
// (an API key in the query, a token in the path), and userinfo is never
// shown.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(a URL that does not parse)"
	}
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
	if (u.Path != "" && u.Path != "/") || u.Opaque != "" || strings.ContainsAny(raw, "?#") {
		shown += "/…"
	}
	return shown
}

// URLSecrets lists what URL hides of raw (its path, query and fragment, as
// they appear in a printed URL), for scrubbing texts that embed the whole
// URL, such as a transport error's `Post "https://…"`.
func URLSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	path := u.EscapedPath()
	if path == "/" {
		path = ""
	}
	return NonEmpty(path, u.RawQuery, u.EscapedFragment())
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
