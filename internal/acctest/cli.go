package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The two provider builds a CLI can run.
const (
	// Masked is the provider as released.
	Masked = "masked"
	// Unmasked is built with UnmaskedTag: it logs without masking, so the
	// leak suite can prove that its detector finds what masking hides.
	Unmasked = "unmasked"
)

// UnmaskedTag is the build tag of the Unmasked build (see
// internal/provider/unmasked_logs.go). Never build a release with it.
const UnmaskedTag = "unmasked_logs_for_leak_test"

// providerPackage is what the builds compile: the provider's main package.
const providerPackage = "github.com/cognito-tokens/terraform-provider-cognito"

// CLI is the Terraform or OpenTofu binary under test and the provider
// builds it runs.
type CLI struct {
	Path    string
	Version string // first line of `version`, e.g. "Terraform v1.11.4"
	// configs maps a build (Masked, Unmasked) to a CLI config file whose
	// dev_overrides point at that build.
	configs map[string]string
}

// CommandTimeout bounds one CLI command of a test.
const CommandTimeout = 5 * time.Minute

// builds are made once per test process and shared by every test in it.
var builds struct {
	once    sync.Once
	dir     string
	configs map[string]string
	err     error
}

// NewCLI finds the CLI (TF_ACC_TERRAFORM_PATH, as scripts/test.sh sets it
// from scripts/tfcli.sh, else terraform or tofu on PATH), skips the test if
// the CLI has no ephemeral resources, and returns it with both provider
// builds installed. The builds happen on the first call of the process;
// Main removes them.
func NewCLI(t testing.TB) *CLI {
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
	empty := filepath.Join(t.TempDir(), "empty.tfrc")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "version")
	cmd.Env = Env(map[string]string{"TF_CLI_CONFIG_FILE": empty})
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version: %v", path, err)
	}
	cli := &CLI{Path: path, Version: strings.SplitN(string(out), "\n", 2)[0]}
	if !SupportsEphemeral(cli.Version) {
		t.Skipf("%s has no ephemeral resources (needs Terraform 1.10 or OpenTofu 1.11), like the acceptance suite's tfversion.SkipBelow", cli.Version)
	}
	builds.once.Do(buildProviders)
	if builds.err != nil {
		t.Fatal(builds.err)
	}
	cli.configs = builds.configs
	return cli
}

// Main runs the tests of a package that uses NewCLI and removes the
// provider builds afterwards: func TestMain(m *testing.M) { acctest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if builds.dir != "" {
		os.RemoveAll(builds.dir) //nolint:errcheck // a temporary directory
	}
	os.Exit(code)
}

// buildProviders builds the Masked and Unmasked provider side by side and
// writes a dev_overrides CLI config for each.
func buildProviders() {
	dir, err := os.MkdirTemp("", "acctest-providers-")
	if err != nil {
		builds.err = err
		return
	}
	builds.dir = dir
	goTool, err := exec.LookPath("go")
	if err != nil {
		builds.err = fmt.Errorf("building the provider needs the go command: %w", err)
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	configs := map[string]string{}
	for _, build := range []string{Masked, Unmasked} {
		bin := filepath.Join(dir, build)
		args := []string{"build", "-o", filepath.Join(bin, "terraform-provider-cognito")}
		if build == Unmasked {
			args = append(args, "-tags", UnmaskedTag)
		}
		args = append(args, providerPackage)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(goTool, args...)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out))
				mu.Unlock()
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
			builds.err = err
			return
		}
		configs[build] = config
	}
	wg.Wait()
	if len(errs) > 0 {
		builds.err = errs[0]
		return
	}
	builds.configs = configs
}

// ConfigFile is the CLI config file (TF_CLI_CONFIG_FILE) that installs build.
func (cli *CLI) ConfigFile(build string) string { return cli.configs[build] }

// IsOpenTofu reports whether the CLI is OpenTofu rather than Terraform.
func (cli *CLI) IsOpenTofu() bool { return strings.HasPrefix(cli.Version, "OpenTofu") }

// VersionPattern matches the first line of `version`: the CLI's name, major
// and minor version.
var VersionPattern = regexp.MustCompile(`^(Terraform|OpenTofu) v(\d+)\.(\d+)`)

// SupportsEphemeral reports whether a CLI version (the first line of
// `version`) has ephemeral resources: Terraform 1.10, OpenTofu 1.11.
func SupportsEphemeral(version string) bool {
	m := VersionPattern.FindStringSubmatch(version)
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

// Env is the process environment without any TF_* or AWS_* setting of the
// caller (a stray TF_LOG_SDK_PROTO_DATA_DIR or TF_REATTACH_PROVIDERS would
// change what is tested), plus set.
func Env(set map[string]string) []string {
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

// Run runs the CLI on build in dir with TF_LOG=TRACE into <name>.log,
// stdout and stderr into <name>.stdout and <name>.stderr, and vars as
// TF_VAR_*; it reports whether the command succeeded.
func (cli *CLI) Run(t testing.TB, build, dir string, vars map[string]string, name string, args ...string) bool {
	t.Helper()
	return cli.runTraced(t, build, dir, vars, nil, name, args...)
}

// RunTracedWithEnv is Run on the Masked build with extra environment
// variables (Env drops the caller's AWS_* ones).
func (cli *CLI) RunTracedWithEnv(t testing.TB, dir string, vars, extra map[string]string, name string, args ...string) bool {
	t.Helper()
	return cli.runTraced(t, Masked, dir, vars, extra, name, args...)
}

func (cli *CLI) runTraced(t testing.TB, build, dir string, vars, extra map[string]string, name string, args ...string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli.Path, args...)
	cmd.Dir = dir
	env := map[string]string{
		"TF_CLI_CONFIG_FILE": cli.configs[build],
		"TF_LOG":             "TRACE",
		"TF_LOG_PATH":        filepath.Join(dir, name+".log"),
	}
	for k, v := range vars {
		env["TF_VAR_"+k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	cmd.Env = Env(env)
	return RunCaptured(t, cmd, dir, name)
}

// RunWithEnv runs the CLI on the Masked build with extra environment
// variables, without logs, and returns whether it succeeded, its combined
// output and how long it took. It gives up after timeout.
func (cli *CLI) RunWithEnv(t testing.TB, dir string, env map[string]string, timeout time.Duration, args ...string) (bool, string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli.Path, args...)
	cmd.Dir = dir
	vars := map[string]string{"TF_CLI_CONFIG_FILE": cli.configs[Masked]}
	for k, v := range env {
		vars[k] = v
	}
	cmd.Env = Env(vars)
	started := time.Now()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s still running after %s:\n%s", strings.Join(args, " "), timeout, out)
	}
	return err == nil, string(out), time.Since(started)
}

// RunCaptured runs cmd with its stdout and stderr in dir/name.stdout and
// dir/name.stderr, for the leak search, and reports whether it succeeded.
func RunCaptured(t testing.TB, cmd *exec.Cmd, dir, name string) bool {
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

// ReadAll concatenates the files in dir whose names end in suffix, e.g.
// every ".stderr" a run left behind.
func ReadAll(t testing.TB, dir, suffix string) string {
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

// WriteConfig writes config as main.tf of a new directory and returns it.
func WriteConfig(t testing.TB, config string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}
