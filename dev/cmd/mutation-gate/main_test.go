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
