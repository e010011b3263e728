package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// TestDeferral: a provider configuration that is not known yet (a region
// computed by a resource) makes Open and Read defer when the CLI allows
// deferral (Terraform's deferred actions: ClientCapabilities.DeferralAllowed),
// with the reason "provider configuration unknown", no error and no
// request; when the CLI does not allow it, they fail with a clear error,
// still without a request. A known configuration is never deferred.
func TestDeferral(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, tc := range []struct {
			name            string
			provider        map[string]any // merged over region and the tap's endpoint
			deferralAllowed bool
			wantDeferred    bool
			wantError       string
			wantRequests    int
		}{
			{name: "unknown region, deferral allowed", provider: map[string]any{"region": unknown}, deferralAllowed: true, wantDeferred: true},
			{name: "unknown endpoint, deferral allowed", provider: map[string]any{"endpoint": unknown}, deferralAllowed: true, wantDeferred: true},
			{name: "unknown max_retries, deferral allowed", provider: map[string]any{"max_retries": unknown}, deferralAllowed: true, wantDeferred: true},
			{name: "unknown timeout, deferral allowed", provider: map[string]any{"timeout": unknown}, deferralAllowed: true, wantDeferred: true},
			{name: "unknown region, deferral not allowed", provider: map[string]any{"region": unknown}, wantError: "Provider not configured"},
			{name: "known provider config, deferral allowed", deferralAllowed: true, wantRequests: 1},
		} {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				tap := acctest.NewTokenTap(t, p.URL)
				in := p.signIn(cognitotest.AppClient{})
				providerValues := map[string]any{"region": "eu-west-1", "endpoint": tap.URL}
				for k, v := range tc.provider {
					providerValues[k] = v
				}
				deferred, diags := openOrReadThroughProtocol(t, kind, tc.deferralAllowed, providerValues,
					map[string]any{"refresh_token": in.RefreshToken, "client_id": in.ClientID})
				if deferred != nil && deferred.Reason != tfprotov6.DeferredReasonProviderConfigUnknown {
					t.Errorf("deferred with reason %v, want provider config unknown", deferred.Reason)
				}
				if (deferred != nil) != tc.wantDeferred {
					t.Errorf("deferred = %v, want deferred: %v", deferred, tc.wantDeferred)
				}
				var errs []string
				for _, d := range diags {
					if d.Severity == tfprotov6.DiagnosticSeverityError {
						errs = append(errs, d.Summary)
					}
				}
				if tc.wantError == "" && len(errs) > 0 || tc.wantError != "" && (len(errs) != 1 || errs[0] != tc.wantError) {
					t.Errorf("errors %q, want %q", errs, tc.wantError)
				}
				if n := tap.RequestCount(); n != tc.wantRequests {
					t.Errorf("the double saw %d requests, want %d", n, tc.wantRequests)
				}
			})
		}
	}
}

// openOrReadThroughProtocol configures the provider and opens the ephemeral resource or
// reads the data source, as a CLI with or without deferral support does.
func openOrReadThroughProtocol(t *testing.T, kind string, deferralAllowed bool, providerValues, resourceValues map[string]any) (*tfprotov6.Deferred, []*tfprotov6.Diagnostic) {
	t.Helper()
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("test")())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		Config:             config(t, schemas.Provider, providerValues),
		ClientCapabilities: &tfprotov6.ConfigureProviderClientCapabilities{DeferralAllowed: deferralAllowed},
	})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}
	const typeName = "cognito_refreshed_tokens"
	if kind == "ephemeral" {
		resp, err := server.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{
			TypeName: typeName, Config: config(t, schemas.EphemeralResourceSchemas[typeName], resourceValues),
			ClientCapabilities: &tfprotov6.OpenEphemeralResourceClientCapabilities{DeferralAllowed: deferralAllowed},
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Deferred, resp.Diagnostics
	}
	resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
		TypeName: typeName, Config: config(t, schemas.DataSourceSchemas[typeName], resourceValues),
		ClientCapabilities: &tfprotov6.ReadDataSourceClientCapabilities{DeferralAllowed: deferralAllowed},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Deferred, resp.Diagnostics
}
