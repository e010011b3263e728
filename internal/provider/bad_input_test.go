package provider

// Bad configurations, driven through the provider's protocol server the way
// a CLI drives it (validate, configure, then open or read only if
// validation passed), against the Cognito double: each must end in an
// attribute-scoped diagnostic that says what to change, echoes no sensitive
// value, and comes before any request reaches Cognito.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// unknown stands for a value not known yet (computed from a resource).
type unknownValue struct{}

var unknown = unknownValue{}

// badInput is one bad configuration. Values are string, int, unknown,
// nil (null), map[string]*string or map[string]string.
type badInput struct {
	name     string
	provider map[string]any // merged over region + the double's endpoint
	resource map[string]any // merged over a valid refresh_token + client_id
	// attribute the error must be scoped to ("" = no error expected).
	attribute string
	// want matches summary + detail of the error.
	want *regexp.Regexp
	// echo is a value no diagnostic may contain (default: the bad value of
	// attribute when that attribute is sensitive).
	echo string
	// requests the double must see: 0 for every bad input; 1 for a valid,
	// known configuration.
	requests int
}

var sensitiveInputs = map[string]bool{"refresh_token": true, "client_id": true, "client_secret": true}

func badInputs() []badInput {
	str := func(s string) *string { return &s }
	res := func(name, value, attribute, want string) badInput {
		return badInput{name: name, resource: map[string]any{attribute: value}, attribute: attribute, want: regexp.MustCompile(want)}
	}
	prov := func(name string, value any, attribute, want string) badInput {
		return badInput{name: name, provider: map[string]any{attribute: value}, attribute: attribute, want: regexp.MustCompile(want)}
	}
	const (
		tokenMsg  = `(?s)Invalid refresh_token.*must be a Cognito refresh token: letters, digits.*Check for stray whitespace`
		idMsg     = `(?s)Invalid client_id.*must be an app client ID: letters, digits.*Check for stray whitespace`
		secretMsg = `(?s)Invalid client_secret.*must be an app client secret: letters, digits.*Check for stray whitespace`
		deviceMsg = `(?s)Invalid device_key.*must be a device key such as`
		regionMsg = `(?s)Invalid region.*must be an AWS region name such as .us-east-1.`
		lengthMsg = `(?s)Invalid Attribute Value Length.*%s string length must be %s`
	)
	length := func(attribute, rule string) string { return fmt.Sprintf(lengthMsg, attribute, regexp.QuoteMeta(rule)) }
	secret30 := strings.Repeat("s", 30)
	return []badInput{
		// refresh_token
		res("refresh_token empty", "", "refresh_token", length("refresh_token", "at least 1")),
		res("refresh_token whitespace only", "   ", "refresh_token", tokenMsg),
		res("refresh_token with a trailing newline", "eyJjdHkiOiJKV1QifQ.abc.def\n", "refresh_token", tokenMsg),
		res("refresh_token with inner space", "eyJjdHkiOiJKV1QifQ abc.def", "refresh_token", tokenMsg),
		res("refresh_token quoted", `"eyJjdHkiOiJKV1QifQ.abc.def"`, "refresh_token", tokenMsg),
		res("refresh_token with a Bearer prefix", "Bearer eyJjdHkiOiJKV1QifQ.abc.def", "refresh_token", tokenMsg),
		res("refresh_token non-ASCII", "eyJjdHkiOiJKV1QifQ.äbc.def", "refresh_token", tokenMsg),
		res("refresh_token with a NUL byte", "eyJjdHkiOiJKV1QifQ.abc\x00def", "refresh_token", tokenMsg),
		// client_id
		res("client_id empty", "", "client_id", length("client_id", "between 1 and 128")),
		res("client_id whitespace only", "  ", "client_id", idMsg),
		res("client_id with a dash", "abcdefghij-klmnopqrstuvwxyz", "client_id", idMsg),
		res("client_id with a trailing space", "abcdefghijklmnopqrstuvwxyz ", "client_id", idMsg),
		res("client_id too long", strings.Repeat("a", 129), "client_id", length("client_id", "between 1 and 128")),
		res("client_id is a pool id", "eu-west-1_AbCdEfGhI", "client_id", idMsg),
		// client_secret
		res("client_secret empty", "", "client_secret", length("client_secret", "between 24 and 64")),
		res("client_secret whitespace only", strings.Repeat(" ", 30), "client_secret", secretMsg),
		res("client_secret too short", "tooshortsecret", "client_secret", length("client_secret", "between 24 and 64")),
		res("client_secret too long", strings.Repeat("s", 65), "client_secret", length("client_secret", "between 24 and 64")),
		res("client_secret with a symbol", secret30+"!", "client_secret", secretMsg),
		res("client_secret with a newline", secret30+"\n", "client_secret", secretMsg),
		res("client_secret base64 padded", secret30+"==", "client_secret", secretMsg),
		// device_key
		res("device_key empty", "", "device_key", length("device_key", "between 1 and 55")),
		res("device_key whitespace only", "  ", "device_key", deviceMsg),
		res("device_key without a region", "0b1c2d3e-0000-0000-0000-000000000000", "device_key", deviceMsg),
		res("device_key with upper-case hex", "eu-west-1_0B1C2D3E-0000-0000-0000-000000000000", "device_key", deviceMsg),
		res("device_key too long", "eu-west-1_"+strings.Repeat("0", 46), "device_key", length("device_key", "between 1 and 55")),
		// region (per resource)
		res("region empty", "", "region", regionMsg),
		res("region whitespace only", " ", "region", regionMsg),
		res("region unknown", "mars-north-1", "region", regionMsg),
		res("region upper case", "EU-WEST-1", "region", regionMsg),
		res("region with a trailing space", "eu-west-1 ", "region", regionMsg),
		res("region without a number", "eu-west", "region", regionMsg),
		res("region is an availability zone", "eu-west-1a", "region", regionMsg),
		// client_metadata
		{name: "client_metadata with a huge value", resource: map[string]any{"client_metadata": map[string]string{"blob": strings.Repeat("x", 70*1024)}},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)client_metadata too large.*under 64 KiB.*another way`)},
		{name: "client_metadata with a huge key", resource: map[string]any{"client_metadata": map[string]string{strings.Repeat("k", 65*1024): "v"}},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)client_metadata too large`)},
		{name: "client_metadata with many mid-size values", resource: map[string]any{"client_metadata": manyValues(40, 2*1024)},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)client_metadata too large`)},
		{name: "client_metadata with 51 entries", resource: map[string]any{"client_metadata": manyValues(51, 1)},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)client_metadata.*at most 50`)},
		{name: "client_metadata with a null value", resource: map[string]any{"client_metadata": map[string]*string{"run": str("42"), "stage": nil}},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)Null value in client_metadata.*"stage".*Set a string value or remove the key`)},
		// provider arguments
		prov("provider region empty", "", "region", regionMsg),
		prov("provider region unknown", "moon-central-1", "region", regionMsg),
		prov("endpoint empty", "", "endpoint", `(?s)Invalid endpoint URL.*http.*Use a URL such as`),
		prov("endpoint without a scheme", "cognito-idp.eu-west-1.amazonaws.com", "endpoint", `(?s)Invalid endpoint URL.*Use a URL such as`),
		prov("endpoint with another scheme", "ftp://127.0.0.1:9229", "endpoint", `(?s)Invalid endpoint URL.*Use a URL such as`),
		prov("endpoint without a host", "http://", "endpoint", `(?s)Invalid endpoint URL.*Use a URL such as`),
		prov("endpoint that does not parse", "http://[::1", "endpoint", `(?s)Invalid endpoint URL.*Use a URL such as`),
		prov("endpoint whitespace only", "  ", "endpoint", `(?s)Invalid endpoint URL`),
		prov("endpoint relative", "/cognito", "endpoint", `(?s)Invalid endpoint URL`),
		{name: "endpoint with credentials", provider: map[string]any{"endpoint": "http://proxyuser:Pr0xyPassw0rd@127.0.0.1:3128"}, attribute: "endpoint",
			want: regexp.MustCompile(`(?s)Credentials in endpoint URL.*not accepted.*HTTPS_PROXY`), echo: "Pr0xyPassw0rd"},
		{name: "endpoint with a user name", provider: map[string]any{"endpoint": "https://proxyuser@cognito.example.com"}, attribute: "endpoint",
			want: regexp.MustCompile(`(?s)Credentials in endpoint URL`), echo: "proxyuser"},
		prov("max_retries negative", -1, "max_retries", `(?s)max_retries.*between 0 and 100`),
		prov("max_retries too large", 101, "max_retries", `(?s)max_retries.*between 0 and 100`),
		prov("retry_mode unknown", "legacy", "retry_mode", `(?s)Invalid Attribute Value Match.*"standard".*"adaptive"`),
		prov("retry_mode upper case", "Adaptive", "retry_mode", `(?s)Invalid Attribute Value Match`),
		prov("timeout empty", "", "timeout", `(?s)Invalid duration.*between 1s and 1h0m0s`),
		prov("timeout not a duration", "soon", "timeout", `(?s)Invalid duration.*such as .30s.`),
		prov("timeout without a unit", "30", "timeout", `(?s)Invalid duration`),
		prov("timeout zero", "0s", "timeout", `(?s)Invalid duration.*between 1s`),
		prov("timeout too short", "500ms", "timeout", `(?s)Invalid duration.*between 1s`),
		prov("timeout too long", "61m", "timeout", `(?s)Invalid duration.*1h0m0s`),
		prov("timeout negative", "-5s", "timeout", `(?s)Invalid duration`),
		// Unknown values: the CLIs wait for apply before opening or reading;
		// opened or read anyway, the provider refuses without a request
		// (an unknown reads as "", and a request without the secret or
		// with an empty token is a different request).
		unknownRow("refresh_token", unknown),
		unknownRow("client_id", unknown),
		unknownRow("client_secret", unknown),
		unknownRow("device_key", unknown),
		unknownRow("region", unknown),
		unknownRow("client_metadata", unknown),
		{name: "client_metadata with an unknown value", resource: map[string]any{"client_metadata": map[string]any{"stage": unknown}},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)Value not known yet.*client_metadata is not known`)},
		// Not errors: a null map is no map.
		{name: "client_metadata null", resource: map[string]any{"client_metadata": nil}, requests: 1},
		{name: "client_metadata empty", resource: map[string]any{"client_metadata": map[string]string{}}, requests: 1},
	}
}

func unknownRow(attribute string, value any) badInput {
	return badInput{name: attribute + " not known yet", resource: map[string]any{attribute: value}, attribute: attribute,
		want: regexp.MustCompile(`(?s)Value not known yet.*` + attribute + ` is not known yet.*Use a value known at plan time`)}
}

func manyValues(n, size int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[fmt.Sprintf("k%d", i)] = strings.Repeat("v", size)
	}
	return m
}

// tfValue turns a test value into a value of type typ.
func tfValue(t *testing.T, typ tftypes.Type, v any) tftypes.Value {
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
				m[name] = tfValue(t, attrType, v[name])
			}
			return tftypes.NewValue(typ, m)
		}
		m := map[string]tftypes.Value{}
		for k, e := range v {
			m[k] = tfValue(t, tftypes.String, e)
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

// config encodes values for a schema; attributes not given are null.
func config(t *testing.T, schema *tfprotov6.Schema, values map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	typ, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T is not an object", schema.ValueType())
	}
	attrs := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		attrs[name] = tfValue(t, attrType, values[name])
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

// protocolRun drives one configuration the way a CLI does and returns the
// diagnostics of the first step that had errors (or of all steps).
func protocolRun(t *testing.T, kind string, providerValues, resourceValues map[string]any) []*tfprotov6.Diagnostic {
	t.Helper()
	return protocolRunType(t, kind, "cognito_refreshed_tokens", providerValues, resourceValues)
}

// protocolRunType is protocolRun for any of the provider's types.
func protocolRunType(t *testing.T, kind, typeName string, providerValues, resourceValues map[string]any) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("test")())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
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
	providerConfig := config(t, schemas.Provider, providerValues)
	vp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: providerConfig})
	if failed(vp.Diagnostics, err) {
		return diags
	}
	if kind == "ephemeral" {
		rc := config(t, schemas.EphemeralResourceSchemas[typeName], resourceValues)
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
	rc := config(t, schemas.DataSourceSchemas[typeName], resourceValues)
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

func TestBadInput(t *testing.T) {
	// One double for all cases (its keys are costly to make); each case
	// counts the requests that reach it through a tap of its own.
	p := newPool(t, cognitotest.PoolConfig{})
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, tc := range append(badInputs(), storeBadInputs()...) {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				tap := newTokenTap(t, p.URL)
				in := p.signIn(cognitotest.AppClient{})
				providerValues := map[string]any{"region": "eu-west-1", "endpoint": tap.URL}
				for k, v := range tc.provider {
					providerValues[k] = v
				}
				resourceValues := map[string]any{"refresh_token": in.RefreshToken, "client_id": in.ClientID}
				for k, v := range tc.resource {
					resourceValues[k] = v
				}
				diags := protocolRun(t, kind, providerValues, resourceValues)
				checkBadInputDiagnostics(t, tc, diags, in)
				if n := tap.requestCount(); n != tc.requests {
					t.Errorf("the double saw %d requests, want %d: bad input must be caught before Cognito is asked", n, tc.requests)
				}
			})
		}
	}
}

func checkBadInputDiagnostics(t *testing.T, tc badInput, diags []*tfprotov6.Diagnostic, in tokenInputs) {
	t.Helper()
	var errs []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d)
		}
	}
	if tc.attribute == "" {
		for _, d := range errs {
			t.Errorf("unexpected error: %s: %s", d.Summary, d.Detail)
		}
		return
	}
	if len(errs) == 0 {
		t.Fatalf("no error diagnostic, want one about %s", tc.attribute)
	}
	var text strings.Builder
	for _, d := range errs {
		fmt.Fprintf(&text, "%s\n%s\n", d.Summary, d.Detail)
		// Attribute-scoped: the CLI points at the line to change.
		if d.Attribute == nil || len(d.Attribute.Steps()) == 0 || d.Attribute.Steps()[0] != tftypes.AttributeName(tc.attribute) {
			t.Errorf("diagnostic %q is scoped to %v, want attribute %s", d.Summary, d.Attribute, tc.attribute)
		}
		// Says what to change: names the constraint, not just "invalid".
		if !regexp.MustCompile(`must|Use |Check |remove|set `).MatchString(d.Detail) {
			t.Errorf("diagnostic %q does not say what to change: %q", d.Summary, d.Detail)
		}
	}
	if !tc.want.MatchString(text.String()) {
		t.Errorf("diagnostics do not match %s:\n%s", tc.want, text.String())
	}
	// Never echo a sensitive value, the bad one or the good ones.
	echoes := []string{in.RefreshToken, in.ClientID}
	if tc.echo != "" {
		echoes = append(echoes, tc.echo)
	}
	if sensitiveInputs[tc.attribute] {
		if bad, ok := tc.resource[tc.attribute].(string); ok {
			echoes = append(echoes, bad)
		}
	}
	for _, e := range echoes {
		trimmed := strings.TrimSpace(e)
		switch {
		case trimmed == "":
			// A whitespace-only value would be visible only quoted.
			if e != "" && strings.Contains(text.String(), `"`+e+`"`) {
				t.Errorf("a diagnostic echoes the whitespace-only value %q", e)
			}
		case strings.Contains(text.String(), trimmed):
			t.Errorf("a diagnostic echoes a sensitive value:\n%s", text.String())
		case len(trimmed) > 16 && strings.Contains(text.String(), trimmed[:16]):
			t.Errorf("a diagnostic echoes the start of a sensitive value:\n%s", text.String())
		}
	}
}

// TestBadInputClientSecretForPublicClient: whether an app client has a
// secret is known only to Cognito, so this one bad input costs one request;
// the diagnostic is still scoped to client_secret and says to remove it.
func TestBadInputClientSecretForPublicClient(t *testing.T) {
	for _, kind := range []string{"ephemeral", "data source"} {
		t.Run(kind, func(t *testing.T) {
			p := newPool(t, cognitotest.PoolConfig{})
			in := p.signIn(cognitotest.AppClient{})
			secret := strings.Repeat("q", 51)
			diags := protocolRun(t, kind, map[string]any{"region": "eu-west-1", "endpoint": p.URL, "max_retries": 0},
				map[string]any{"refresh_token": in.RefreshToken, "client_id": in.ClientID, "client_secret": secret})
			checkBadInputDiagnostics(t, badInput{
				attribute: "client_secret", echo: secret,
				want: regexp.MustCompile(`(?s)Client secret missing or wrong.*if it has none, remove .client_secret.`),
			}, diags, in)
			if n := p.RequestCount(); n != 1 {
				t.Errorf("the double saw %d requests, want exactly 1", n)
			}
		})
	}
}

// TestAccBadInputUnknownValues: a refresh token that is not known at plan
// (computed by a resource) makes neither CLI open the ephemeral resource or
// read the data source at plan: no error, no request.
func TestAccBadInputUnknownValues(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := setUpLeakCLI(t)
	for _, kind := range []string{"ephemeral", "data"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := newPool(t, cognitotest.PoolConfig{})
			in := p.signIn(cognitotest.AppClient{})
			dir := t.TempDir()
			hcl := fmt.Sprintf(`terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}
%s
resource "terraform_data" "token" {
  input = %q
}

%s "cognito_refreshed_tokens" "test" {
  refresh_token = terraform_data.token.output
  client_id     = %q
}
`, providerHCL(p.URL, "eu-west-1"), in.RefreshToken, kind, in.ClientID)
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o600); err != nil {
				t.Fatal(err)
			}
			if !cli.run(t, "masked", dir, nil, "plan", "plan", "-no-color", "-input=false") {
				t.Fatalf("plan failed:\n%s", readAll(t, dir, ".stderr"))
			}
			if n := p.RequestCount(); n != 0 {
				t.Errorf("the double saw %d requests at plan, want 0", n)
			}
		})
	}
}
