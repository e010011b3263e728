package redact

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
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
		// Altered copies (issue 17): each row fails with exact matching.
		{"upper-cased", "client ABC123DEF!", []string{"abc123def"}, "client ***!"},
		{"lower-cased", "client abc123def!", []string{"ABC123DEF"}, "client ***!"},
		{"truncated copy inside other text", "token=xx4f5g6h7i8j9k0l1mxx", []string{"0a1b2c3d4e4f5g6h7i8j9k0l1m2n3o"}, "token=xx***xx"},
		{"truncated, upper-cased", "T=4F5G6H7I8J9K0L", []string{"0a1b2c3d4e4f5g6h7i8j9k0l1m2n3o"}, "T=***"},
		{"a run shorter than MinRun stays", "t=4f5g6h7i8j9 ok", []string{"0a1b2c3d4e4f5g6h7i8j9k0l1m2n3o"}, "t=4f5g6h7i8j9 ok"},
		{"JSON-escaped", `{"m":"bad \"quote\\d\u003ckey"}`, []string{`bad "quote\d<key`}, `{"m":"***"}`},
		{"JSON-escaped without HTML escaping", `{"m":"a<b\"c"}`, []string{`a<b"c`}, `{"m":"***"}`},
		{"URL query-escaped", "Authorization=Basic+aWQ6c2VjcmV0KyUyRg%3D%3D", []string{"aWQ6c2VjcmV0KyUyRg=="}, "Authorization=Basic+***"},
		{"URL query-escaped, lower-case hex", "basic=aWQ6c2VjcmV0KyUyRg%3d%3d", []string{"aWQ6c2VjcmV0KyUyRg=="}, "basic=***"},
		{"form-escaped plus", "client a%2Bb:s%2Bc", []string{"a+b", "s+c"}, "client ***:***"},
		{"non-ASCII text keeps its bytes", "é ABC é", []string{"abc"}, "é *** é"},
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
// and no copy of one in another case, nor a run of MinRun characters of
// one, survives either.
func FuzzScrub(f *testing.F) {
	f.Add("<abcdef>", "abcd", "cdef")
	f.Add("aaaa", "aa", "a")
	f.Add("x ABCDEFGHIJKLMN y", "zabcdefghijklmnz", "q")
	f.Add("Basic aWQlMkJ4OnMlMkZl", "aWQlMkJ4OnMlMkZlJTNEYyUyQnJldA", "aWQlMkJ4OnMlMkZlJTNEYyUyQnJldA==")
	f.Add("Basic aWQlMkJ4OnMlMkZlJTNEYyUyQnJldA%3D%3D", "aWQlMkJ4OnMlMkZlJTNEYyUyQnJldA==", "")
	f.Fuzz(func(t *testing.T, text, a, b string) {
		got := Scrub(text, []string{a, b})
		lower := asciiLower(got)
		for _, s := range []string{a, b} {
			if s == "" || strings.Contains(s, "*") {
				continue
			}
			s = asciiLower(s)
			if strings.Contains(lower, s) {
				t.Fatalf("Scrub(%q, %q, %q) = %q still holds %q", text, a, b, got, s)
			}
			for i := 0; i+MinRun <= len(s); i++ {
				if strings.Contains(lower, s[i:i+MinRun]) {
					t.Fatalf("Scrub(%q, %q, %q) = %q still holds the run %q", text, a, b, got, s[i:i+MinRun])
				}
			}
		}
	})
}

// TestScrubBasicHeaderForms: every base64 variant of the credentials as
// sent in a Basic header, padded or not, std or URL alphabet, URL-escaped,
// or cut short, is masked when the list holds Base64Forms of them.
func TestScrubBasicHeaderForms(t *testing.T) {
	const pair = "id>>>:s???cret!x" // its base64 has "+", "/" and "=" padding
	secrets := append([]string{pair}, Base64Forms(pair)...)
	for _, echoed := range append(Base64Forms(pair),
		url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(pair))),
		strings.ToUpper(base64.RawURLEncoding.EncodeToString([]byte(pair))),
		base64.StdEncoding.EncodeToString([]byte(pair))[3:20],
	) {
		if got := Scrub("proxy saw Basic "+echoed+".", secrets); got != "proxy saw Basic ***." {
			t.Errorf("Scrub of %q = %q", echoed, got)
		}
	}
	if forms := Base64Forms(pair); len(forms) != 4 || forms[0] == forms[1] || forms[0] == forms[2] || forms[2] == forms[3] {
		t.Errorf("Base64Forms(%q) = %q, want four different variants", pair, forms)
	}
}

func TestForms(t *testing.T) {
	got := Forms([]string{"a+b/c\"d<e", "", "plain", "PLAIN"})
	want := []string{"a+b/c\"d<e", `a+b/c\"d\u003ce`, `a+b/c\"d<e`, "a%2Bb%2Fc%22d%3Ce", "a+b%2Fc%22d%3Ce", "plain"}
	if !slices.Equal(got, want) {
		t.Errorf("Forms = %q, want %q", got, want)
	}
}

// TestMasker: log text is masked for every form of every secret, in any
// case, a form inside a longer one included; what is no secret stays; a
// Masker extended With more secrets leaves the original alone.
func TestMasker(t *testing.T) {
	if got := (Masker{}).Mask("a s3cret b"); got != "a s3cret b" {
		t.Errorf("the zero Masker changed the text: %q", got)
	}
	first := Masker{}.With([]string{"s3cret+Value"})
	m := first.With([]string{"s3cret", "ab", "cd", "abcdef"})
	for text, want := range map[string]string{
		"a S3CRET+VALUE b":   "a *** b",
		"a s3cret%2Bvalue b": "a *** b",
		"a s3cret b":         "a *** b",
		"s3cret":             "***",
		"a (s3cre) b":        "a (s3cre) b",
		"<ABCDEF>":           "<***>",
		"x abab y abab":      "x *** y ***",
		"id=ab!":             "id=***!",
		"":                   "",
	} {
		got := returnsWithin(10*time.Second, fmt.Sprintf("Mask(%q)", text), func() string { return m.Mask(text) })
		if got != want {
			t.Errorf("masked %q = %q, want %q", text, got, want)
		}
	}
	if got := first.Mask("a s3cret b"); got != "a s3cret b" {
		t.Errorf("With changed the Masker it extends: %q", got)
	}
}

func TestPrintable(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"NotAuthorizedException", 64, "NotAuthorizedException"},
		{"Bad\x1b[31mRed\x1b[0m", 64, "Bad [31mRed [0m"},
		{"line1\nline2\r\tx", 64, "line1 line2  x"},
		{"rtl\u202eevil", 64, "rtl evil"},
		{strings.Repeat("a", 70), 64, strings.Repeat("a", 64) + "…"},
		{"éééé", 3, "é…"},   // never cuts a character in half
		{"abcd", 4, "abcd"}, // at the limit: kept whole
		{"abcde", 4, "abcd…"},
	} {
		if got := Printable(tc.in, tc.limit); got != tc.want {
			t.Errorf("Printable(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
	if got := Wire("code abc123\x1b[2J", []string{"abc123"}, 64); got != "code *** [2J" {
		t.Errorf("Wire = %q", got)
	}
}

// TestURL: only scheme, host and port are ever shown.
func TestURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://cognito-idp.eu-west-1.amazonaws.com":         "https://cognito-idp.eu-west-1.amazonaws.com",
		"https://cognito-idp.eu-west-1.amazonaws.com/":        "https://cognito-idp.eu-west-1.amazonaws.com",
		"http://127.0.0.1:9229":                               "http://127.0.0.1:9229",
		"http://[::1]:9229/":                                  "http://[::1]:9229",
		"https://proxy.example.com/?api_key=s3cr3tKey":        "https://proxy.example.com/…",
		"https://proxy.example.com#s3cr3tKey":                 "https://proxy.example.com/…",
		"https://proxy.example.com?":                          "https://proxy.example.com/…",
		"https://auth.example.com/s3cr3tPath/oauth2/token":    "https://auth.example.com/…",
		"https://user:pa55word@auth.example.com/oauth2/token": "https://auth.example.com/…",
		"https://auth.example.com/oauth2/token?x=1#frag":      "https://auth.example.com/…",
		"::not a url":    "(a URL that does not parse)",
		"/relative/only": "(a URL that does not parse)",
	} {
		if got := URL(raw); got != want {
			t.Errorf("URL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestURLSecrets(t *testing.T) {
	got := URLSecrets("https://proxy.example.com/k3y/path?api_key=s3cr3t#frag")
	if want := []string{"/k3y/path", "api_key=s3cr3t", "frag"}; !slices.Equal(got, want) {
		t.Errorf("URLSecrets = %q, want %q", got, want)
	}
	if got := URLSecrets("https://cognito-idp.eu-west-1.amazonaws.com/"); len(got) != 0 {
		t.Errorf("URLSecrets of a bare host = %q", got)
	}
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

// TestScrubLowersEveryUpperCaseLetter: 'Z', the last letter, is upper case
// too; a text whose only capital is a Z must still match.
func TestScrubLowersEveryUpperCaseLetter(t *testing.T) {
	if got := Scrub("id=Zzzzz.", []string{"zzzzz"}); got != "id=***." {
		t.Errorf("Scrub = %q, want %q", got, "id=***.")
	}
	if got := Scrub("id=Azzzz.", []string{"azzzz"}); got != "id=***." {
		t.Errorf("Scrub = %q, want %q", got, "id=***.")
	}
}
