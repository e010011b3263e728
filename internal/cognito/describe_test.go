package cognito

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
	failuretest.Describes(t, describeCases(), func(c describeCase) (string, *Error, error) {
		return c.name, describe(c.err, c.f), c.err
	}, filepath.Join("testdata", "failures.json"), *update)
}
