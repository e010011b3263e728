package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestConfigureBrokenSharedConfig: a shared AWS configuration the SDK
// cannot use (a missing AWS_PROFILE, a file it rejects) is a warning when
// the region is known without it, and otherwise an error that says what is
// wrong with the profile; never a panic or a client without a region.
func TestConfigureBrokenSharedConfig(t *testing.T) {
	cases := []struct {
		name      string
		profile   string // AWS_PROFILE
		file      string
		region    string // the provider's `region`
		envRegion string // AWS_REGION
		wantError bool
		wantText  string
	}{
		{name: "missing profile, no region", profile: "missing-profile", file: "[profile other]\nregion = eu-west-1\n", wantError: true, wantText: "missing-profile"},
		{name: "rejected file, no region", file: "[default]\nmax_attempts = many\n", wantError: true, wantText: "max_attempts"},
		{name: "missing profile, region set", profile: "missing-profile", file: "[profile other]\nregion = eu-west-1\n", region: "eu-west-1", wantText: "missing-profile"},
		{name: "rejected file, region set", file: "[default]\nmax_attempts = many\n", region: "eu-west-1", wantText: "max_attempts"},
		{name: "missing profile, AWS_REGION", profile: "missing-profile", envRegion: "eu-west-1", wantText: "missing-profile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolateAWSEnvironment(t)
			config := filepath.Join(t.TempDir(), "config")
			if err := os.WriteFile(config, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("AWS_CONFIG_FILE", config)
			if tc.profile != "" {
				t.Setenv("AWS_PROFILE", tc.profile)
			}
			if tc.envRegion != "" {
				t.Setenv("AWS_REGION", tc.envRegion)
			}
			var values map[string]string
			if tc.region != "" {
				values = map[string]string{"region": tc.region}
			}

			resp := configureProvider(t, values)
			if len(resp.Diagnostics) != 1 {
				t.Fatalf("want one diagnostic, got %v", resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			if !strings.Contains(d.Detail(), tc.wantText) || strings.Contains(d.Detail(), "set `region`") {
				t.Errorf("diagnostic %q: %q does not say what is wrong with the profile", d.Summary(), d.Detail())
			}
			data, _ := resp.DataSourceData.(*providerData)
			switch {
			case tc.wantError && (d.Severity() != diag.SeverityError || d.Summary() != "Cannot use the AWS profile"):
				t.Errorf("want the profile error, got %s %q", d.Severity(), d.Summary())
			case !tc.wantError && (d.Severity() != diag.SeverityWarning || d.Summary() != "AWS profile ignored"):
				t.Errorf("want a warning, got %s %q: %s", d.Severity(), d.Summary(), d.Detail())
			case !tc.wantError && (data == nil || data.client == nil || data.tokenSource == nil):
				t.Error("the provider was not configured")
			}
		})
	}
}

// configureProvider runs the provider's Configure with the given string
// arguments (the others null) and returns its response.
func configureProvider(t *testing.T, values map[string]string) provider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	typ, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	attrs := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(attrType, nil)
	}
	for name, v := range values {
		attrs[name] = tftypes.NewValue(tftypes.String, v)
	}
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, attrs)}}, &resp)
	return resp
}
