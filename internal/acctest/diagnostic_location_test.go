package acctest_test

// Where each input diagnostic points when the value comes from a variable,
// the pattern every example uses, on the CLI under test, and when it is
// written in place. A literal is checked in the validate walk, where both
// CLIs give the location; a variable is unknown there, so its value is checked again just before the
// open or read, and there the CLIs differ (troubleshooting.md, "Where a
// diagnostic points", names the source lines):
//   - Terraform appends an ephemeral resource's validation diagnostics
//     without the configuration body (internal/terraform/
//     node_resource_ephemeral.go), so they print no file, line or resource;
//     a data source's get them (node_resource_abstract_instance.go).
//   - Both CLIs find a nested attribute's line only through blocks
//     (internal/tfdiags/contextual.go, traversePathSteps), so an error on
//     refresh_token_store.file points at the resource's first line;
//     Terraform 1.15 finds the member itself.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
)

// locationCase is one instance whose one bad argument comes from the
// variable of the same name.
type locationCase struct {
	name     string
	typeName string
	// arguments of the instance, in order; "VAR" is replaced by var.<name>.
	arguments []string
	value     string // the variable's value
	// summary of the one error the instance must get; unique in a run, so
	// that an error without a location still tells which case it is.
	summary string
	// at is the argument whose line the error points at; member is set for
	// an argument of refresh_token_store.
	at, member string
}

const (
	validToken = "eyJjdHkiOiJKV1QifQ.abc.def"
	validID    = "abc123"
)

func locationCases() []locationCase {
	tokens := func(name, value, summary, at string, arguments ...string) locationCase {
		return locationCase{name: name, typeName: "cognito_refreshed_tokens", arguments: arguments, value: value, summary: summary, at: at}
	}
	store := func(name, value, summary, member string) locationCase {
		c := tokens(name, value, summary, "refresh_token_store", `client_id = "`+validID+`"`, "refresh_token_store = {", "  "+member+" = VAR", "}")
		c.member = member
		return c
	}
	return []locationCase{
		tokens("empty_refresh_token", "", "Empty refresh_token", "refresh_token", "refresh_token = VAR", `client_id = "`+validID+`"`),
		tokens("refresh_token_with_a_space", "not a token", "Invalid refresh_token", "refresh_token", "refresh_token = VAR", `client_id = "`+validID+`"`),
		tokens("empty_client_id", "", "Empty client_id", "client_id", `refresh_token = "`+validToken+`"`, "client_id = VAR"),
		tokens("short_client_secret", "short", "Invalid Attribute Value Length", "client_secret",
			`refresh_token = "`+validToken+`"`, `client_id = "`+validID+`"`, "client_secret = VAR"),
		tokens("device_key_without_region", "9f8e7d6c5b", "Invalid device_key", "device_key",
			`refresh_token = "`+validToken+`"`, `client_id = "`+validID+`"`, "device_key = VAR"),
		tokens("unknown_region", "mars-north-1", "Invalid region", "region",
			`refresh_token = "`+validToken+`"`, `client_id = "`+validID+`"`, "region = VAR"),
		tokens("refresh_token_and_store", validToken, "Invalid Attribute Combination", "refresh_token_store",
			"refresh_token = VAR", `client_id = "`+validID+`"`, `refresh_token_store = { file = "token.json" }`),
		store("empty_store_file", "", "Empty refresh_token_store.file", "file"),
		store("secret_name_with_a_space", "terraform/cognito token", "Invalid secret name", "secretsmanager_secret_id"),
		{name: "empty_client_secret", typeName: "cognito_client_credentials_token", value: "", summary: "Empty client_secret", at: "client_secret",
			arguments: []string{`domain = "auth.example.com"`, `client_id = "` + validID + `"`, "client_secret = VAR"}},
	}
}

// where is a diagnostic's location as the CLI printed it.
type where struct {
	address string // after "with", "" when none
	line    int    // of "on main.tf line N", 0 when none
}

// locationConfig writes the cases as blocks of kind ("ephemeral" or
// "data"), each bad value from its variable or, with literal, written in
// place, and returns, per case, where its error should point on cli.
func locationConfig(t *testing.T, cli *acctest.CLI, kind, endpoint string, literal bool, cases []locationCase) (string, map[string]where) {
	t.Helper()
	lines := []string{
		`terraform {`,
		`  required_providers {`,
		`    cognito = { source = "cognito-tokens/cognito" }`,
		`  }`,
		`}`,
	}
	lines = append(lines, strings.Split(strings.TrimSuffix(acctest.ProviderHCL(endpoint, "eu-west-1"), "\n"), "\n")...)
	want := map[string]where{}
	for _, c := range cases {
		// Ephemeral variables, as in the examples; a data source's
		// arguments are saved, so its variables cannot be ephemeral.
		lines = append(lines, fmt.Sprintf(`variable %q {`, c.name), `  type      = string`, `  sensitive = true`)
		if kind == "ephemeral" {
			lines = append(lines, `  ephemeral = true`)
		}
		lines = append(lines, `}`)
		header := len(lines) + 1
		lines = append(lines, fmt.Sprintf(`%s %q %q {`, kind, c.typeName, c.name))
		var argument, member int
		value := "var." + c.name
		if literal {
			value = strconv.Quote(c.value)
		}
		for _, a := range c.arguments {
			lines = append(lines, "  "+strings.ReplaceAll(a, "VAR", value))
			if strings.HasPrefix(a, c.at+" ") {
				argument = len(lines)
			}
			if c.member != "" && strings.HasPrefix(strings.TrimSpace(a), c.member+" ") {
				member = len(lines)
			}
		}
		lines = append(lines, `}`)
		address := kind + "." + c.typeName + "." + c.name
		switch {
		case kind == "ephemeral" && !literal && !cli.IsOpenTofu():
			want[c.name] = where{}
		case c.member != "" && terraformAtLeast(cli, 1, 15):
			want[c.name] = where{address, member}
		case c.member != "":
			want[c.name] = where{address, header}
		default:
			want[c.name] = where{address, argument}
		}
	}
	return strings.Join(lines, "\n") + "\n", want
}

func terraformAtLeast(cli *acctest.CLI, major, minor int) bool {
	m := acctest.VersionPattern.FindStringSubmatch(cli.Version)
	if m == nil || m[1] != "Terraform" {
		return false
	}
	gotMajor, _ := strconv.Atoi(m[2])
	gotMinor, _ := strconv.Atoi(m[3])
	return gotMajor > major || (gotMajor == major && gotMinor >= minor)
}

// printedDiagnostic is one "Error:" of the CLI's output.
type printedDiagnostic struct {
	summary string
	where   where
	text    string
}

var (
	withLine = regexp.MustCompile(`^\s*with (\S+),$`)
	onLine   = regexp.MustCompile(`^\s*on main\.tf line (\d+)`)
)

// parseErrors splits -no-color output into its errors.
func parseErrors(output string) []printedDiagnostic {
	var errs []printedDiagnostic
	var current *printedDiagnostic
	for line := range strings.SplitSeq(output, "\n") {
		line = strings.TrimPrefix(strings.TrimPrefix(line, "│"), " ")
		if summary, ok := strings.CutPrefix(line, "Error: "); ok {
			errs = append(errs, printedDiagnostic{summary: summary})
			current = &errs[len(errs)-1]
			continue
		}
		if strings.HasPrefix(line, "Warning: ") {
			current = nil
		}
		if current == nil {
			continue
		}
		current.text += line + "\n"
		if m := withLine.FindStringSubmatch(line); m != nil && current.where.address == "" {
			current.where.address = m[1]
		}
		if m := onLine.FindStringSubmatch(line); m != nil && current.where.line == 0 {
			current.where.line, _ = strconv.Atoi(m[1])
		}
	}
	return errs
}

func TestAccDiagnosticLocationFromVariables(t *testing.T) {
	cli := acctest.NewCLI(t)
	endpoint := acctest.DeadEndpoint(t)
	for _, kind := range []string{"ephemeral", "data"} {
		t.Run(kind, func(t *testing.T) { testDiagnosticLocation(t, cli, kind, endpoint, false) })
	}
}

// TestAccDiagnosticLocationOfLiterals: the same values written in place are
// checked in the validate walk, where both CLIs give the location.
func TestAccDiagnosticLocationOfLiterals(t *testing.T) {
	cli := acctest.NewCLI(t)
	endpoint := acctest.DeadEndpoint(t)
	for _, kind := range []string{"ephemeral", "data"} {
		t.Run(kind, func(t *testing.T) { testDiagnosticLocation(t, cli, kind, endpoint, true) })
	}
}

func testDiagnosticLocation(t *testing.T, cli *acctest.CLI, kind, endpoint string, literal bool) {
	t.Helper()
	cases := locationCases()
	config, want := locationConfig(t, cli, kind, endpoint, literal, cases)
	dir := acctest.WriteConfig(t, config)
	env := map[string]string{}
	for _, c := range cases {
		env["TF_VAR_"+c.name] = c.value
	}
	ok, output, _ := cli.RunWithEnv(t, dir, env, acctest.CommandTimeout, "plan", "-no-color", "-input=false")
	if ok {
		t.Fatalf("plan succeeded; want an error per case:\n%s", output)
	}
	errs := parseErrors(output)
	var summaries []string
	for _, c := range cases {
		summaries = append(summaries, c.summary)
		var got []printedDiagnostic
		for _, e := range errs {
			if e.summary == c.summary {
				got = append(got, e)
			}
		}
		// One error per bad value: an empty one included.
		if len(got) != 1 {
			t.Errorf("%s: %d errors %q, want one", c.name, len(got), c.summary)
			continue
		}
		if got[0].where != want[c.name] {
			t.Errorf("%s on %s: %q points at %+v, want %+v\n%s", c.name, cli.Version, c.summary, got[0].where, want[c.name], got[0].text)
		}
	}
	for _, e := range errs {
		if !slices.Contains(summaries, e.summary) {
			t.Errorf("unexpected error %q at %+v:\n%s", e.summary, e.where, e.text)
		}
	}
	if t.Failed() {
		t.Logf("configuration:\n%s\noutput:\n%s", config, output)
	}
}

// TestAccDiagnosticLocationProviderVariable: a provider argument from a
// variable points at its line on both CLIs (node_provider.go in both
// appends the provider's diagnostics with the provider block's body).
func TestAccDiagnosticLocationProviderVariable(t *testing.T) {
	cli := acctest.NewCLI(t)
	config := `terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}
variable "region" {
  type = string
}
provider "cognito" {
  region = var.region
}
ephemeral "cognito_refreshed_tokens" "one" {
  refresh_token = "` + validToken + `"
  client_id     = "` + validID + `"
}
`
	dir := acctest.WriteConfig(t, config)
	ok, output, _ := cli.RunWithEnv(t, dir, map[string]string{"TF_VAR_region": ""}, acctest.CommandTimeout, "plan", "-no-color", "-input=false")
	if ok {
		t.Fatalf("plan succeeded with an empty region:\n%s", output)
	}
	errs := parseErrors(output)
	if len(errs) != 1 || errs[0].summary != "Empty region" {
		t.Fatalf("want one error \"Empty region\", got %+v\n%s", errs, output)
	}
	if errs[0].where.line != 10 || !strings.HasPrefix(errs[0].where.address, "provider[") {
		t.Errorf("%q points at %+v, want the provider block's line 10 (region = var.region)\n%s", errs[0].summary, errs[0].where, output)
	}
}
