package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testSource = `package demo

const limit = 30 * 2

func classify(n int) string {
	switch {
	case n < 0:
		return "negative"
	case n > limit:
		return "big"
	}
	return "small"
}
`

// TestFixCover: a case body that ran widens its block over its own case
// expression; a body that never ran stays as it was; constants get a
// covered block.
func TestFixCover(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "demo"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "demo", "demo.go"), []byte(testSource), 0o600); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(root, "cover.out")
	if err := os.WriteFile(profile, []byte(`mode: set
example.com/m/demo/demo.go:5.29,6.9 1 1
example.com/m/demo/demo.go:7.13,8.20 1 1
example.com/m/demo/demo.go:9.17,10.15 1 0
example.com/m/demo/demo.go:12.2,12.16 1 1
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	if err := fixCover(profile); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(profile)
	if err != nil {
		t.Fatal(err)
	}
	want := `mode: set
example.com/m/demo/demo.go:5.29,6.9 1 1
example.com/m/demo/demo.go:7.2,8.20 1 1
example.com/m/demo/demo.go:9.17,10.15 1 0
example.com/m/demo/demo.go:12.2,12.16 1 1
example.com/m/demo/demo.go:3.15,3.21 1 1
`
	if string(data) != want {
		t.Errorf("profile:\n%s\nwant:\n%s", data, want)
	}
}

// TestGate: thresholds, timeouts and equivalents are counted as documented.
func TestGate(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	if err := os.MkdirAll("pkg", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("pkg/a.go", []byte("package pkg\n\nvar logged = x != \"\"\nvar y = a < b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	results := `{"files":[{"file_name":"a.go","mutations":[
{"type":"CONDITIONALS_NEGATION","status":"LIVED","line":3,"column":16},
{"type":"CONDITIONALS_BOUNDARY","status":"LIVED","line":4,"column":11},
{"type":"CONDITIONALS_NEGATION","status":"KILLED","line":4,"column":11},
{"type":"CONDITIONALS_NEGATION","status":"KILLED","line":4,"column":11},
{"type":"CONDITIONALS_NEGATION","status":"KILLED","line":4,"column":11},
{"type":"ARITHMETIC_BASE","status":"NOT COVERED","line":4,"column":11},
{"type":"ARITHMETIC_BASE","status":"TIMED OUT","line":4,"column":11}]}]}`
	if err := os.WriteFile("results.json", []byte(results), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("equivalent", []byte("# comment\npkg/a.go | CONDITIONALS_NEGATION@16 | logged = x | log only\npkg/a.go | CONDITIONALS_BOUNDARY@12 | y = a < b | wrong column, so no match\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := func(efficacy, coverage string) []string {
		return []string{"-dir", "pkg", "-results", "results.json", "-equivalent", "equivalent", "-efficacy", efficacy, "-coverage", coverage}
	}
	// killed 3, survived 1 (one equivalent), timed out 1, not covered 1:
	// efficacy 75%, coverage 5/6 = 83.3%; 1 of 5 timed out is over 10%.
	err := gate(args("75", "83"))
	if err == nil || !strings.Contains(err.Error(), "1 of 5 mutants timed out") || strings.Contains(err.Error(), "efficacy") {
		t.Errorf("gate(75, 83) = %v, want only the timeout failure", err)
	}
	err = gate(args("76", "84"))
	if err == nil || !strings.Contains(err.Error(), "test efficacy 75.0% is below 76%") || !strings.Contains(err.Error(), "mutator coverage 83.3% is below 84%") {
		t.Errorf("gate(76, 84) = %v, want both thresholds to fail", err)
	}
	if err := os.WriteFile("equivalent", []byte("pkg/a.go | CONDITIONALS_NEGATION | logged = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := gate(args("0", "0")); err == nil || !strings.Contains(err.Error(), "needs a snippet and a reason") && !strings.Contains(err.Error(), "want 'file") {
		t.Errorf("an equivalent without a reason was accepted: %v", err)
	}
}

// writeFiles creates files (path: content) under the working directory.
func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	for path, content := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGateFailsOnStaleEquivalent: an entry that matches no mutant, or only
// killed ones, fails the package's gate even when the thresholds hold.
func TestGateFailsOnStaleEquivalent(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, map[string]string{
		"pkg/a.go": "package pkg\n\nvar logged = x != \"\"\nvar y = a < b\n",
		"results.json": `{"files":[{"file_name":"a.go","mutations":[
{"type":"CONDITIONALS_NEGATION","status":"LIVED","line":3,"column":16},
{"type":"CONDITIONALS_BOUNDARY","status":"KILLED","line":4,"column":11}]}]}`,
	})
	run := func(equivalents string) error {
		writeFiles(t, map[string]string{"equivalent": equivalents})
		return gate([]string{"-dir", "pkg", "-results", "results.json", "-equivalent", "equivalent", "-efficacy", "0", "-coverage", "0"})
	}
	live := "pkg/a.go | CONDITIONALS_NEGATION | logged = x | log only\n"
	if err := run(live); err != nil {
		t.Fatalf("a used entry fails: %v", err)
	}
	if err := run(live + "pkg/a.go | ARITHMETIC_BASE | var moved = 1 | gone\n"); err == nil ||
		!strings.Contains(err.Error(), "stale equivalent entry equivalent:2") || !strings.Contains(err.Error(), "matches no mutant") {
		t.Errorf("an entry matching no mutant: %v", err)
	}
	if err := run(live + "pkg/a.go | CONDITIONALS_BOUNDARY | y = a < b | wrongly excused\n"); err == nil ||
		!strings.Contains(err.Error(), "only mutants the tests kill") {
		t.Errorf("an entry matching a killed mutant: %v", err)
	}
	if err := run(live + "other/a.go | ARITHMETIC_BASE | var moved = 1 | another package's\n"); err != nil {
		t.Errorf("another package's entry fails this package's gate: %v", err)
	}
}

// TestCheckEquivalents: every entry must name an existing file of a gated
// package and a snippet on one of its lines.
func TestCheckEquivalents(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, map[string]string{
		"pkg/a.go":   "package pkg\n\nvar logged = x != \"\"\n",
		"other/b.go": "package other\n\nvar z = 1\n",
	})
	check := func(entry string) error {
		writeFiles(t, map[string]string{"equivalent": "# comment\n" + entry + "\n"})
		return checkEquivalents([]string{"-equivalent", "equivalent", "pkg"})
	}
	if err := check("pkg/a.go | CONDITIONALS_NEGATION | logged = x | log only"); err != nil {
		t.Errorf("a current entry: %v", err)
	}
	for entry, want := range map[string]string{
		"pkg/a.go | CONDITIONALS_NEGATION | logged = y | moved":       "equivalent:2: pkg/a.go | CONDITIONALS_NEGATION | logged = y: the snippet is on no line",
		"pkg/gone.go | CONDITIONALS_NEGATION | logged = x | moved":    "no such file",
		"other/b.go | ARITHMETIC_BASE | var z = 1 | not gated":        "not in a gated package",
		"pkg/a.go | CONDITIONALS_NEGATION | package pkg\n\nvar | two": "want 'file",
	} {
		if err := check(entry); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", entry, err, want)
		}
	}
}

func TestSelectPackages(t *testing.T) {
	targets := []target{{"a", "95", "90"}, {"b", "95", "90"}, {"c", "95", "90"}}
	hashes := map[string]string{"a": "h1", "b": "h2", "c": "h3"}
	record := map[string]recordLine{
		"a": {dir: "a", hash: "h1", date: "2026-11-01"},
		"b": {dir: "b", hash: "old", date: "2026-11-01"},
		"c": {dir: "c", hash: "h3", date: "2026-11-01"},
	}
	runs := func(seed int) []string {
		t.Helper()
		decisions := selectPackages(targets, hashes, record, seed)
		var out []string
		for _, d := range decisions {
			if d.run {
				out = append(out, d.dir)
			}
		}
		return out
	}
	// The changed package always runs; the rotation adds one unchanged
	// package, and over len(targets) seeds every package.
	for seed, want := range map[int]string{0: "a b", 1: "b", 2: "b c", 3: "a b", -1: "b c"} {
		if got := strings.Join(runs(seed), " "); got != want {
			t.Errorf("seed %d: runs %q, want %q", seed, got, want)
		}
	}
	// A package never recorded runs, whatever the rotation picks.
	delete(record, "c")
	if got := strings.Join(runs(1), " "); got != "b c" {
		t.Errorf("without a record line for c: runs %q, want %q", got, "b c")
	}
}

// TestHashPackage: the hash follows the package's files (tests and testdata
// too), the module packages it imports, its entries and thresholds, and
// nothing else.
func TestHashPackage(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	writeFiles(t, map[string]string{
		"go.mod":                   "module example.com/m\n\ngo 1.22\n",
		"go.sum":                   "",
		".gremlins.yaml":           "unleash: {}\n",
		"pkg/a.go":                 "package pkg\n\nimport _ \"example.com/m/dep\"\n",
		"pkg/a_test.go":            "package pkg\n\nimport _ \"example.com/m/testdep\"\n",
		"pkg/testdata/fuzz/F/seed": "go test fuzz v1\n",
		"dep/d.go":                 "package dep\n",
		"dep/d_test.go":            "package dep\n",
		"testdep/t.go":             "package testdep\n",
		"unrelated/u.go":           "package unrelated\n",
	})
	tgt := target{"pkg", "95", "90"}
	equivalents := []*equivalent{{file: "pkg/a.go", mutator: "ARITHMETIC_BASE", snippet: "x"}}
	hash := func(tg target, eq []*equivalent) string {
		t.Helper()
		h, err := hashPackage(root, tg, eq)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	base := hash(tgt, equivalents)
	if base != hash(tgt, equivalents) {
		t.Fatal("the hash is not deterministic")
	}
	for name, change := range map[string]func() string{
		"thresholds":  func() string { return hash(target{"pkg", "96", "90"}, equivalents) },
		"equivalents": func() string { return hash(tgt, nil) },
		"test file": func() string {
			writeFiles(t, map[string]string{"pkg/a_test.go": "package pkg\n\nimport _ \"example.com/m/testdep\"\n// x\n"})
			return hash(tgt, equivalents)
		},
		"testdata": func() string {
			writeFiles(t, map[string]string{"pkg/testdata/fuzz/F/seed": "x"})
			return hash(tgt, equivalents)
		},
		"imported code": func() string {
			writeFiles(t, map[string]string{"dep/d.go": "package dep\n// x\n"})
			return hash(tgt, equivalents)
		},
		"test's import": func() string {
			writeFiles(t, map[string]string{"testdep/t.go": "package testdep\n// x\n"})
			return hash(tgt, equivalents)
		},
		".gremlins.yaml": func() string {
			writeFiles(t, map[string]string{".gremlins.yaml": "x: 1\n"})
			return hash(tgt, equivalents)
		},
	} {
		before := hash(tgt, equivalents)
		if change() == before {
			t.Errorf("a change of %s keeps the hash", name)
		}
	}
	before := hash(tgt, equivalents)
	writeFiles(t, map[string]string{"unrelated/u.go": "package unrelated\n// x\n", "dep/d_test.go": "package dep\n// x\n"})
	if hash(tgt, equivalents) != before {
		t.Error("an unrelated package or a dependency's test changes the hash")
	}
	if _, err := hashPackage(root, target{"missing", "95", "90"}, nil); err == nil {
		t.Error("a gated package that does not exist hashes")
	}
}

// TestGateWritesRecordOnlyOnPass: a passing gate sets its package's line
// and keeps the others; a failing one leaves the record alone.
func TestGateWritesRecordOnlyOnPass(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, map[string]string{
		"pkg/a.go":   "package pkg\n\nvar y = a < b\n",
		"equivalent": "",
		"results.json": `{"files":[{"file_name":"a.go","mutations":[
{"type":"CONDITIONALS_BOUNDARY","status":"KILLED","line":3,"column":11},
{"type":"CONDITIONALS_NEGATION","status":"LIVED","line":3,"column":11}]}]}`,
		".mutation-record": "other sha256:1 99.0 98.0 2026-01-01\npkg sha256:old 97.0 96.0 2026-01-01\n",
	})
	gateWith := func(efficacy string) error {
		return gate([]string{"-dir", "pkg", "-results", "results.json", "-equivalent", "equivalent",
			"-efficacy", efficacy, "-coverage", "0", "-record", ".mutation-record", "-hash", "sha256:new"})
	}
	if err := gateWith("60"); err == nil {
		t.Fatal("50% efficacy passed a 60% threshold")
	}
	if data, _ := os.ReadFile(".mutation-record"); !strings.Contains(string(data), "pkg sha256:old") {
		t.Errorf("a failing run changed the record:\n%s", data)
	}
	if err := gateWith("50"); err != nil {
		t.Fatal(err)
	}
	record, err := readRecord(".mutation-record")
	if err != nil {
		t.Fatal(err)
	}
	if got := record["pkg"]; got.hash != "sha256:new" || got.efficacy != 50 || got.coverage != 100 || got.date == "2026-01-01" {
		t.Errorf("pkg's line = %+v", got)
	}
	if record["other"].hash != "sha256:1" {
		t.Errorf("another package's line was lost: %+v", record)
	}
}
