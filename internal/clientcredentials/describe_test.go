package clientcredentials

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure/failuretest"
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
	failuretest.Golden(t, filepath.Join("testdata", "failures.json"), got, *update)
}
