package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type oneFieldModel struct{ X types.String }

func (m *oneFieldModel) fields() map[string]any { return map[string]any{"x": &m.X} }

// openOrRead stops at the first failing step and otherwise writes what fill
// produced.
func TestOpenOrRead(t *testing.T) {
	ctx := context.Background()
	config := types.ObjectValueMust(map[string]attr.Type{"x": types.StringType}, map[string]attr.Value{"x": types.StringValue("in")})
	failing := func() diag.Diagnostics {
		var d diag.Diagnostics
		d.AddError("failed", "")
		return d
	}
	for _, tc := range []struct {
		name                 string
		getFails, fillFails  bool
		fillWarns            bool
		wantFill, wantSet    bool
		wantErrors, wantWarn int
	}{
		{name: "success", wantFill: true, wantSet: true},
		{name: "warning from fill is kept", fillWarns: true, wantFill: true, wantSet: true, wantWarn: 1},
		{name: "configuration not readable", getFails: true, wantErrors: 1},
		{name: "fill fails", fillFails: true, wantFill: true, wantErrors: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			get := func(_ context.Context, target any) diag.Diagnostics {
				if tc.getFails {
					return failing()
				}
				obj, ok := target.(*types.Object)
				if !ok {
					t.Fatalf("get into %T", target)
				}
				*obj = config
				return nil
			}
			var written types.Object
			set := func(_ context.Context, value any) diag.Diagnostics {
				obj, ok := value.(types.Object)
				if !ok {
					t.Fatalf("set %T", value)
				}
				written = obj
				return nil
			}
			var model oneFieldModel
			filled := false
			diags := openOrRead(ctx, get, set, &model, func() diag.Diagnostics {
				filled = true
				if model.X.ValueString() != "in" {
					t.Errorf("fill saw %q, want the configuration's value", model.X.ValueString())
				}
				model.X = types.StringValue("out")
				var d diag.Diagnostics
				if tc.fillWarns {
					d.AddWarning("careful", "")
				}
				if tc.fillFails {
					d.AddError("failed", "")
				}
				return d
			})
			if filled != tc.wantFill || written.IsNull() == tc.wantSet {
				t.Errorf("filled %v, written %v; want %v, %v", filled, !written.IsNull(), tc.wantFill, tc.wantSet)
			}
			if tc.wantSet && written.Attributes()["x"] != types.StringValue("out") {
				t.Errorf("written %v, want x = out", written)
			}
			if diags.ErrorsCount() != tc.wantErrors || diags.WarningsCount() != tc.wantWarn {
				t.Errorf("diagnostics %v", diags)
			}
		})
	}
}
