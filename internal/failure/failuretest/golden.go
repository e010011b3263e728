// Package failuretest checks how a wire package classifies failures
// against a golden file, for the wire packages' own tests.
package failuretest

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// Golden compares got, keyed by case name, with the JSON in file, which
// update rewrites from got first. Errors are compared as JSON: their
// causes and secrets are not facts.
func Golden(t testing.TB, file string, got map[string]*failure.Error, update bool) {
	t.Helper()
	if update {
		text, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, append(text, '\n'), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*failure.Error{}
	if err := json.Unmarshal(text, &want); err != nil {
		t.Fatal(err)
	}
	for name, e := range got {
		gotJSON, _ := json.Marshal(e)
		wantJSON, _ := json.Marshal(want[name])
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("%s: classified as\n%s\nwant\n%s", name, gotJSON, wantJSON)
		}
	}
	if len(want) != len(got) {
		t.Errorf("%d cases in %s, %d classified", len(want), file, len(got))
	}
}

// Describes classifies every case of a wire package's describe table with
// classify (which names the case and returns its classification and its
// cause), checks each keeps its cause and compares them with the
// golden file (see Golden).
func Describes[C any](t testing.TB, cases []C, classify func(C) (name string, got *failure.Error, cause error), file string, update bool) {
	t.Helper()
	got := map[string]*failure.Error{}
	for _, c := range cases {
		name, e, cause := classify(c)
		if _, dup := got[name]; dup {
			t.Fatalf("case %q twice", name)
		}
		got[name] = e
		if e.Unwrap() != cause {
			t.Errorf("%s: Unwrap = %v, want the cause", name, e.Unwrap())
		}
	}
	Golden(t, file, got, update)
}
