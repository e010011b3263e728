package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// TestNonEmpty: an empty string gets one error, naming the argument, and
// the rules never see it; null and unknown values get none; every other
// value goes to every rule.
func TestNonEmpty(t *testing.T) {
	for _, c := range []struct {
		name       string
		value      types.String
		wantErrors int
		wantRule   bool
	}{
		{"empty", types.StringValue(""), 1, false},
		{"null", types.StringNull(), 0, true},
		{"unknown", types.StringUnknown(), 0, true},
		{"a value", types.StringValue(" "), 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			rule := &recordingRule{}
			req := validator.StringRequest{Path: path.Root("refresh_token_store").AtName("file"), ConfigValue: c.value}
			var resp validator.StringResponse
			for _, v := range nonEmpty(rule, rule) {
				v.ValidateString(context.Background(), req, &resp)
			}
			if n := resp.Diagnostics.ErrorsCount(); n != c.wantErrors {
				t.Fatalf("%d errors, want %d: %v", n, c.wantErrors, resp.Diagnostics)
			}
			if c.wantErrors > 0 && resp.Diagnostics[0].Summary() != "Empty refresh_token_store.file" {
				t.Errorf("summary %q does not name the argument", resp.Diagnostics[0].Summary())
			}
			if want := map[bool]int{true: 2, false: 0}[c.wantRule]; rule.calls != want {
				t.Errorf("rules ran %d times, want %d", rule.calls, want)
			}
		})
	}
}

type recordingRule struct{ calls int }

func (*recordingRule) Description(context.Context) string         { return "" }
func (*recordingRule) MarkdownDescription(context.Context) string { return "" }
func (r *recordingRule) ValidateString(context.Context, validator.StringRequest, *validator.StringResponse) {
	r.calls++
}
