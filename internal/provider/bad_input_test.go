package provider

// Bad configurations, driven through the provider's protocol server the way
// a CLI drives it (validate, configure, then open or read only if
// validation passed), against the Cognito double: each must end in an
// attribute-scoped diagnostic that says what to change, echoes no sensitive
// value, and comes before any request reaches Cognito.

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// badInput is one bad configuration. Values are string, int, acctest.Unknown,
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

var sensitiveInputs = map[string]bool{"refresh_token": true, "client_id": true, "client_secret": true, "device_key": true}

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
		res("min_remaining_validity not a duration", "10 minutes", "min_remaining_validity", `(?s)Invalid duration.*between 1s and 24h0m0s`),
		res("min_remaining_validity beyond a day", "25h", "min_remaining_validity", `(?s)Invalid duration.*between 1s and 24h0m0s`),
		res("refresh_token empty", "", "refresh_token", empty("refresh_token")),
		res("refresh_token whitespace only", "   ", "refresh_token", tokenMsg),
		res("refresh_token with a trailing newline", "eyJjdHkiOiJKV1QifQ.abc.def\n", "refresh_token", tokenMsg),
		res("refresh_token with inner space", "eyJjdHkiOiJKV1QifQ abc.def", "refresh_token", tokenMsg),
		res("refresh_token quoted", `"eyJjdHkiOiJKV1QifQ.abc.def"`, "refresh_token", tokenMsg),
		res("refresh_token with a Bearer prefix", "Bearer eyJjdHkiOiJKV1QifQ.abc.def", "refresh_token", tokenMsg),
		res("refresh_token non-ASCII", "eyJjdHkiOiJKV1QifQ.äbc.def", "refresh_token", tokenMsg),
		res("refresh_token with a NUL byte", "eyJjdHkiOiJKV1QifQ.abc\x00def", "refresh_token", tokenMsg),
		// client_id
		res("client_id empty", "", "client_id", empty("client_id")),
		res("client_id whitespace only", "  ", "client_id", idMsg),
		res("client_id with a dash", "abcdefghij-klmnopqrstuvwxyz", "client_id", idMsg),
		res("client_id with a trailing space", "abcdefghijklmnopqrstuvwxyz ", "client_id", idMsg),
		res("client_id too long", strings.Repeat("a", 129), "client_id", length("client_id", "between 1 and 128")),
		res("client_id is a pool id", "eu-west-1_AbCdEfGhI", "client_id", idMsg),
		// client_secret
		res("client_secret empty", "", "client_secret", empty("client_secret")),
		res("client_secret whitespace only", strings.Repeat(" ", 30), "client_secret", secretMsg),
		res("client_secret too short", "tooshortsecret", "client_secret", length("client_secret", "between 24 and 64")),
		res("client_secret too long", strings.Repeat("s", 65), "client_secret", length("client_secret", "between 24 and 64")),
		res("client_secret with a symbol", secret30+"!", "client_secret", secretMsg),
		res("client_secret with a newline", secret30+"\n", "client_secret", secretMsg),
		res("client_secret base64 padded", secret30+"==", "client_secret", secretMsg),
		// device_key
		res("device_key empty", "", "device_key", empty("device_key")),
		res("device_key whitespace only", "  ", "device_key", deviceMsg),
		res("device_key without a region", "0b1c2d3e-0000-0000-0000-000000000000", "device_key", deviceMsg),
		res("device_key with upper-case hex", "eu-west-1_0B1C2D3E-0000-0000-0000-000000000000", "device_key", deviceMsg),
		res("device_key too long", "eu-west-1_"+strings.Repeat("0", 46), "device_key", length("device_key", "between 1 and 55")),
		// region (per resource)
		res("region empty", "", "region", empty("region")),
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
		prov("provider region empty", "", "region", empty("region")),
		prov("provider region unknown", "moon-central-1", "region", regionMsg),
		prov("endpoint empty", "", "endpoint", empty("endpoint")),
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
		{name: "endpoint with a query", provider: map[string]any{"endpoint": "https://proxy.example.com/?api_key=Qu3ryK3yValue"}, attribute: "endpoint",
			want: regexp.MustCompile(`(?s)Query or fragment in endpoint URL.*not accepted`), echo: "Qu3ryK3yValue"},
		{name: "endpoint with a fragment", provider: map[string]any{"endpoint": "https://proxy.example.com/#Fr4gK3yValue"}, attribute: "endpoint",
			want: regexp.MustCompile(`(?s)Query or fragment in endpoint URL`), echo: "Fr4gK3yValue"},
		{name: "endpoint with an empty query", provider: map[string]any{"endpoint": "https://proxy.example.com/?"}, attribute: "endpoint",
			want: regexp.MustCompile(`(?s)Query or fragment in endpoint URL`)},
		prov("max_retries negative", -1, "max_retries", `(?s)max_retries.*between 0 and 100`),
		prov("max_retries too large", 101, "max_retries", `(?s)max_retries.*between 0 and 100`),
		prov("retry_mode unknown", "legacy", "retry_mode", `(?s)Invalid Attribute Value Match.*"standard".*"adaptive"`),
		prov("retry_mode upper case", "Adaptive", "retry_mode", `(?s)Invalid Attribute Value Match`),
		prov("timeout empty", "", "timeout", empty("timeout")),
		prov("retry_mode empty", "", "retry_mode", empty("retry_mode")),
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
		unknownRow("refresh_token", acctest.Unknown),
		unknownRow("client_id", acctest.Unknown),
		unknownRow("client_secret", acctest.Unknown),
		unknownRow("device_key", acctest.Unknown),
		unknownRow("region", acctest.Unknown),
		unknownRow("client_metadata", acctest.Unknown),
		{name: "client_metadata with an unknown value", resource: map[string]any{"client_metadata": map[string]any{"stage": acctest.Unknown}},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)Value not known yet.*client_metadata is not known`)},
		// Not errors: a null map is no map.
		{name: "client_metadata null", resource: map[string]any{"client_metadata": nil}, requests: 1},
		{name: "client_metadata empty", resource: map[string]any{"client_metadata": map[string]string{}}, requests: 1},
	}
}

// empty is the one error of an empty string: it says the value is empty,
// and names the argument in its summary, which is all Terraform prints of
// an ephemeral resource's validation error when the value comes from a
// variable.
func empty(attribute string) string {
	return `^Empty ` + regexp.QuoteMeta(attribute) + `\nThe value of ` + regexp.QuoteMeta(attribute) + ` is an empty string\. Check that the variable, file or environment variable it comes from holds a value`
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

// protocol drives a fresh server of this provider per run, the way a CLI
// does (see acctest.Protocol).
var protocol = acctest.Protocol{NewServer: func() tfprotov6.ProviderServer { return providerserver.NewProtocol6(New("test")())() }}

// unknown, config and protocolRun are the driver under the short names the
// provider's other protocol tests (deferral, retry configuration, region,
// store) use.
var unknown = acctest.Unknown

func config(t *testing.T, schema *tfprotov6.Schema, values map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	return acctest.Config(t, schema, values)
}

// protocolRun drives one cognito_refreshed_tokens configuration.
func protocolRun(t *testing.T, kind string, providerValues, resourceValues map[string]any) []*tfprotov6.Diagnostic {
	t.Helper()
	return protocol.Run(t, kind, "cognito_refreshed_tokens", providerValues, resourceValues)
}

func TestBadInput(t *testing.T) {
	// One double for all cases (its keys are costly to make); each case
	// counts the requests that reach it through a tap of its own.
	p := acctest.NewPool(t, cognitotest.PoolConfig{})
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, tc := range append(badInputs(), storeBadInputs()...) {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				tap := acctest.NewTokenTap(t, p.URL)
				in := p.SignIn(cognitotest.AppClient{})
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
				if n := tap.RequestCount(); n != tc.requests {
					t.Errorf("the double saw %d requests, want %d: bad input must be caught before Cognito is asked", n, tc.requests)
				}
			})
		}
	}
}

func checkBadInputDiagnostics(t *testing.T, tc badInput, diags []*tfprotov6.Diagnostic, in acctest.TokenInputs) {
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
	// An empty value gets one error, which says so; no rule of the
	// attribute's is reported as broken on top of it.
	if isEmptyInput(tc) && len(errs) != 1 {
		t.Errorf("an empty %s got %d errors, want one:\n%s", tc.attribute, len(errs), text.String())
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
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			in := p.SignIn(cognitotest.AppClient{})
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

// storeBadInputs are the bad configurations of refresh_token_store, for
// TestBadInput: each is refused before any request, scoped to the store.
func storeBadInputs() []badInput {
	const (
		combination = `(?s)Invalid Attribute Combination\n%s when one \(and only one\) of \[refresh_token,refresh_token_store\] is required\. Use .refresh_token. for a token you pass in`
		kinds       = `(?s)Invalid Attribute Combination\n%s when one \(and only one\) of \[refresh_token_store\.secretsmanager_secret_id,refresh_token_store\.file\] is required\. Use .file. for a file on this machine`
		filePath    = `(?s)Invalid file path.*must be the path of a file`
		secretName  = `(?s)Invalid secret name.*must be a Secrets Manager secret name`
		secretARN   = `(?s)Invalid secret ARN.*not a Secrets Manager secret ARN`
	)
	// store replaces refresh_token with refresh_token_store = members.
	store := func(name string, members map[string]any, want string) badInput {
		return badInput{name: name, resource: map[string]any{"refresh_token": nil, storeAttribute: members},
			attribute: storeAttribute, want: regexp.MustCompile(want)}
	}
	file := func(name, value, want string) badInput {
		return store(name, map[string]any{storeFileAttr: value}, want)
	}
	secret := func(name, value, want string) badInput {
		return store(name, map[string]any{storeSecretIDAttr: value}, want)
	}
	return []badInput{
		{name: "refresh_token and refresh_token_store both set", resource: map[string]any{storeAttribute: map[string]any{storeFileAttr: "token"}},
			attribute: storeAttribute, want: regexp.MustCompile(fmt.Sprintf(combination, "2 attributes specified"))},
		{name: "neither refresh_token nor refresh_token_store", resource: map[string]any{"refresh_token": nil},
			attribute: storeAttribute, want: regexp.MustCompile(fmt.Sprintf(combination, "No attribute specified"))},
		store("store with file and secret", map[string]any{storeFileAttr: "token", storeSecretIDAttr: "terraform/token"}, fmt.Sprintf(kinds, "2 attributes specified")),
		store("store with neither file nor secret", map[string]any{}, fmt.Sprintf(kinds, "No attribute specified")),
		file("file empty", "", empty("refresh_token_store.file")),
		file("file whitespace only", "   ", filePath),
		file("file with a trailing space", "token ", filePath),
		file("file is a directory", "tokens/", filePath),
		file("file is the current directory", ".", filePath),
		file("file is the parent directory", "tokens/..", filePath),
		file("file with a NUL byte", "tok\x00en", filePath),
		secret("secret id empty", "", empty("refresh_token_store.secretsmanager_secret_id")),
		secret("secret id whitespace only", "  ", secretName),
		secret("secret id with a space", "terraform/cognito token", secretName),
		secret("secret id with a trailing newline", "terraform/cognito-token\n", secretName),
		secret("secret id quoted", `"terraform/cognito-token"`, secretName),
		secret("secret name too long", strings.Repeat("n", 513), secretName),
		secret("secret id too long", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:"+strings.Repeat("n", 2000), `(?s)Invalid Attribute Value Length`),
		secret("secret ARN of another service", "arn:aws:s3:::bucket/token", secretARN),
		secret("secret ARN with a short account", "arn:aws:secretsmanager:eu-west-1:1234:secret:token-AbCdEf", secretARN),
		secret("secret ARN without the secret part", "arn:aws:secretsmanager:eu-west-1:123456789012:token", secretARN),
		{name: "refresh_token_store not known yet", resource: map[string]any{"refresh_token": nil, storeAttribute: acctest.Unknown}, attribute: storeAttribute,
			want: regexp.MustCompile(`(?s)Value not known yet.*refresh_token_store is not known yet.*Use a value known at plan time`)},
		store("store file not known yet", map[string]any{storeFileAttr: acctest.Unknown},
			`(?s)Value not known yet.*refresh_token_store is not known yet`),
	}
}

// clientCredentialsBadInputs are the bad configurations of
// cognito_client_credentials_token, for TestBadInputClientCredentials: each
// ends in an attribute-scoped diagnostic that says what to change, echoes
// no sensitive value, and comes before any request reaches the token
// endpoint.
func clientCredentialsBadInputs() []badInput {
	res := func(name string, value any, attribute, want string) badInput {
		return badInput{name: name, resource: map[string]any{attribute: value}, attribute: attribute, want: regexp.MustCompile(want)}
	}
	domain := func(name, value string) badInput {
		return badInput{name: name, resource: map[string]any{"token_url": nil, "domain": value}, attribute: "domain",
			want: regexp.MustCompile(`(?s)Invalid domain.*must be a host name such as`)}
	}
	const (
		urlMsg    = `(?s)Invalid token_url.*must be an absolute .https://. URL`
		idMsg     = `(?s)Invalid client_id.*must be an app client ID`
		secretMsg = `(?s)Invalid client_secret.*must be an app client secret`
		scopeMsg  = `(?s)Invalid scopes.*must be a custom scope .<resource-server-identifier>/<scope-name>.`
	)
	return []badInput{
		{name: "domain empty", resource: map[string]any{"token_url": nil, "domain": ""}, attribute: "domain", want: regexp.MustCompile(empty("domain"))},
		domain("domain with a scheme", "https://auth.example.com"),
		domain("domain with a path", "auth.example.com/oauth2/token"),
		domain("domain with a port", "auth.example.com:443"),
		domain("domain with a space", "auth.example.com "),
		domain("domain of one label", "localhost"),
		domain("domain non-ASCII", "äuth.example.com"),
		{name: "domain and token_url both set", resource: map[string]any{"domain": "auth.example.com"}, attribute: "domain",
			want: regexp.MustCompile(`(?s)Invalid Attribute Combination.*token_url.*not both`)},
		res("token_url empty", "", "token_url", empty("token_url")),
		res("token_url relative", "/oauth2/token", "token_url", urlMsg+`.*not an absolute URL`),
		res("token_url without a scheme", "auth.example.com/oauth2/token", "token_url", urlMsg),
		res("token_url ftp", "ftp://auth.example.com/oauth2/token", "token_url", urlMsg+`.*neither .https. nor .http.`),
		res("token_url plain http to a host", "http://auth.example.com/oauth2/token", "token_url", urlMsg+`.*unencrypted`),
		res("token_url plain http to a private address", "http://10.0.0.1/oauth2/token", "token_url", urlMsg+`.*unencrypted`),
		res("token_url with credentials", "https://deploy:s3cr3tpassw0rd@auth.example.com/oauth2/token", "token_url", urlMsg+`.*user name or password`),
		res("token_url with a query", "https://auth.example.com/oauth2/token?client_secret=x", "token_url", urlMsg+`.*query or fragment`),
		res("token_url with a fragment", "https://auth.example.com/oauth2/token#x", "token_url", urlMsg+`.*query or fragment`),
		res("client_id empty", "", "client_id", empty("client_id")),
		res("client_id with a dash", "abcdefghij-klmnopqrstuvwxyz", "client_id", idMsg),
		res("client_id too long", strings.Repeat("a", 129), "client_id", `(?s)client_id string length must be between 1 and 128`),
		res("client_secret empty", "", "client_secret", empty("client_secret")),
		res("client_secret too long", strings.Repeat("s", 65), "client_secret", `(?s)client_secret string length must be between 1 and 64`),
		res("client_secret with a symbol", strings.Repeat("s", 30)+"!", "client_secret", secretMsg),
		res("client_secret with a newline", strings.Repeat("s", 30)+"\n", "client_secret", secretMsg),
		res("scopes empty", []string{}, "scopes", `(?s)scopes.*at least 1`),
		res("scope without a resource server", []string{"deploy"}, "scopes", scopeMsg),
		res("scope with a space", []string{"platform/deploy read"}, "scopes", scopeMsg),
		res("scope with a trailing slash", []string{"platform/"}, "scopes", scopeMsg),
		res("scope empty", []string{""}, "scopes", scopeMsg),
		res("scopes space-joined", []string{"platform/deploy platform/read"}, "scopes", scopeMsg),
		{name: "client_metadata with a null value", resource: map[string]any{"client_metadata": map[string]*string{"stage": nil}},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)Null value in client_metadata`)},
		{name: "client_metadata with 51 entries", resource: map[string]any{"client_metadata": manyValues(51, 1)},
			attribute: "client_metadata", want: regexp.MustCompile(`(?s)client_metadata.*at most 50`)},
		// Unknown values: the CLIs wait for apply; opened or read anyway,
		// the provider refuses without a request (see unknownRow).
		unknownRow("token_url", acctest.Unknown),
		unknownRow("client_secret", acctest.Unknown),
		unknownRow("scopes", acctest.Unknown),
		// Not errors: valid input is asked.
		{name: "valid, with scopes", resource: map[string]any{"scopes": []string{"platform/deploy"}}, requests: 1},
		{name: "token_url on localhost over http", requests: 1},
		// The domain carries the region: the provider needs none.
		{name: "provider without region or endpoint", provider: map[string]any{"region": nil, "endpoint": nil}, requests: 1},
	}
}

func TestBadInputClientCredentials(t *testing.T) {
	p := acctest.NewPool(t, cognitotest.PoolConfig{})
	p.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, tc := range append(clientCredentialsBadInputs(), badInput{name: "neither domain nor token_url", requests: 1}) {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				tap := acctest.NewTokenTap(t, p.URL)
				in := p.ClientCredentials(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy"}})
				resourceValues := map[string]any{"token_url": tap.URL + cognitotest.TokenPath, "client_id": in.ClientID, "client_secret": in.ClientSecret}
				for k, v := range tc.resource {
					resourceValues[k] = v
				}
				if tc.name == "neither domain nor token_url" {
					delete(resourceValues, "token_url")
				}
				providerValues := map[string]any{"region": "eu-west-1", "endpoint": tap.URL}
				for k, v := range tc.provider {
					providerValues[k] = v
				}
				diags := protocol.Run(t, kind, "cognito_client_credentials_token", providerValues, resourceValues)
				if tc.name == "neither domain nor token_url" {
					// GetClientToken is called: this client lacks
					// ALLOW_CLIENT_TOKEN_AUTH, which the diagnostic on
					// client_id says how to fix.
					if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError || diags[0].Summary != "App client not set up for GetClientToken" ||
						!strings.Contains(diags[0].Detail, "--explicit-auth-flows ALLOW_CLIENT_TOKEN_AUTH") {
						t.Errorf("want one error telling to make ALLOW_CLIENT_TOKEN_AUTH the only flow, got %v", diags)
					}
				} else {
					// checkBadInputDiagnostics never lets a diagnostic show
					// acctest.TokenInputs' RefreshToken and ClientID: here the
					// secret and the client id.
					checkBadInputDiagnostics(t, tc, diags, acctest.TokenInputs{RefreshToken: in.ClientSecret, ClientID: in.ClientID})
				}
				if n := tap.RequestCount(); n != tc.requests {
					t.Errorf("the token endpoint saw %d requests, want %d: bad input must be caught before Cognito is asked", n, tc.requests)
				}
			})
		}
	}
}

// isEmptyInput reports whether tc's bad value is an empty string.
func isEmptyInput(tc badInput) bool {
	for _, values := range []map[string]any{tc.provider, tc.resource} {
		if v, ok := values[tc.attribute].(string); ok && v == "" {
			return true
		}
		if members, ok := values[tc.attribute].(map[string]any); ok {
			for _, v := range members {
				if v == "" {
					return true
				}
			}
		}
	}
	return false
}
