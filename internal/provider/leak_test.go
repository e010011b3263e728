package provider

// TestAccNoSecretLeaks runs every scenario of the acceptance suite through a
// real Terraform or OpenTofu CLI with TF_LOG=TRACE, the provider running as a
// separate process installed through dev_overrides, and searches everything
// the run left behind for the secrets in play.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// leakCLI is the CLI under test and the two provider builds it runs.
type leakCLI struct {
	path    string
	version string // first line of `version`, e.g. "Terraform v1.11.4"
	// configs maps a provider build ("masked", "unmasked") to a CLI config
	// file whose dev_overrides point at that build.
	configs map[string]string
}

const unmaskedTag = "unmasked_logs_for_leak_test"

func TestAccNoSecretLeaks(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := setUpLeakCLI(t)
	t.Logf("leak-checking against %s (%s)", cli.version, cli.path)

	for _, kind := range []string{"ephemeral", "data source"} {
		for _, sc := range append(scenarios(), alteredEchoScenario()) {
			t.Run(kind+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				runLeakScenario(t, cli, "masked", kind, sc, true)
			})
		}
	}

	// The control: with masking compiled out, the provider's DEBUG line
	// carries Cognito's raw "User pool client <id> does not exist." and the
	// detector must find the client id. Otherwise a green run above would
	// prove nothing.
	t.Run("masking disabled: the detector finds the client id", func(t *testing.T) {
		t.Parallel()
		var unknownClient scenario
		for _, sc := range errorScenarios() {
			if sc.name == "unknown app client" {
				unknownClient = sc
			}
		}
		if unknownClient.arrange == nil {
			t.Fatal(`errorScenarios() has no "unknown app client" scenario`)
		}
		leaks := runLeakScenario(t, cli, "unmasked", "ephemeral", unknownClient, false)
		found := false
		for _, l := range leaks {
			if l.secret == "client_id" && strings.HasSuffix(l.file, ".log") {
				found = true
			}
		}
		for _, l := range leaks {
			t.Logf("found as expected: %s", l)
		}
		if !found {
			t.Errorf("with masking disabled the detector found no client id in the TRACE logs (found: %v); the leak test cannot be trusted", leaks)
		}
	})

	// The same control for the altered echoes: unmasked, the DEBUG line
	// carries each of them, and the detector finds every secret.
	t.Run("masking disabled: the detector finds the altered echoes", func(t *testing.T) {
		t.Parallel()
		leaks := runLeakScenario(t, cli, "unmasked", "ephemeral", alteredEchoScenario(), false)
		found := map[string]bool{}
		for _, l := range leaks {
			if strings.HasSuffix(l.file, ".log") {
				found[l.secret] = true
			}
		}
		for _, secret := range []string{"refresh_token", "client_id", "client_secret", "device_key"} {
			if !found[secret] {
				t.Errorf("with masking disabled the detector found no altered %s in the TRACE logs (found: %v); the planted echo proves nothing", secret, leaks)
			}
		}
	})
}

// alteredEchoScenario has Cognito's error message echo every request
// secret altered as a proxy might (issue 17): the client id and a piece of
// the secret upper-cased, the refresh token and the device key cut short.
// The diagnostic and the logs must show none of them.
func alteredEchoScenario() scenario {
	return scenario{
		name:        "error message echoing altered secrets",
		expectError: regexp.MustCompile(`Device key not accepted[\s\S]*Invalid\s+device\s+key:\s+\*\*\*`),
		arrange: func(p *pool) (tokenInputs, []string) {
			in := p.signIn(cognitotest.AppClient{GenerateSecret: true})
			// A well-formed key the pool (which does not remember
			// devices) ignores.
			in.DeviceKey = "eu-west-1_0b1c2d3e-4f5a-4b7c-8d9e-" + hex.EncodeToString([]byte(in.ClientID[:6]))
			p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrNotAuthorized, Message: "Invalid device key: " + strings.Join([]string{
				strings.ToUpper(in.ClientID), in.RefreshToken[10:50], strings.ToUpper(in.ClientSecret[3:30]), in.DeviceKey[4:40],
			}, " / ")})
			return in, []string{"max_retries = 0"}
		},
	}
}

// setUpLeakCLI finds the CLI, builds the provider twice (masked and with
// masking compiled out) and writes a dev_overrides CLI config for each.
func setUpLeakCLI(t *testing.T) *leakCLI {
	t.Helper()
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		for _, name := range []string{"terraform", "tofu"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		t.Fatal("no CLI: set TF_ACC_TERRAFORM_PATH to a Terraform (>= 1.10) or OpenTofu (>= 1.11) binary")
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "version")
	cmd.Env = cliEnv(map[string]string{"TF_CLI_CONFIG_FILE": empty})
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version: %v", path, err)
	}
	cli := &leakCLI{path: path, version: strings.SplitN(string(out), "\n", 2)[0], configs: map[string]string{}}
	if !supportsEphemeral(cli.version) {
		t.Skipf("%s has no ephemeral resources (needs Terraform 1.10 or OpenTofu 1.11), like the acceptance suite's tfversion.SkipBelow", cli.version)
	}

	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("building the provider needs the go command: %v", err)
	}
	var wg sync.WaitGroup
	errs := map[string]error{}
	var mu sync.Mutex
	for _, build := range []string{"masked", "unmasked"} {
		bin := filepath.Join(dir, build)
		args := []string{"build", "-o", filepath.Join(bin, "terraform-provider-cognito")}
		if build == "unmasked" {
			args = append(args, "-tags", unmaskedTag)
		}
		args = append(args, "github.com/cognito-tokens/terraform-provider-cognito")
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(goTool, args...)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[build] = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}()
		config := filepath.Join(dir, build+".tfrc")
		// Both hosts: Terraform resolves the source under
		// registry.terraform.io, OpenTofu under registry.opentofu.org.
		rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/cognito-tokens/cognito" = %q
    "registry.opentofu.org/cognito-tokens/cognito" = %q
  }
  direct {}
}
`, bin, bin)
		if err := os.WriteFile(config, []byte(rc), 0o600); err != nil {
			t.Fatal(err)
		}
		cli.configs[build] = config
	}
	wg.Wait()
	for _, err := range errs {
		t.Fatal(err)
	}
	return cli
}

var cliVersionPattern = regexp.MustCompile(`^(Terraform|OpenTofu) v(\d+)\.(\d+)`)

func supportsEphemeral(version string) bool {
	m := cliVersionPattern.FindStringSubmatch(version)
	if m == nil {
		return false
	}
	var major, minor int
	fmt.Sscan(m[2], &major) //nolint:errcheck // digits by the pattern
	fmt.Sscan(m[3], &minor) //nolint:errcheck
	need := 10
	if m[1] == "OpenTofu" {
		need = 11
	}
	return major > 1 || (major == 1 && minor >= need)
}

// cliEnv is the process environment without any TF_* or AWS_* setting of
// the caller (a stray TF_LOG_SDK_PROTO_DATA_DIR or TF_REATTACH_PROVIDERS
// would change what is tested), plus set.
func cliEnv(set map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "AWS_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull)
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// leak is one secret found where it must not be.
type leak struct {
	secret string // which one: "refresh_token", "issued access token", ...
	form   string // how it was rendered: "verbatim", "base64", "first 16 chars", ...
	file   string // where, relative to the working directory
	where  string // a redacted excerpt
}

func (l leak) String() string {
	return fmt.Sprintf("%s (%s) in %s: %s", l.secret, l.form, l.file, l.where)
}

// runLeakScenario runs one scenario of one type through the CLI and returns
// the leaks found; with wantClean it fails the test on any.
func runLeakScenario(t *testing.T, cli *leakCLI, build, kind string, sc scenario, wantClean bool) []leak {
	p := newPool(t, sc.pool)
	in, providerArgs := sc.arrange(p)
	tap := newTokenTap(t, p.URL)

	dir := t.TempDir()
	hcl, vars := leakConfig(kind, tap.URL, providerArgs, in)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}

	run := func(name string, args ...string) bool {
		return cli.run(t, build, dir, vars, name, args...)
	}

	ok := planAndApply(t, kind, run)
	var cliSensitive map[string]bool
	if kind == "data source" && ok {
		cliSensitive = sensitiveValuesShown(t, cli, build, dir)
	}

	// The scenario must have done what it is about, or finding no leak
	// proves little.
	stderr := readAll(t, dir, ".stderr")
	checkOutcome(t, kind, ok, sc.expectError, stderr)
	if sc.expectError == nil && p.RequestCount() == 0 {
		t.Error("no request reached the double")
	}

	secrets := map[string]string{
		"refresh_token": in.RefreshToken,
		"client_id":     in.ClientID,
		"client_secret": in.ClientSecret,
		"device_key":    in.DeviceKey,
	}
	for i, token := range tap.issued() {
		secrets[fmt.Sprintf("issued token #%d", i+1)] = token
	}
	if sc.expectError == nil && len(tap.issued()) == 0 {
		t.Error("the double issued no tokens, so none could be checked")
	}

	leaks := findLeaks(t, dir, kind, secrets, cliSensitive)
	if wantClean {
		for _, l := range leaks {
			t.Errorf("leak: %s", l)
		}
	}
	if t.Failed() {
		t.Logf("working directory %s kept until the test ends", dir)
	}
	return leaks
}

func readAll(t *testing.T, dir, suffix string) string {
	t.Helper()
	var b strings.Builder
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), suffix) {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
		}
	}
	return b.String()
}

// leakConfig is the scenario's configuration for one type. The secret
// inputs come from variables (ephemeral ones for the ephemeral resource), so
// the configuration itself, which a saved plan embeds, holds none of them.
func leakConfig(kind, endpoint string, providerArgs []string, in tokenInputs) (string, map[string]string) {
	vars := map[string]string{}
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}

`)
	var refs []string
	for _, v := range []struct{ name, value string }{
		{"refresh_token", in.RefreshToken}, {"client_id", in.ClientID}, {"client_secret", in.ClientSecret}, {"device_key", in.DeviceKey},
	} {
		if v.value == "" {
			continue
		}
		vars[v.name] = v.value
		fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n", v.name)
		if kind == "ephemeral" {
			b.WriteString("  ephemeral = true\n")
		}
		b.WriteString("}\n\n")
		refs = append(refs, fmt.Sprintf("%s = var.%s", v.name, v.name))
	}
	literal := in
	literal.RefreshToken, literal.ClientID, literal.ClientSecret, literal.DeviceKey = "", "", "", ""
	literal.Extra = append(refs, in.Extra...)

	b.WriteString(providerHCL(endpoint, "eu-west-1", providerArgs...))
	if kind == "ephemeral" {
		b.WriteString(`
ephemeral "cognito_refreshed_tokens" "test" {
` + literal.hcl() + `}

# Uses the tokens without storing them: only non-secret facts are checked.
resource "terraform_data" "observed" {
  input = "tokens checked"
  lifecycle {
    precondition {
      condition     = length(ephemeral.cognito_refreshed_tokens.test.access_token) > 0 && length(ephemeral.cognito_refreshed_tokens.test.id_token) > 0 && ephemeral.cognito_refreshed_tokens.test.token_type == "Bearer"
      error_message = "The ephemeral resource returned no tokens."
    }
  }
}
`)
	} else {
		b.WriteString(`
data "cognito_refreshed_tokens" "test" {
` + literal.hcl() + `}

output "access_token" {
  value     = data.cognito_refreshed_tokens.test.access_token
  sensitive = true
}

output "expires_in" {
  value = data.cognito_refreshed_tokens.test.expires_in
}
`)
	}
	return b.String(), vars
}

// tokenTap sits between the provider and the double and remembers every
// token the double issued, so the test knows all the secrets in play even
// for the ephemeral resource, whose results go nowhere.
type tokenTap struct {
	*httptest.Server
	mu       sync.Mutex
	tokens   []string
	requests int
}

func newTokenTap(t *testing.T, target string) *tokenTap {
	tap := &tokenTap{}
	client := &http.Client{Transport: &http.Transport{}}
	tap.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tap.mu.Lock()
		tap.requests++
		tap.mu.Unlock()
		body, _ := io.ReadAll(r.Body)
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
			// The OAuth token endpoint's answer (client credentials).
			OAuthAccessToken string `json:"access_token"`
		}
		if json.Unmarshal(answer, &parsed) == nil {
			tap.mu.Lock()
			result := parsed.AuthenticationResult
			for _, s := range []string{result.AccessToken, result.IdToken, result.RefreshToken, parsed.OAuthAccessToken,
				result.NewDeviceMetadata.DeviceKey, result.NewDeviceMetadata.DeviceGroupKey} {
				if s != "" {
					tap.tokens = append(tap.tokens, s)
				}
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

// requestCount counts requests that reached the tap (and so the double).
func (tap *tokenTap) requestCount() int {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return tap.requests
}

func (tap *tokenTap) issued() []string {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return append([]string(nil), tap.tokens...)
}

// minSecretLen: shorter values (e.g. the validation scenarios' "short" or
// "  ") match ordinary log text; validators never echo values at all, which
// TestBadInputDiagnosticsNeverEchoSecrets checks for every length.
const minSecretLen = 8

// secretForm is one way a secret might be rendered.
type secretForm struct{ name, text string }

// secretForms lists a secret verbatim and as it would look escaped or
// encoded; findLeaks matches them in any ASCII case and adds every run of
// runLen characters of the secret for renderings nobody thought of
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
		if len(text) >= minSecretLen {
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

// runLen is the shortest piece of a secret findLeaks looks for on its own:
// a copy cut short, in any case. (Scrub masks runs from 12 characters.)
const runLen = 16

// runForm names a finding by runLen characters in a row.
const runForm = "16-char run, any case"

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

// findLeaks searches every file the run wrote (logs, stdout, stderr, the
// configuration, the saved plan and each of its members, show -json output,
// the state) for every form of every secret. For the data source, secrets
// are allowed in the state at attributes and outputs marked sensitive, and
// nowhere else.
func findLeaks(t *testing.T, dir, kind string, secrets map[string]string, cliSensitive map[string]bool) []leak {
	t.Helper()
	type blob struct {
		name string
		data []byte
	}
	var blobs []blob
	var leaks []leak
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
		if kind == "data source" && name == "terraform.tfstate" {
			var bad []string
			data, bad = stripSensitiveState(t, data, secrets, cliSensitive)
			for _, attr := range bad {
				leaks = append(leaks, leak{secret: "a secret", form: "verbatim", file: name,
					where: attr + " holds a secret but is not marked sensitive"})
			}
		}
		blobs = append(blobs, blob{name, data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	lowered := make([][]byte, len(blobs))
	for i, b := range blobs {
		lowered[i] = asciiLower(b.data)
	}
	excerpt := func(data []byte, i, n int, what string) string {
		return string(data[max(0, i-60):i]) + "<" + what + ">" + string(data[i+n:min(len(data), i+n+60)])
	}
	// runs maps each runLen-long piece of a secret, lower-cased, to the
	// secret's name.
	runs := map[string]string{}
	for what, secret := range secrets {
		if len(strings.TrimSpace(secret)) < minSecretLen {
			continue
		}
		lower := asciiLower([]byte(secret))
		for i := 0; i+runLen <= len(lower); i++ {
			runs[string(lower[i:i+runLen])] = what
		}
		for _, form := range secretForms(secret) {
			text := asciiLower([]byte(form.text))
			for bi, b := range blobs {
				if i := bytes.Index(lowered[bi], text); i >= 0 {
					leaks = append(leaks, leak{secret: what, form: form.name, file: b.name, where: excerpt(b.data, i, len(text), what)})
				}
			}
		}
	}
	// One pass per blob finds a piece of any secret: a map lookup per byte.
	for bi, b := range blobs {
		lower := lowered[bi]
		found := map[string]bool{}
		for i := 0; i+runLen <= len(lower); i++ {
			if what, ok := runs[string(lower[i:i+runLen])]; ok && !found[what] {
				found[what] = true
				leaks = append(leaks, leak{secret: what, form: runForm, file: b.name, where: excerpt(b.data, i, runLen, what)})
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
func stripSensitiveState(t *testing.T, data []byte, secrets map[string]string, cliSensitive map[string]bool) ([]byte, []string) {
	t.Helper()
	var state map[string]any
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatalf("state is not JSON: %v", err)
	}
	holdsSecret := func(v any) bool {
		text, _ := json.Marshal(v)
		for _, s := range secrets {
			if len(s) >= minSecretLen && bytes.Contains(text, []byte(s)) {
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

// sensitiveValuesShown asks the CLI (`show -json` of the state) which
// attributes of data.cognito_refreshed_tokens.test it treats as sensitive.
// The output holds the state's values, so it stays in memory and is not
// leak-checked itself: it is a rendering of the state.
func sensitiveValuesShown(t *testing.T, cli *leakCLI, build, dir string) map[string]bool {
	t.Helper()
	cmd := exec.Command(cli.path, "show", "-json", "-no-color")
	cmd.Dir = dir
	cmd.Env = cliEnv(map[string]string{"TF_CLI_CONFIG_FILE": cli.configs[build]})
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("show -json: %v", err)
	}
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address         string
					SensitiveValues map[string]any `json:"sensitive_values"`
				}
			} `json:"root_module"`
		}
	}
	if err := json.Unmarshal(out, &shown); err != nil {
		t.Fatalf("show -json: %v", err)
	}
	sensitive := map[string]bool{}
	for _, r := range shown.Values.RootModule.Resources {
		if r.Address != "data.cognito_refreshed_tokens.test" {
			continue
		}
		for name, v := range r.SensitiveValues {
			sensitive[name] = v == true
		}
	}
	if len(sensitive) == 0 {
		t.Error("show -json reports no sensitive attribute of data.cognito_refreshed_tokens.test")
	}
	return sensitive
}

// run runs the CLI in dir with TF_LOG=TRACE into <name>.log, stdout and
// stderr into <name>.stdout and <name>.stderr, and vars as TF_VAR_*; it
// reports whether the command succeeded.
func (cli *leakCLI) run(t *testing.T, build, dir string, vars map[string]string, name string, args ...string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli.path, args...)
	cmd.Dir = dir
	env := map[string]string{
		"TF_CLI_CONFIG_FILE": cli.configs[build],
		"TF_LOG":             "TRACE",
		"TF_LOG_PATH":        filepath.Join(dir, name+".log"),
	}
	for k, v := range vars {
		env["TF_VAR_"+k] = v
	}
	cmd.Env = cliEnv(env)
	return runCaptured(t, cmd, dir, name)
}

// runCaptured runs cmd with its stdout and stderr in dir/name.stdout and
// dir/name.stderr, for the leak search, and reports whether it succeeded.
func runCaptured(t *testing.T, cmd *exec.Cmd, dir, name string) bool {
	t.Helper()
	stdout, err1 := os.Create(filepath.Join(dir, name+".stdout"))
	stderr, err2 := os.Create(filepath.Join(dir, name+".stderr"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	defer stdout.Close()
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd.Run() == nil
}

// TestLeakDetector checks the detector itself, without a CLI: each planted
// rendering of a secret is found, by the form meant to find it and by no
// other (so deleting a form from secretForms fails its row), and a clean
// directory has no finding.
func TestLeakDetector(t *testing.T) {
	const secret = "eyJjdHkiOiJKV1QifQ.c2VjcmV0LXJlZnJlc2gtdG9rZW4.x_y-z="
	secrets := map[string]string{"refresh_token": secret}
	for _, tc := range []struct {
		form string // the secretForms name (a prefix for the base64 ones), or runForm
		// secret has no 16 characters in a row that the form leaves as
		// they are, so only the form can find the rendering (the verbatim
		// rows are found by runs, too).
		secret, content string
	}{
		{"verbatim", secret, "DEBUG: token=" + secret},
		{"verbatim", secret, "DEBUG: upper-cased " + strings.ToUpper(secret)},
		{"JSON-escaped", `abc"def\ghi<jkl>&eyJjdHk"iOiJKV1QifQ`, `{"v":"abc\"def\\ghi\u003cjkl\u003e\u0026eyJjdHk\"iOiJKV1QifQ"}`},
		{"URL query-escaped", "tok=en+with/slash=eyJjdHkiOi+JKV1QifQ", "GET /?t=" + url.QueryEscape("tok=en+with/slash=eyJjdHkiOi+JKV1QifQ")},
		{"URL path-escaped", "tok en with space eyJjdHkiOi JKV1QifQ", "GET /" + url.PathEscape("tok en with space eyJjdHkiOi JKV1QifQ")},
		{"hex", secret, hex.EncodeToString([]byte(secret))},
		// "???>>>" encodes to '/' and '+' (std) or '_' and '-' (url), so the
		// two base64 alphabets find different renderings.
		{"base64 at offset 1", "eyJ???>>>" + secret, "blob=" + base64.StdEncoding.EncodeToString([]byte("x"+"eyJ???>>>"+secret+"y"))},
		{"base64url at offset 2", "eyJ???>>>" + secret, "blob=" + base64.RawURLEncoding.EncodeToString([]byte("ab"+"eyJ???>>>"+secret))},
		{runForm, secret, "token cut short " + secret[5:25] + "..."},
		{runForm, secret, "token cut short, upper-cased " + strings.ToUpper(secret[20:36]) + "..."},
	} {
		t.Run(tc.form+" "+tc.content[:min(len(tc.content), 20)], func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "plan.log"), []byte("before\n"+tc.content+"\nafter"), 0o600); err != nil {
				t.Fatal(err)
			}
			var forms []string
			for _, l := range findLeaks(t, dir, "ephemeral", map[string]string{"refresh_token": tc.secret}, nil) {
				forms = append(forms, l.form)
			}
			want := []string{tc.form}
			if tc.form == "verbatim" {
				want = append(want, runForm)
			}
			slices.Sort(forms)
			slices.Sort(want)
			if !slices.Equal(forms, want) {
				t.Errorf("found as %q, want %q only", forms, want)
			}
		})
	}
	t.Run("15 characters in a row are no finding", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "plan.log"), []byte("x "+secret[3:18]+" x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if leaks := findLeaks(t, dir, "ephemeral", secrets, nil); len(leaks) != 0 {
			t.Errorf("false positives: %v", leaks)
		}
	})
	t.Run("inside a saved plan (zip)", func(t *testing.T) {
		dir := t.TempDir()
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("tfplan")
		_, _ = w.Write([]byte("\x0a\x12" + secret))
		_ = zw.Close()
		if err := os.WriteFile(filepath.Join(dir, "tfplan"), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if leaks := findLeaks(t, dir, "ephemeral", secrets, nil); len(leaks) == 0 {
			t.Error("secret inside the compressed plan not found")
		}
	})
	state := func(sensitiveAttrs string) string {
		return `{"version":4,"resources":[{"mode":"data","type":"cognito_refreshed_tokens","name":"test","instances":[{"attributes":{"access_token":"` +
			secret + `","token_type":"Bearer"},"sensitive_attributes":` + sensitiveAttrs + `}]}],"outputs":{}}`
	}
	for _, tc := range []struct {
		name, attrs  string
		cliSensitive map[string]bool
		wantLeak     bool
	}{
		{"marked in the state file", `[[{"type":"get_attr","value":"access_token"}]]`, nil, false},
		{"marked by the CLI only (OpenTofu)", `[]`, map[string]bool{"access_token": true}, false},
		{"not marked", `[[{"type":"get_attr","value":"id_token"}]]`, map[string]bool{"id_token": true}, true},
	} {
		t.Run("data source state "+tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), []byte(state(tc.attrs)), 0o600); err != nil {
				t.Fatal(err)
			}
			leaks := findLeaks(t, dir, "data source", secrets, tc.cliSensitive)
			if (len(leaks) > 0) != tc.wantLeak {
				t.Errorf("leaks = %v, want a leak: %v", leaks, tc.wantLeak)
			}
			// The ephemeral resource's state may hold no secret at all.
			if leaks := findLeaks(t, dir, "ephemeral", secrets, tc.cliSensitive); len(leaks) == 0 {
				t.Error("a secret in an ephemeral run's state was not found")
			}
		})
	}
	t.Run("clean", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "plan.log"), []byte("DEBUG: Refreshed Cognito tokens: token_length=1047 error=***"), 0o600); err != nil {
			t.Fatal(err)
		}
		if leaks := findLeaks(t, dir, "ephemeral", secrets, nil); len(leaks) != 0 {
			t.Errorf("false positives: %v", leaks)
		}
	})
}

// planAndApply runs a scenario as a user would: the ephemeral resource
// through a saved plan (and its show -json), the data source with
// plan then apply -auto-approve. It reports whether every step succeeded.
func planAndApply(t *testing.T, kind string, run func(name string, args ...string) bool) bool {
	t.Helper()
	if kind != "ephemeral" {
		return run("plan", "plan", "-no-color", "-input=false") &&
			run("apply", "apply", "-auto-approve", "-no-color", "-input=false")
	}
	if !run("plan", "plan", "-out=tfplan", "-no-color", "-input=false") {
		return false
	}
	if !run("show", "show", "-json", "-no-color", "tfplan") {
		t.Error("show -json tfplan failed; see show.stderr")
	}
	return run("apply", "apply", "-no-color", "-input=false", "tfplan")
}

// checkOutcome fails the test unless the run did what its scenario is
// about: finding no leak in a run that went wrong proves little.
func checkOutcome(t *testing.T, kind string, ok bool, expectError *regexp.Regexp, stderr string) {
	t.Helper()
	switch {
	case expectError == nil && !ok:
		t.Errorf("%s failed:\n%s", kind, stderr)
	case expectError != nil && ok:
		t.Errorf("%s succeeded, want an error matching %s", kind, expectError)
	case expectError != nil && !expectError.MatchString(stderr):
		t.Errorf("the error does not match %s:\n%s", expectError, stderr)
	}
}
