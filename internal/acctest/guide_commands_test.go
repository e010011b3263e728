package acctest_test

// TestAccGuideLocalCommands runs the "try it locally" commands of the
// generated guides (docs/guides/*.md) exactly as written, in order, as a
// newcomer would paste them on a fresh clone: each fenced ```shell block
// right after a <!-- local-test --> comment. Every guide gets a clean HOME
// (its commands work in ~/cognito-local) and `terraform` on PATH is the CLI
// under test, so OpenTofu runs the same commands as Terraform.

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
)

// localTestMarker precedes each fenced block the test runs.
const localTestMarker = "<!-- local-test -->"

// guideShellBlocks returns the marked ```shell blocks of a Markdown file.
func guideShellBlocks(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() //nolint:errcheck // read only
	var blocks []string
	var block []string
	state := "text" // text -> marked -> code
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch state {
		case "text":
			if strings.TrimSpace(line) == localTestMarker {
				state = "marked"
			}
		case "marked":
			switch strings.TrimSpace(line) {
			case "":
			case "```shell":
				state, block = "code", nil
			default:
				t.Fatalf("%s: %s must be followed by a ```shell block, not %q", path, localTestMarker, line)
			}
		case "code":
			if strings.TrimSpace(line) == "```" {
				blocks = append(blocks, strings.Join(block, "\n"))
				state = "text"
				continue
			}
			block = append(block, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if state != "text" {
		t.Fatalf("%s: unterminated marked block", path)
	}
	return blocks
}

func TestAccGuideLocalCommands(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	goEnv := map[string]string{}
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOTOOLCHAIN", "GOFLAGS", "GOPROXY"} {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		goEnv[name] = strings.TrimSpace(string(out))
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}

	for _, guide := range []struct {
		file string
		// applies: how many `apply` runs the blocks make; each must end in
		// "Apply complete!".
		applies int
	}{
		{"getting-started.md", 2},
		{"refresh-token-rotation.md", 2},
		{"user-or-machine.md", 1},
	} {
		t.Run(guide.file, func(t *testing.T) {
			blocks := guideShellBlocks(t, filepath.Join(root, "docs", "guides", guide.file))
			if len(blocks) == 0 {
				t.Fatalf("%s has no %s block", guide.file, localTestMarker)
			}
			home := t.TempDir()
			shims := filepath.Join(home, ".shims")
			if err := os.Mkdir(shims, 0o700); err != nil {
				t.Fatal(err)
			}
			shim := "#!/bin/sh\nexec " + strconv.Quote(cli.Path) + " \"$@\"\n"
			if err := os.WriteFile(filepath.Join(shims, "terraform"), []byte(shim), 0o700); err != nil { //nolint:gosec // a shim must be executable
				t.Fatal(err)
			}
			t.Cleanup(func() { stopLocalDouble(filepath.Join(home, "cognito-local")) })

			script := "set -euo pipefail\n" + strings.Join(blocks, "\n")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", script)
			cmd.Dir = root
			env := map[string]string{
				"HOME":   home,
				"PATH":   shims + string(os.PathListSeparator) + filepath.Dir(goBin) + string(os.PathListSeparator) + "/usr/local/bin:/usr/bin:/bin",
				"TMPDIR": home,
			}
			for k, v := range goEnv {
				if v != "" {
					env[k] = v
				}
			}
			cmd.Env = cleanGuideEnv(env)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: the commands failed (%v):\n%s", guide.file, err, out)
			}
			if got := strings.Count(string(out), "Apply complete!"); got != guide.applies {
				t.Fatalf("%s: %d applies completed, want %d:\n%s", guide.file, got, guide.applies, out)
			}
		})
	}
}

// cleanGuideEnv is a newcomer's environment: nothing of the test's
// TF_*/AWS_* settings, and set on top.
func cleanGuideEnv(set map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, ok := set[name]; ok || strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "AWS_") ||
			strings.HasPrefix(name, "GO") || strings.HasPrefix(name, "COGNITO_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// stopLocalDouble ends a double the commands left running (a failed run
// never reached its kill).
func stopLocalDouble(dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "double.pid"))
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill()
		}
	}
}
