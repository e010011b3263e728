package acctest

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Protocol drives a provider server in process the way a CLI does, for
// tests of what a configuration gets back (diagnostics) without a CLI.
// NewServer makes a fresh server per run; the provider's tests pass
// providerserver.NewProtocol6(New("test")()), so this package never imports
// the provider.
type Protocol struct {
	NewServer func() tfprotov6.ProviderServer
}

// Unknown stands for a value not known yet (computed from a resource).
var Unknown = unknownValue{}

type unknownValue struct{}

// Schemas returns the server's schemas, failing the test on any error.
func Schemas(t testing.TB, server tfprotov6.ProviderServer) *tfprotov6.GetProviderSchemaResponse {
	t.Helper()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	return schemas
}

// Run drives one configuration of typeName: kind "ephemeral" validates the
// provider and the ephemeral resource, configures the provider and opens
// it; "data source" does the same and reads the data source. It returns the
// diagnostics of every step up to the first that had errors.
//
// Values are string, int, Unknown, nil (null), []string,
// map[string]*string, map[string]string or map[string]any (a nested
// attribute); attributes not given are null.
func (p Protocol) Run(t testing.TB, kind, typeName string, providerValues, resourceValues map[string]any) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	server := p.NewServer()
	schemas := Schemas(t, server)
	var diags []*tfprotov6.Diagnostic
	failed := func(d []*tfprotov6.Diagnostic, err error) bool {
		if err != nil {
			t.Fatal(err)
		}
		diags = append(diags, d...)
		for _, x := range d {
			if x.Severity == tfprotov6.DiagnosticSeverityError {
				return true
			}
		}
		return false
	}
	providerConfig := Config(t, schemas.Provider, providerValues)
	vp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: providerConfig})
	if failed(vp.Diagnostics, err) {
		return diags
	}
	if kind == "ephemeral" {
		rc := Config(t, schemas.EphemeralResourceSchemas[typeName], resourceValues)
		v, err := server.ValidateEphemeralResourceConfig(ctx, &tfprotov6.ValidateEphemeralResourceConfigRequest{TypeName: typeName, Config: rc})
		if failed(v.Diagnostics, err) {
			return diags
		}
		c, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: providerConfig})
		if failed(c.Diagnostics, err) {
			return diags
		}
		// The CLIs open an ephemeral resource only once its configuration
		// is wholly known; it is opened here regardless, so the provider's
		// own guard against unknown inputs is what the test sees.
		o, err := server.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: typeName, Config: rc})
		failed(o.Diagnostics, err)
		return diags
	}
	rc := Config(t, schemas.DataSourceSchemas[typeName], resourceValues)
	v, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typeName, Config: rc})
	if failed(v.Diagnostics, err) {
		return diags
	}
	c, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: providerConfig})
	if failed(c.Diagnostics, err) {
		return diags
	}
	// Read even when the CLIs would wait for apply (see above).
	r, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: rc})
	failed(r.Diagnostics, err)
	return diags
}

// Config encodes values for a schema; attributes not given are null. See
// Protocol.Run for the value types.
func Config(t testing.TB, schema *tfprotov6.Schema, values map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	typ, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T is not an object", schema.ValueType())
	}
	attrs := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		attrs[name] = value(t, attrType, values[name])
	}
	for name := range values {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %s in the schema", name)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// value turns a test value into a value of type typ.
func value(t testing.TB, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	switch v := v.(type) {
	case nil:
		return tftypes.NewValue(typ, nil)
	case unknownValue:
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	case string:
		return tftypes.NewValue(tftypes.String, v)
	case int:
		return tftypes.NewValue(tftypes.Number, v)
	case []string:
		elems := make([]tftypes.Value, len(v))
		for i, e := range v {
			elems[i] = tftypes.NewValue(tftypes.String, e)
		}
		return tftypes.NewValue(typ, elems)
	case map[string]string:
		m := map[string]tftypes.Value{}
		for k, e := range v {
			m[k] = tftypes.NewValue(tftypes.String, e)
		}
		return tftypes.NewValue(typ, m)
	case map[string]any:
		if obj, ok := typ.(tftypes.Object); ok { // a nested attribute: unset members are null
			m := map[string]tftypes.Value{}
			for name, attrType := range obj.AttributeTypes {
				m[name] = value(t, attrType, v[name])
			}
			return tftypes.NewValue(typ, m)
		}
		m := map[string]tftypes.Value{}
		for k, e := range v {
			m[k] = value(t, tftypes.String, e)
		}
		return tftypes.NewValue(typ, m)
	case map[string]*string:
		m := map[string]tftypes.Value{}
		for k, e := range v {
			if e == nil {
				m[k] = tftypes.NewValue(tftypes.String, nil)
			} else {
				m[k] = tftypes.NewValue(tftypes.String, *e)
			}
		}
		return tftypes.NewValue(typ, m)
	}
	t.Fatalf("unsupported test value %T", v)
	return tftypes.Value{}
}
