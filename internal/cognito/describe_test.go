package cognito

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/failures.json from describe")

// TestDescribeClassifies: every branch of describe yields its reason and
// its scrubbed facts (testdata/failures.json, keyed by case). The provider
// words the same cases (internal/provider/testdata/diagnostics.json).
func TestDescribeClassifies(t *testing.T) {
	got := map[string]*Error{}
	for _, c := range describeCases() {
		if _, dup := got[c.name]; dup {
			t.Fatalf("case %q twice", c.name)
		}
		got[c.name] = describe(c.err, c.f)
		if got[c.name].Unwrap() != c.err {
			t.Errorf("%s: Unwrap = %v, want the cause", c.name, got[c.name].Unwrap())
		}
	}
	file := filepath.Join("testdata", "failures.json")
	if *update {
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
	want := map[string]*Error{}
	if err := json.Unmarshal(text, &want); err != nil {
		t.Fatal(err)
	}
	// Compared as JSON: the cause and the secrets are not facts.
	for name, e := range got {
		gotJSON, _ := json.Marshal(e)
		wantJSON, _ := json.Marshal(want[name])
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("%s: describe classified\n%s\nwant\n%s", name, gotJSON, wantJSON)
		}
	}
	if len(want) != len(got) {
		t.Errorf("%d cases in %s, %d in describeCases", len(want), file, len(got))
	}
}
