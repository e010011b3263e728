package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestClientMetadataSizeBound: exactly 64 KiB of keys and values passes,
// one byte more does not.
func TestClientMetadataSizeBound(t *testing.T) {
	for size, wantError := range map[int]bool{maxClientMetadataBytes - 1: false, maxClientMetadataBytes: false, maxClientMetadataBytes + 1: true} {
		elems := map[string]attr.Value{"k": types.StringValue(strings.Repeat("v", size-1))}
		if got := validateClientMetadata(t, elems).Diagnostics.HasError(); got != wantError {
			t.Errorf("%d bytes: error = %v, want %v", size, got, wantError)
		}
	}
}
