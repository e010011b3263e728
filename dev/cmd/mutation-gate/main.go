// Command mutation-gate is the part of `make mutate` (scripts/mutate.sh)
// that go-gremlins lacks:
//
//	mutation-gate fixcover PROFILE
//	mutation-gate gate -dir DIR -results FILE -equivalent FILE -efficacy N -coverage N
//
// fixcover corrects a coverage profile for gremlins, which decides by column
// whether a mutant was covered. Go's cover tool puts a tagless switch's case
// expressions in no block, so gremlins calls every mutant in them NOT
// COVERED even when a test took that case. A case body runs only after its
// expression was evaluated, so a body block that ran is widened left over
// its own `case ...:` line; an expression whose body never ran stays
// uncovered. Likewise the cover tool has no block for package-level
// constants, which are in effect in every test run: fixcover adds one for
// each constant's value, so gremlins mutates it and the tests decide.
//
// gate reads gremlins' JSON results for one package, leaves out the mutants
// listed as equivalent (file, mutator, a snippet of the source line, and
// why), prints every surviving and uncovered mutant as file:line:column
// MUTATOR and the source line, and fails when test efficacy or mutator
// coverage is below its threshold.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "fixcover":
		if len(os.Args) != 3 {
			usage()
		}
		err = fixCover(os.Args[2])
	case "gate":
		err = gate(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutation-gate:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: mutation-gate fixcover PROFILE | gate -dir DIR -results FILE -equivalent FILE -efficacy N -coverage N")
	os.Exit(2)
}

// caseLine is a line that holds one whole case clause header.
var caseLine = regexp.MustCompile(`^\s*case\s.*:\s*$`)

// profileLine is "importpath/file.go:startLine.startCol,endLine.endCol statements count".
var profileLine = regexp.MustCompile(`^(.+\.go):(\d+)\.(\d+),(\d+\.\d+ \d+ (\d+))$`)

func fixCover(profile string) error {
	data, err := os.ReadFile(profile)
	if err != nil {
		return err
	}
	module, root, err := findModule()
	if err != nil {
		return err
	}
	sources := map[string][]string{}
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		m := profileLine.FindStringSubmatch(line)
		if m == nil || m[5] == "0" || !strings.HasPrefix(m[1], module+"/") {
			continue
		}
		src, ok := sources[m[1]]
		if !ok {
			text, err := os.ReadFile(filepath.Join(root, strings.TrimPrefix(m[1], module+"/")))
			if err == nil {
				src = strings.Split(string(text), "\n")
			}
			sources[m[1]] = src
		}
		startLine, _ := strconv.Atoi(m[2])
		startCol, _ := strconv.Atoi(m[3])
		if startLine < 1 || startLine > len(src) || startCol < 1 || startCol-1 > len(src[startLine-1]) {
			continue
		}
		header := src[startLine-1][:startCol-1]
		if !caseLine.MatchString(header) {
			continue
		}
		caseCol := strings.Index(header, "case") + 1
		lines[i] = fmt.Sprintf("%s:%d.%d,%s", m[1], startLine, caseCol, m[4])
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	packages := map[string]bool{}
	for file := range sources {
		packages[filepath.Dir(file)] = true
	}
	for pkg := range packages {
		lines = append(lines, constantBlocks(module, root, pkg)...)
	}
	return os.WriteFile(profile, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// constantBlocks returns a covered profile block for the value of each
// package-level constant of the package at import path pkg.
func constantBlocks(module, root, pkg string) []string {
	dir := filepath.Join(root, strings.TrimPrefix(pkg, module+"/"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var blocks []string
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, decl := range parsed.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				valueSpec, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for _, value := range valueSpec.Values {
					start, end := fset.Position(value.Pos()), fset.Position(value.End())
					blocks = append(blocks, fmt.Sprintf("%s/%s:%d.%d,%d.%d 1 1", pkg, filepath.Base(file), start.Line, start.Column, end.Line, end.Column))
				}
			}
		}
	}
	return blocks
}

// findModule returns the module path and root directory of the working directory.
func findModule() (string, string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if rest, ok := strings.CutPrefix(line, "module "); ok {
					return strings.TrimSpace(rest), dir, nil
				}
			}
			return "", "", fmt.Errorf("%s/go.mod has no module line", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

type results struct {
	Files []struct {
		Name      string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

// equivalent is one line of the equivalents file:
// "dir/file.go | MUTATOR[@column] | snippet of the source line | reason".
type equivalent struct {
	file, mutator, snippet, reason string
	used                           bool
}

func readEquivalents(path string) ([]*equivalent, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []*equivalent
	scanner := bufio.NewScanner(f)
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) != 4 {
			return nil, fmt.Errorf("%s:%d: want 'file | MUTATOR | snippet | reason'", path, n)
		}
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		if parts[2] == "" || parts[3] == "" {
			return nil, fmt.Errorf("%s:%d: an equivalent mutant needs a snippet and a reason", path, n)
		}
		out = append(out, &equivalent{file: parts[0], mutator: parts[1], snippet: parts[2], reason: parts[3]})
	}
	return out, scanner.Err()
}

func gate(args []string) error {
	flags := flag.NewFlagSet("gate", flag.ExitOnError)
	dir := flags.String("dir", "", "package directory, relative to the module root")
	resultsFile := flags.String("results", "", "gremlins JSON output")
	equivalentsFile := flags.String("equivalent", "", "equivalent mutants file")
	minEfficacy := flags.Float64("efficacy", 0, "minimum test efficacy, percent")
	minCoverage := flags.Float64("coverage", 0, "minimum mutator coverage, percent")
	if err := flags.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*resultsFile)
	if err != nil {
		return err
	}
	var res results
	if err := json.Unmarshal(data, &res); err != nil {
		return fmt.Errorf("%s: %w", *resultsFile, err)
	}
	equivalents, err := readEquivalents(*equivalentsFile)
	if err != nil {
		return err
	}

	var killed, lived, timedOut, notCovered, excluded int
	var report []string
	sources := map[string][]string{}
	for _, file := range res.Files {
		path := filepath.ToSlash(filepath.Join(*dir, file.Name))
		src, ok := sources[path]
		if !ok {
			if text, err := os.ReadFile(path); err == nil {
				src = strings.Split(string(text), "\n")
			}
			sources[path] = src
		}
		for _, m := range file.Mutations {
			code := ""
			if m.Line >= 1 && m.Line <= len(src) {
				code = strings.TrimSpace(src[m.Line-1])
			}
			where := fmt.Sprintf("%s:%d:%d %s", path, m.Line, m.Column, m.Type)
			if m.Status == "LIVED" || m.Status == "NOT COVERED" {
				if e := matchEquivalent(equivalents, path, m.Type, m.Column, code); e != nil {
					e.used = true
					excluded++
					report = append(report, fmt.Sprintf("  equivalent   %s  (%s)", where, e.reason))
					continue
				}
			}
			switch m.Status {
			case "KILLED":
				killed++
			case "TIMED OUT":
				// Neither killed nor survived, as gremlins counts it: on a
				// loaded machine a survivor can time out too.
				timedOut++
				report = append(report, fmt.Sprintf("  timed out    %s    %s", where, code))
			case "LIVED":
				lived++
				report = append(report, fmt.Sprintf("  SURVIVED     %s    %s", where, code))
			case "NOT COVERED":
				notCovered++
				report = append(report, fmt.Sprintf("  NOT COVERED  %s    %s", where, code))
			}
		}
	}
	sort.Strings(report)
	for _, line := range report {
		fmt.Println(line)
	}
	for _, e := range equivalents {
		if !e.used && strings.HasPrefix(e.file, *dir+"/") {
			fmt.Printf("  note: equivalent entry matched nothing (stale?): %s | %s | %s\n", e.file, e.mutator, e.snippet)
		}
	}

	efficacy, coverage := 100.0, 100.0
	if killed+lived > 0 {
		efficacy = 100 * float64(killed) / float64(killed+lived)
	}
	if killed+lived+timedOut+notCovered > 0 {
		coverage = 100 * float64(killed+lived+timedOut) / float64(killed+lived+timedOut+notCovered)
	}
	fmt.Printf("%s: killed %d, timed out %d, survived %d, not covered %d, equivalent %d; efficacy %.1f%% (min %.0f%%), mutator coverage %.1f%% (min %.0f%%)\n",
		*dir, killed, timedOut, lived, notCovered, excluded, efficacy, *minEfficacy, coverage, *minCoverage)
	var failures []string
	if efficacy < *minEfficacy {
		failures = append(failures, fmt.Sprintf("test efficacy %.1f%% is below %.0f%%: kill the SURVIVED mutants above with tests", efficacy, *minEfficacy))
	}
	if coverage < *minCoverage {
		failures = append(failures, fmt.Sprintf("mutator coverage %.1f%% is below %.0f%%: cover the NOT COVERED lines above with unit tests", coverage, *minCoverage))
	}
	// Timeouts hide the verdict; more than a few mean the machine was too
	// busy for the measurement to count.
	if total := killed + lived + timedOut; total > 0 && timedOut*10 > total {
		failures = append(failures, fmt.Sprintf("%d of %d mutants timed out: the machine is too busy to measure (rerun with MUTATE_WORKERS=1), or a mutant hangs", timedOut, total))
	}
	if len(failures) > 0 {
		return fmt.Errorf("%s: %s", *dir, strings.Join(failures, "; "))
	}
	return nil
}

// matchEquivalent finds the entry for a mutant. An entry's mutator may name
// a column ("CONDITIONALS_BOUNDARY@11") when a line has several mutants of
// one kind and only one is equivalent.
func matchEquivalent(equivalents []*equivalent, path, mutator string, column int, code string) *equivalent {
	for _, e := range equivalents {
		kind, col, hasCol := strings.Cut(e.mutator, "@")
		if e.file == path && kind == mutator && (!hasCol || col == strconv.Itoa(column)) && strings.Contains(code, e.snippet) {
			return e
		}
	}
	return nil
}
