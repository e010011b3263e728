package acctest_test

// An example that uses a feature newer than some CLIs must make those CLIs
// stop with a version error rather than a syntax error ("Unsupported block
// type"). That takes required_version in two files: versions.tf for
// Terraform, and versions.tofu for OpenTofu, which reads it instead of
// versions.tf (OpenTofu >= 1.8) and, from 1.12 on, ignores required_version
// in .tf files altogether (opentofu/opentofu v1.12 internal/configs/diagnostics.go,
// checkVersionRequirements; v1.10 checks every file in internal/configs/module.go).
// A required_version only in a .tf file lets OpenTofu 1.10 pass the check
// and then fail on the ephemeral block.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// cliMinimum is the oldest Terraform and OpenTofu release with a feature,
// as [major, minor].
type cliMinimum struct {
	feature   string
	terraform [2]int
	tofu      [2]int
}

var (
	// Ephemeral resources and variables: Terraform 1.10, OpenTofu 1.11.
	needsEphemeral = cliMinimum{"ephemeral values", [2]int{1, 10}, [2]int{1, 11}}
	// Write-only arguments: Terraform 1.11, OpenTofu 1.11.
	needsWriteOnly = cliMinimum{"write-only arguments", [2]int{1, 11}, [2]int{1, 11}}
	// Provider-defined functions: Terraform 1.8, OpenTofu 1.7.
	needsFunctions = cliMinimum{"provider functions", [2]int{1, 8}, [2]int{1, 7}}
)

// featuresUsed lists the version-bound features a configuration uses.
func featuresUsed(bodies []*hclsyntax.Body) []cliMinimum {
	var used []cliMinimum
	add := func(m cliMinimum) {
		if !slices.Contains(used, m) {
			used = append(used, m)
		}
	}
	for _, body := range bodies {
		hclsyntax.VisitAll(body, func(node hclsyntax.Node) hcl.Diagnostics { //nolint:errcheck // the visitor returns none
			switch n := node.(type) {
			case *hclsyntax.Block:
				if n.Type == "ephemeral" {
					add(needsEphemeral)
				}
				if (n.Type == "variable" || n.Type == "output") && attrIsTrue(n.Body, "ephemeral") {
					add(needsEphemeral)
				}
			case *hclsyntax.Attribute:
				if strings.HasSuffix(n.Name, "_wo") {
					add(needsWriteOnly)
				}
			case *hclsyntax.FunctionCallExpr:
				if strings.HasPrefix(n.Name, "provider::") {
					add(needsFunctions)
				}
			}
			return nil
		})
	}
	return used
}

var minimumConstraint = regexp.MustCompile(`^>=\s*(\d+)\.(\d+)(?:\.\d+)?$`)

// requiredMinimum returns the [major, minor] of the required_version
// ">= X.Y" in the terraform blocks of one file, or a problem.
func requiredMinimum(path string) ([2]int, string) {
	src, err := os.ReadFile(path)
	if err != nil {
		return [2]int{}, fmt.Sprintf("no %s", filepath.Base(path))
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return [2]int{}, diags.Error()
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return [2]int{}, fmt.Sprintf("%s is not native HCL syntax", filepath.Base(path))
	}
	for _, block := range body.Blocks {
		if block.Type != "terraform" {
			continue
		}
		attr, ok := block.Body.Attributes["required_version"]
		if !ok {
			continue
		}
		v, diags := attr.Expr.Value(nil)
		if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
			return [2]int{}, fmt.Sprintf("%s: required_version is not a literal string", filepath.Base(path))
		}
		m := minimumConstraint.FindStringSubmatch(strings.TrimSpace(v.AsString()))
		if m == nil {
			return [2]int{}, fmt.Sprintf("%s: required_version %q is not of the form \">= X.Y\"", filepath.Base(path), v.AsString())
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		return [2]int{major, minor}, ""
	}
	return [2]int{}, fmt.Sprintf("%s has no terraform { required_version }", filepath.Base(path))
}

func versionLess(a, b [2]int) bool { return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]) }

// versionFileProblems checks one example directory: for every feature it
// uses, versions.tf must keep out older Terraform releases and versions.tofu
// older OpenTofu releases.
func versionFileProblems(dir string, bodies []*hclsyntax.Body) []string {
	used := featuresUsed(bodies)
	if len(used) == 0 {
		return nil
	}
	var problems []string
	for _, file := range []struct {
		name string
		cli  string
		min  func(cliMinimum) [2]int
	}{
		{"versions.tf", "Terraform", func(m cliMinimum) [2]int { return m.terraform }},
		{"versions.tofu", "OpenTofu", func(m cliMinimum) [2]int { return m.tofu }},
	} {
		got, problem := requiredMinimum(filepath.Join(dir, file.name))
		if problem != "" {
			problems = append(problems, fmt.Sprintf("uses %s but %s", used[0].feature, problem))
			continue
		}
		for _, m := range used {
			if want := file.min(m); versionLess(got, want) {
				problems = append(problems, fmt.Sprintf("%s admits %s %d.%d, which lacks %s: require >= %d.%d",
					file.name, file.cli, got[0], got[1], m.feature, want[0], want[1]))
			}
		}
	}
	return problems
}

// exampleDirs parses the .tf and .tofu files of every examples/ directory.
func exampleDirs(t *testing.T) map[string][]*hclsyntax.Body {
	t.Helper()
	dirs := map[string][]*hclsyntax.Body{}
	err := filepath.WalkDir(filepath.Join("..", "..", "examples"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || (filepath.Ext(path) != ".tf" && filepath.Ext(path) != ".tofu") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
		if diags.HasErrors() {
			return diags
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			return fmt.Errorf("%s is not native HCL syntax", path)
		}
		dirs[filepath.Dir(path)] = append(dirs[filepath.Dir(path)], body)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// TestExamplesStopOldCLIsWithAVersionError: every example directory that
// uses ephemeral resources or variables, write-only arguments or provider
// functions has versions.tf and versions.tofu whose required_version keeps
// out the Terraform and OpenTofu releases without them.
func TestExamplesStopOldCLIsWithAVersionError(t *testing.T) {
	dirs := exampleDirs(t)
	checked := 0
	for dir, bodies := range dirs {
		if len(featuresUsed(bodies)) > 0 {
			checked++
		}
		for _, p := range versionFileProblems(dir, bodies) {
			t.Errorf("%s: %s", filepath.ToSlash(strings.TrimPrefix(dir, filepath.Join("..", "..")+string(filepath.Separator))), p)
		}
	}
	if checked < 10 {
		t.Fatalf("only %d example directories use ephemeral values, write-only arguments or functions; is examples/ where the test expects it?", checked)
	}
}

// TestVersionFileCheckFindsGaps: the check above fails for a directory with
// required_version only in a .tf file, for a versions.tofu that admits
// OpenTofu 1.10, and passes the getting-started layout.
func TestVersionFileCheckFindsGaps(t *testing.T) {
	parse := func(src string) []*hclsyntax.Body {
		f, diags := hclsyntax.ParseConfig([]byte(src), "main.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			t.Fatal("not native HCL syntax")
		}
		return []*hclsyntax.Body{body}
	}
	write := func(dir, name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ephemeralOnly := parse(`
terraform {
  required_version = ">= 1.10"
}
ephemeral "cognito_refreshed_tokens" "x" {}
`)

	onlyTF := t.TempDir()
	if got := strings.Join(versionFileProblems(onlyTF, ephemeralOnly), "\n"); !strings.Contains(got, "no versions.tf") || !strings.Contains(got, "no versions.tofu") {
		t.Errorf("required_version only in main.tf: problems %q", got)
	}

	tofu110 := t.TempDir()
	write(tofu110, "versions.tf", "terraform {\n  required_version = \">= 1.10\"\n}\n")
	write(tofu110, "versions.tofu", "terraform {\n  required_version = \">= 1.10\"\n}\n")
	if got := strings.Join(versionFileProblems(tofu110, ephemeralOnly), "\n"); !strings.Contains(got, "versions.tofu admits OpenTofu 1.10") {
		t.Errorf("versions.tofu >= 1.10: problems %q", got)
	}

	writeOnly := parse(`resource "aws_secretsmanager_secret_version" "x" { secret_string_wo = "a" }`)
	if got := strings.Join(versionFileProblems(tofu110, writeOnly), "\n"); !strings.Contains(got, "versions.tf admits Terraform 1.10, which lacks write-only arguments") {
		t.Errorf("write-only argument with versions.tf >= 1.10: problems %q", got)
	}

	function := parse(`locals { c = provider::cognito::token_claims("x") }`)
	if got := versionFileProblems(tofu110, function); len(got) != 0 {
		t.Errorf("a function under >= 1.10: problems %q", got)
	}

	good := t.TempDir()
	write(good, "versions.tf", "terraform {\n  required_version = \">= 1.10\"\n}\n")
	write(good, "versions.tofu", "terraform {\n  required_version = \">= 1.11\"\n}\n")
	if got := versionFileProblems(good, ephemeralOnly); len(got) != 0 {
		t.Errorf("the getting-started layout: problems %q", got)
	}
	if got := versionFileProblems(t.TempDir(), parse(`data "cognito_refreshed_tokens" "x" {}`)); len(got) != 0 {
		t.Errorf("a data source only: problems %q", got)
	}
}
