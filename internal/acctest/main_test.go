package acctest_test

import (
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
)

// TestMain removes the provider builds NewCLI made for this process.
func TestMain(m *testing.M) { acctest.Main(m) }
