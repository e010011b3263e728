package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// echoModel is the model of echoTokenType, a token type for these tests.
type echoModel struct {
	In  types.String `tfsdk:"in"`
	Out types.String `tfsdk:"out"`
}

// echoTokenType copies in to out, or does what fetch says.
type echoTokenType struct {
	fetched *bool
	respond func(m *echoModel) diag.Diagnostics
}

func (echoTokenType) name() string { return "echo_token" }

func (echoTokenType) schema() tokenSchema {
	return tokenSchema{attributes: map[string]attributeSpec{
		"in":  {kind: inputString, description: "In."},
		"out": {kind: outputString, description: "Out."},
	}}
}

func (e echoTokenType) fetch(_ context.Context, _ *providerData, m *echoModel) diag.Diagnostics {
	*e.fetched = true
	return e.respond(m)
}

// configuredData is a provider configured as Configure leaves it, for
// fetches that never use it.
func configuredData() *providerData { return &providerData{env: &awsenv.Env{}} }

// openOrRead runs the echo type's Open (form "ephemeral") or Read (form
// "data source") on a configuration of in, and returns whether fetch ran,
// the result written and the diagnostics. inType is in's type in the
// schema the configuration is read with.
func openOrRead(t *testing.T, form string, data *providerData, deferralAllowed bool, in tftypes.Value, fetch func(m *echoModel) diag.Diagnostics) (fetched bool, result tftypes.Value, deferred bool, diags diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	spec := echoTokenType{fetched: &fetched, respond: fetch}
	objectType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"in": in.Type(), "out": tftypes.String}}
	config := tftypes.NewValue(objectType, map[string]tftypes.Value{"in": in, "out": tftypes.NewValue(tftypes.String, nil)})
	if form == "ephemeral" {
		r := &tokenEphemeralResource[echoModel, echoTokenType]{data: data, spec: spec}
		var schemaResp ephemeral.SchemaResponse
		r.Schema(ctx, ephemeral.SchemaRequest{}, &schemaResp)
		resp := ephemeral.OpenResponse{Result: tfsdk.EphemeralResultData{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, nil)}}
		r.Open(ctx, ephemeral.OpenRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: config},
			ClientCapabilities: ephemeral.OpenClientCapabilities{DeferralAllowed: deferralAllowed}}, &resp)
		return fetched, resp.Result.Raw, resp.Deferred != nil, resp.Diagnostics
	}
	d := &tokenDataSource[echoModel, echoTokenType]{data: data, spec: spec}
	var schemaResp datasource.SchemaResponse
	d.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, nil)}}
	d.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: config},
		ClientCapabilities: datasource.ReadClientCapabilities{DeferralAllowed: deferralAllowed}}, &resp)
	return fetched, resp.State.Raw, resp.Deferred != nil, resp.Diagnostics
}

// TestOpenOrRead: both forms read the configuration, stop at the first
// failing step, keep warnings, refuse a value not known yet before any
// fetch, defer when the provider configuration is unknown and the CLI
// allows it, and otherwise write what fetch produced.
func TestOpenOrRead(t *testing.T) {
	known := tftypes.NewValue(tftypes.String, "in")
	// echo fails, which every case counts, unless it sees the configuration.
	echo := func(m *echoModel) diag.Diagnostics {
		var d diag.Diagnostics
		if m.In.ValueString() != "in" {
			d.AddError("fetch saw "+m.In.String()+", not the configuration's value", "")
		}
		m.Out = types.StringValue("out")
		return d
	}
	warn := func(m *echoModel) diag.Diagnostics {
		var d diag.Diagnostics
		d.AddWarning("careful", "")
		return append(d, echo(m)...)
	}
	fail := func(m *echoModel) diag.Diagnostics {
		m.Out = types.StringValue("out")
		var d diag.Diagnostics
		d.AddError("failed", "")
		return d
	}
	for _, form := range []string{"ephemeral", "data source"} {
		for _, tc := range []struct {
			name                        string
			in                          tftypes.Value
			data                        *providerData
			deferralAllowed             bool
			fetch                       func(m *echoModel) diag.Diagnostics
			wantFetch, wantSet, wantDef bool
			wantErrors, wantWarn        int
			wantError                   string
			wantErrorAt                 path.Path
		}{
			{name: "success", in: known, fetch: echo, wantFetch: true, wantSet: true},
			{name: "warning from fetch is kept", in: known, fetch: warn, wantFetch: true, wantSet: true, wantWarn: 1},
			{name: "fetch fails", in: known, fetch: fail, wantFetch: true, wantErrors: 1},
			{name: "input not known yet", in: tftypes.NewValue(tftypes.String, tftypes.UnknownValue), fetch: echo,
				wantErrors: 1, wantError: "Value not known yet", wantErrorAt: path.Root("in")},
			// A configuration that does not match the model is a provider
			// bug: an error, never a panic, and no fetch.
			{name: "configuration does not match the model", in: tftypes.NewValue(tftypes.Number, 1), fetch: echo, wantErrors: 1},
			{name: "provider configuration unknown, deferral allowed", in: known, data: &providerData{unknownConfig: true}, deferralAllowed: true, fetch: echo, wantDef: true},
			// The backbone refuses before any fetch, for every type alike.
			{name: "provider configuration unknown, deferral not allowed", in: known, data: &providerData{unknownConfig: true}, fetch: echo,
				wantErrors: 1, wantError: "Provider not configured"},
			{name: "provider configuration known, deferral allowed", in: known, data: configuredData(), deferralAllowed: true, fetch: echo, wantFetch: true, wantSet: true},
		} {
			t.Run(form+"/"+tc.name, func(t *testing.T) {
				data := tc.data
				if data == nil {
					data = configuredData()
				}
				fetched, result, deferred, diags := openOrRead(t, form, data, tc.deferralAllowed, tc.in, tc.fetch)
				if fetched != tc.wantFetch || result.IsNull() == tc.wantSet || deferred != tc.wantDef {
					t.Errorf("fetched %v, written %v, deferred %v; want %v, %v, %v", fetched, !result.IsNull(), deferred, tc.wantFetch, tc.wantSet, tc.wantDef)
				}
				if tc.wantSet {
					want := tftypes.NewValue(result.Type(), map[string]tftypes.Value{"in": known, "out": tftypes.NewValue(tftypes.String, "out")})
					if !result.Equal(want) {
						t.Errorf("written %v, want %v", result, want)
					}
				}
				if diags.ErrorsCount() != tc.wantErrors || diags.WarningsCount() != tc.wantWarn {
					t.Errorf("diagnostics %v", diags)
				}
				if tc.wantError != "" {
					if diags.Errors()[0].Summary() != tc.wantError || !diagPath(diags.Errors()[0]).Equal(tc.wantErrorAt) {
						t.Errorf("error %v, want %q at %s", diags.Errors()[0], tc.wantError, tc.wantErrorAt)
					}
				}
			})
		}
	}
}

// TestUnknownInput: the first attribute in name order with a value not
// known, also deep inside a collection or object, is named.
func TestUnknownInput(t *testing.T) {
	str := func(v any) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	mapType := tftypes.Map{ElementType: tftypes.String}
	objType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"file": tftypes.String}}
	config := func(b, m, o tftypes.Value) tftypes.Value {
		return tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"b": tftypes.String, "m": mapType, "o": objType}},
			map[string]tftypes.Value{"b": b, "m": m, "o": o})
	}
	knownMap := tftypes.NewValue(mapType, map[string]tftypes.Value{"k": str("v")})
	knownObj := tftypes.NewValue(objType, map[string]tftypes.Value{"file": str("f")})
	for _, tc := range []struct {
		name   string
		config tftypes.Value
		want   string
	}{
		{"all known", config(str("x"), knownMap, knownObj), ""},
		{"nulls are known", config(str(nil), tftypes.NewValue(mapType, nil), tftypes.NewValue(objType, nil)), ""},
		{"unknown string", config(str(tftypes.UnknownValue), knownMap, knownObj), "b"},
		{"unknown map element", config(str("x"), tftypes.NewValue(mapType, map[string]tftypes.Value{"k": str(tftypes.UnknownValue)}), knownObj), "m"},
		{"unknown object member", config(str("x"), knownMap, tftypes.NewValue(objType, map[string]tftypes.Value{"file": str(tftypes.UnknownValue)})), "o"},
		{"first in name order", config(str(tftypes.UnknownValue), knownMap, tftypes.NewValue(objType, tftypes.UnknownValue)), "b"},
	} {
		if got := unknownInput(tc.config); got != tc.want {
			t.Errorf("%s: unknownInput = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestMaskSecrets: after maskSecrets, neither a log message nor a field
// value shows a secret, also upper-cased or URL-escaped; with no secrets the context is unchanged; and the
// leak test's unmasked build (maskLogs = false) really logs in the clear,
// which TestAccNoSecretLeaks relies on.
func TestMaskSecrets(t *testing.T) {
	const secret = "eyJjdHkiOiJKV1QifQ.s3cr3t+x"
	logWith := func(mask bool, secrets []string) string {
		t.Helper()
		defer func(saved bool) { maskLogs = saved }(maskLogs)
		maskLogs = mask
		var out bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &out)
		masked := maskSecrets(ctx, secrets)
		if len(secrets) == 0 && masked != ctx {
			t.Error("maskSecrets without secrets changed the context")
		}
		logDebug(masked, "Cognito says: token "+secret+" is invalid", map[string]any{"error": "bad " + secret,
			"altered": strings.ToUpper(secret) + " " + url.QueryEscape(secret), "cause": errors.New("was " + secret), "attempts": 3})
		return out.String()
	}
	if got := strings.ToLower(logWith(true, []string{secret, "other"})); strings.Contains(got, strings.ToLower(secret)) ||
		strings.Contains(got, strings.ToLower(url.QueryEscape(secret))) || !strings.Contains(got, "cognito says") {
		t.Errorf("masked log line shows the secret (or nothing): %s", got)
	}
	if got := logWith(false, []string{secret}); strings.Count(got, secret) != 3 {
		t.Errorf("with maskLogs = false the secret should appear three times: %s", got)
	}
	if got := logWith(true, nil); strings.Count(got, secret) != 3 || !strings.Contains(got, `"attempts":3`) {
		t.Errorf("with nothing to mask the line should be unchanged: %s", got)
	}
	// Secrets registered by two calls are both masked.
	var out bytes.Buffer
	ctx := maskSecrets(maskSecrets(tflogtest.RootLogger(context.Background(), &out), []string{"first-secret"}), []string{"second-secret"})
	logDebug(ctx, "first-secret and second-secret", nil)
	if got := out.String(); strings.Contains(got, "first-secret") || strings.Contains(got, "second-secret") {
		t.Errorf("a secret of the first call is not masked: %s", got)
	}
}

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
				in := p.SignIn(cognitotest.AppClient{})
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

// closingEchoType is echoTokenType with the optional close hook
// (tokenCloser): it keeps in as its handle, except "nothing", and records
// the handles closed.
type closingEchoType struct{}

var closedHandles []string

func (closingEchoType) name() string { return "closing_echo" }

func (closingEchoType) schema() tokenSchema { return echoTokenType{}.schema() }

func (closingEchoType) fetch(_ context.Context, _ *providerData, m *echoModel) diag.Diagnostics {
	if m.In.IsNull() {
		return diag.Diagnostics{diag.NewErrorDiagnostic("no in", "")}
	}
	m.Out = types.StringValue("out")
	return nil
}

func (closingEchoType) closeHandle(_ context.Context, m *echoModel) ([]byte, diag.Diagnostics) {
	if m.In.ValueString() == "nothing" {
		return nil, nil
	}
	handle, err := json.Marshal(m.In.ValueString())
	if err != nil {
		return nil, diag.Diagnostics{diag.NewErrorDiagnostic("handle", err.Error())}
	}
	return handle, nil
}

func (closingEchoType) close(_ context.Context, data *providerData, handle []byte) diag.Diagnostics {
	var in string
	if err := json.Unmarshal(handle, &in); err != nil || !data.configured() {
		return diag.Diagnostics{diag.NewErrorDiagnostic("bad handle or provider", string(handle))}
	}
	closedHandles = append(closedHandles, in)
	return diag.Diagnostics{diag.NewWarningDiagnostic("closed "+in, "")}
}

// withClosingEcho is the provider with cognito_closing_echo added.
type withClosingEcho struct {
	provider.ProviderWithEphemeralResources
}

func (p withClosingEcho) EphemeralResources(ctx context.Context) []func() ephemeral.EphemeralResource {
	return append(p.ProviderWithEphemeralResources.EphemeralResources(ctx),
		func() ephemeral.EphemeralResource { return newTokenEphemeralResource[echoModel, closingEchoType]() })
}

// TestCloseHook: a type with the close hook gets, at Close, the handle its
// Open kept in private data (and the configured provider); without a handle,
// or for a type without the hook, Close does nothing.
func TestCloseHook(t *testing.T) {
	ctx := context.Background()
	closedHandles = nil
	base, ok := New("test")().(provider.ProviderWithEphemeralResources)
	if !ok {
		t.Fatal("the provider has no ephemeral resources")
	}
	server := providerserver.NewProtocol6(withClosingEcho{base})()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: config(t, schemas.Provider, map[string]any{"region": "eu-west-1"})})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}
	openAndClose := func(values map[string]any) []*tfprotov6.Diagnostic {
		t.Helper()
		const typeName = "cognito_closing_echo"
		opened, err := server.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{
			TypeName: typeName, Config: config(t, schemas.EphemeralResourceSchemas[typeName], values)})
		if err != nil {
			t.Fatal(err)
		}
		if len(opened.Diagnostics) > 0 {
			t.Fatalf("Open: %v", opened.Diagnostics)
		}
		closed, err := server.CloseEphemeralResource(ctx, &tfprotov6.CloseEphemeralResourceRequest{TypeName: typeName, Private: opened.Private})
		if err != nil {
			t.Fatal(err)
		}
		return closed.Diagnostics
	}

	if diags := openAndClose(map[string]any{"in": "kept"}); len(diags) != 1 || diags[0].Summary != "closed kept" {
		t.Errorf("Close with a handle: %v", diags)
	}
	if diags := openAndClose(map[string]any{"in": "nothing"}); len(diags) != 0 {
		t.Errorf("Close without a handle: %v", diags)
	}
	// The CLI closes every ephemeral resource; a type without the hook does nothing.
	closed, err := server.CloseEphemeralResource(ctx, &tfprotov6.CloseEphemeralResourceRequest{TypeName: "cognito_refreshed_tokens"})
	if err != nil || len(closed.Diagnostics) != 0 {
		t.Errorf("Close of a type without the hook: %v %v", err, closed.Diagnostics)
	}
	if len(closedHandles) != 1 || closedHandles[0] != "kept" {
		t.Errorf("closed %q, want [kept]", closedHandles)
	}
}
