package acctest

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Leak is one secret found where it must not be.
type Leak struct {
	Secret string // which one: "refresh_token", "issued access token", ...
	Form   string // how it was rendered: "verbatim", "base64", "first 16 chars", ...
	File   string // where, relative to the working directory
	Where  string // a redacted excerpt
}

// String renders the finding for a failure message: the excerpt is redacted.
func (l Leak) String() string {
	return fmt.Sprintf("%s (%s) in %s: %s", l.Secret, l.Form, l.File, l.Where)
}

// TokenTap sits between the provider and the double and remembers every
// token the double issued, so the test knows all the secrets in play even
// for the ephemeral resource, whose results go nowhere.
type TokenTap struct {
	*httptest.Server
	mu       sync.Mutex
	tokens   []string
	refresh  []string
	codes    []string
	requests int
}

// recordChallengeResponses keeps what a sign-in sent to answer challenges:
// the SRP claim and SECRET_HASH with the issued tokens, TOTP codes apart
// (too short for FindLeaks; FindCodeLeaks looks for them).
func (tap *TokenTap) recordChallengeResponses(body []byte) {
	var sent struct {
		ChallengeResponses map[string]string
		AuthParameters     map[string]string
	}
	if json.Unmarshal(body, &sent) != nil {
		return
	}
	tap.mu.Lock()
	defer tap.mu.Unlock()
	for _, m := range []map[string]string{sent.ChallengeResponses, sent.AuthParameters} {
		for key, value := range m {
			switch key {
			case "SOFTWARE_TOKEN_MFA_CODE":
				tap.codes = append(tap.codes, value)
			case "PASSWORD_CLAIM_SIGNATURE", "SECRET_HASH":
				tap.tokens = append(tap.tokens, value)
			}
		}
	}
}

// Codes lists the TOTP codes sent through the tap.
func (tap *TokenTap) Codes() []string {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return append([]string(nil), tap.codes...)
}

// FindCodeLeaks searches what the run wrote (saved plan members included)
// for one-time codes. A 6-digit
// code is too short to look for bare (timestamps and IDs hold such runs),
// so it is looked for as a value: quoted (or escaped-quoted), or after "="
// or ": ".
func FindCodeLeaks(t testing.TB, dir string, codes []string) []Leak {
	t.Helper()
	var leaks []Leak
	for _, b := range runFiles(t, dir) {
		for _, code := range codes {
			for _, form := range []string{`"` + code + `"`, `\"` + code + `\"`, `=` + code, `: ` + code} {
				if i := bytes.Index(b.data, []byte(form)); i >= 0 {
					leaks = append(leaks, Leak{Secret: "TOTP code", Form: form, File: b.name,
						Where: string(b.data[max(0, i-60):min(len(b.data), i+len(form)+60)])})
				}
			}
		}
	}
	return leaks
}

// NewTokenTap starts a tap in front of target, closed when the test ends.
func NewTokenTap(t testing.TB, target string) *TokenTap {
	tap := &TokenTap{}
	client := &http.Client{Transport: &http.Transport{}}
	tap.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tap.mu.Lock()
		tap.requests++
		tap.mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		tap.recordChallengeResponses(body)
		out, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := client.Do(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		var parsed struct {
			AuthenticationResult struct {
				AccessToken, IdToken, RefreshToken string
				NewDeviceMetadata                  struct{ DeviceKey, DeviceGroupKey string }
			}
			// GetClientToken's answer.
			ClientAuthenticationResult struct{ AccessToken string }
			// The OAuth token endpoint's answer (client credentials).
			OAuthAccessToken string `json:"access_token"`
			// A sign-in challenge's session.
			Session string
		}
		if json.Unmarshal(answer, &parsed) == nil {
			tap.mu.Lock()
			result := parsed.AuthenticationResult
			for _, s := range []string{result.AccessToken, result.IdToken, result.RefreshToken, parsed.OAuthAccessToken, parsed.ClientAuthenticationResult.AccessToken,
				result.NewDeviceMetadata.DeviceKey, result.NewDeviceMetadata.DeviceGroupKey, parsed.Session} {
				if s != "" {
					tap.tokens = append(tap.tokens, s)
				}
			}
			if result.RefreshToken != "" {
				tap.refresh = append(tap.refresh, result.RefreshToken)
			}
			tap.mu.Unlock()
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(func() {
		tap.Close()
		client.CloseIdleConnections()
	})
	return tap
}

// RequestCount counts requests that reached the tap (and so the double).
func (tap *TokenTap) RequestCount() int {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return tap.requests
}

// RefreshTokens lists the refresh tokens among them (sign-in's).
func (tap *TokenTap) RefreshTokens() []string {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return append([]string(nil), tap.refresh...)
}

// Issued lists every token (and sign-in session) the double issued
// through the tap.
func (tap *TokenTap) Issued() []string {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return append([]string(nil), tap.tokens...)
}

// MinSecretLen: shorter values (e.g. the validation scenarios' "short" or
// "  ") match ordinary log text; validators never echo values at all, which
// TestBadInputDiagnosticsNeverEchoSecrets checks for every length.
const MinSecretLen = 8

// secretForm is one way a secret might be rendered.
type secretForm struct{ name, text string }

// secretForms lists a secret verbatim and as it would look escaped or
// encoded; FindLeaks matches them in any ASCII case and adds every run of
// RunLen characters of the secret for renderings nobody thought of
// (truncation, other wrapping). The escaped forms differ from the verbatim
// one only for characters the validators reject (quotes, spaces, `/`), so
// they matter for the validation scenarios' bad values, e.g. a refresh
// token pasted with a stray quote.
func secretForms(s string) []secretForm {
	forms := []secretForm{{"verbatim", s}}
	add := func(name, text string) {
		for _, f := range forms {
			if f.text == text {
				return
			}
		}
		if len(text) >= MinSecretLen {
			forms = append(forms, secretForm{name, text})
		}
	}
	quoted, _ := json.Marshal(s)
	add("JSON-escaped", string(quoted[1:len(quoted)-1]))
	add("URL query-escaped", url.QueryEscape(s))
	add("URL path-escaped", url.PathEscape(s))
	add("hex", hex.EncodeToString([]byte(s)))
	// Base64 of s inside a longer encoded blob depends on s's offset mod 3;
	// the characters that mix in neighbouring bytes are left out.
	for _, enc := range []struct {
		name string
		*base64.Encoding
	}{{"base64", base64.StdEncoding}, {"base64url", base64.RawURLEncoding}} {
		for offset := range 3 {
			encoded := enc.EncodeToString(append(make([]byte, offset), s...))
			start := (offset*4 + 2) / 3
			end := len(encoded) - 4
			if end-start >= 16 {
				add(fmt.Sprintf("%s at offset %d", enc.name, offset), encoded[start:end])
			}
		}
	}
	return forms
}

// RunLen is the shortest piece of a secret FindLeaks looks for on its own:
// a copy cut short, in any case. (Scrub masks runs from 12 characters.)
const RunLen = 16

// RunForm names a finding by RunLen characters in a row.
const RunForm = "16-char run, any case"

// asciiLower lower-cases ASCII letters only, so offsets stay the same.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// FindLeaks searches every file the run wrote (logs, stdout, stderr, the
// configuration, the saved plan and each of its members, show -json output,
// the state) for every form of every secret. For the data source, secrets
// are allowed in the state at attributes and outputs marked sensitive, and
// nowhere else.
func FindLeaks(t testing.TB, dir, kind string, secrets map[string]string, cliSensitive map[string]bool) []Leak {
	t.Helper()
	var leaks []Leak
	blobs := runFiles(t, dir)
	for i, b := range blobs {
		if kind == "data source" && b.name == "terraform.tfstate" {
			var bad []string
			blobs[i].data, bad = stripSensitiveState(t, b.data, secrets, cliSensitive)
			for _, attr := range bad {
				leaks = append(leaks, Leak{Secret: "a secret", Form: "verbatim", File: b.name,
					Where: attr + " holds a secret but is not marked sensitive"})
			}
		}
	}

	lowered := make([][]byte, len(blobs))
	for i, b := range blobs {
		lowered[i] = asciiLower(b.data)
	}
	excerpt := func(data []byte, i, n int, what string) string {
		return string(data[max(0, i-60):i]) + "<" + what + ">" + string(data[i+n:min(len(data), i+n+60)])
	}
	// runs maps each RunLen-long piece of a secret, lower-cased, to the
	// secret's name.
	runs := map[string]string{}
	for what, secret := range secrets {
		if len(strings.TrimSpace(secret)) < MinSecretLen {
			continue
		}
		lower := asciiLower([]byte(secret))
		for i := 0; i+RunLen <= len(lower); i++ {
			runs[string(lower[i:i+RunLen])] = what
		}
		for _, form := range secretForms(secret) {
			text := asciiLower([]byte(form.text))
			for bi, b := range blobs {
				if i := bytes.Index(lowered[bi], text); i >= 0 {
					leaks = append(leaks, Leak{Secret: what, Form: form.name, File: b.name, Where: excerpt(b.data, i, len(text), what)})
				}
			}
		}
	}
	// One pass per blob finds a piece of any secret: a map lookup per byte.
	for bi, b := range blobs {
		lower := lowered[bi]
		found := map[string]bool{}
		for i := 0; i+RunLen <= len(lower); i++ {
			if what, ok := runs[string(lower[i:i+RunLen])]; ok && !found[what] {
				found[what] = true
				leaks = append(leaks, Leak{Secret: what, Form: RunForm, File: b.name, Where: excerpt(b.data, i, RunLen, what)})
			}
		}
	}
	return leaks
}

// stripSensitiveState removes from a data source's state the values that
// may hold secrets (attributes marked sensitive, outputs marked sensitive)
// and returns the rest, plus the names of attributes that hold a secret
// without being marked sensitive. An attribute is marked sensitive when the
// state file's sensitive_attributes lists it or the CLI reports it in
// `show -json`'s sensitive_values (cliSensitive): OpenTofu keeps attributes
// that are sensitive by the provider schema out of sensitive_attributes and
// re-derives them from the schema, Terraform records them in the file.
func stripSensitiveState(t testing.TB, data []byte, secrets map[string]string, cliSensitive map[string]bool) ([]byte, []string) {
	t.Helper()
	var state map[string]any
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatalf("state is not JSON: %v", err)
	}
	holdsSecret := func(v any) bool {
		text, _ := json.Marshal(v)
		for _, s := range secrets {
			if len(s) >= MinSecretLen && bytes.Contains(text, []byte(s)) {
				return true
			}
		}
		return false
	}
	var bad []string
	resources, _ := state["resources"].([]any)
	for _, r := range resources {
		r, _ := r.(map[string]any)
		instances, _ := r["instances"].([]any)
		for _, inst := range instances {
			inst, _ := inst.(map[string]any)
			attrs, _ := inst["attributes"].(map[string]any)
			sensitive := map[string]bool{}
			paths, _ := inst["sensitive_attributes"].([]any)
			for _, p := range paths {
				// [[{"type":"get_attr","value":"access_token"}], ...]
				if steps, ok := p.([]any); ok && len(steps) > 0 {
					if step, ok := steps[0].(map[string]any); ok && step["type"] == "get_attr" {
						if name, ok := step["value"].(string); ok {
							sensitive[name] = true
						}
					}
				}
			}
			for name, value := range attrs {
				if !holdsSecret(value) {
					continue
				}
				if !sensitive[name] && !cliSensitive[name] {
					bad = append(bad, fmt.Sprint(r["type"], ".", r["name"], ".", name))
				}
				attrs[name] = "<sensitive>"
			}
		}
	}
	outputs, _ := state["outputs"].(map[string]any)
	for name, o := range outputs {
		o, _ := o.(map[string]any)
		if holdsSecret(o["value"]) {
			if o["sensitive"] != true {
				bad = append(bad, "output."+name)
			}
			o["value"] = "<sensitive>"
		}
	}
	rest, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	return rest, bad
}

// blob is one file the run wrote, or one member of a zip file (a saved plan).
type blob struct {
	name string
	data []byte
}

// runFiles reads every file under dir, and each member of those that are
// zip archives, as name "file!member".
func runFiles(t testing.TB, dir string) []blob {
	t.Helper()
	var blobs []blob
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name, _ := filepath.Rel(dir, path)
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					return err
				}
				member, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					return err
				}
				blobs = append(blobs, blob{name + "!" + f.Name, member})
			}
		}
		blobs = append(blobs, blob{name, data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return blobs
}
