package provider

// Fuzz targets for input validation: every string attribute's validators
// (the schema's own list, so new validators are covered automatically), the
// provider's endpoint, duration and region validators, and client_metadata.
// Seeds run as unit tests; corpora in testdata/fuzz/.

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
)

func validateString(attribute string, validators []validator.String, value string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range validators {
		req := validator.StringRequest{Path: path.Root(attribute), ConfigValue: types.StringValue(value)}
		var resp validator.StringResponse
		v.ValidateString(context.Background(), req, &resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// echoes reports whether diagnostics show value (or its first 16 bytes).
func echoes(diags diag.Diagnostics, value string) bool {
	probe := strings.TrimSpace(value)
	if len(probe) < 4 {
		return false // too short to tell apart from ordinary words
	}
	if len(probe) > 16 {
		probe = probe[:16]
	}
	for _, d := range diags {
		if strings.Contains(d.Summary()+d.Detail(), probe) {
			return true
		}
	}
	return false
}

func FuzzInputValidators(f *testing.F) {
	for _, seed := range []string{
		"", " ", "\n", "abc", "eyJjdHkiOiJKV1QifQ.a.b.c.d", "26lowercasealnumclientid00", "abc-def", "a\"b",
		"eu-west-1", "us-gov-west-1", "mars-north-1", "eu-west-1_0b1c2d3e-1111-2222-3333-444455556666",
		strings.Repeat("s", 51), strings.Repeat("x", 200), "äöü", "tok\x00en", "Bearer eyJ", "cn-north-1", "us-isob-east-1",
	} {
		f.Add(seed)
	}
	specs := refreshedTokensAttributes()
	f.Fuzz(func(t *testing.T, value string) {
		for name, spec := range specs {
			if spec.kind != inputString {
				continue
			}
			diags := validateString(name, spec.validators, value)
			// Attribute-scoped, complete, and never echoing a secret.
			for _, d := range diags {
				withPath, ok := d.(diag.DiagnosticWithPath)
				if !ok || !withPath.Path().Equal(path.Root(name)) {
					t.Fatalf("%s: diagnostic %q is not scoped to the attribute", name, d.Summary())
				}
				if d.Summary() == "" || d.Detail() == "" {
					t.Fatalf("%s: incomplete diagnostic", name)
				}
			}
			// The value's start may also be a word of the fixed wording
			// ("must be"): then the diagnostics for a same-length value of
			// other bytes, which fails every check the value fails, show it
			// too, and it is no echo.
			if spec.sensitive && echoes(diags, value) && !echoes(validateString(name, spec.validators, strings.Repeat("\x01", len(value))), value) {
				t.Fatalf("%s: a diagnostic echoes the value %q: %v", name, value, diags)
			}
			// What passes validation is what Cognito's model allows, by a
			// reference written without the production patterns.
			valid := !diags.HasError()
			var want bool
			switch name {
			case "refresh_token":
				want = len(value) >= 1 && allIn(value, alnum+"-_=.")
			case "client_id":
				want = len(value) >= 1 && len(value) <= 128 && allIn(value, alnum+"_+")
			case "client_secret":
				want = len(value) >= 24 && len(value) <= 64 && allIn(value, alnum+"_+")
			case "device_key":
				want = len(value) >= 1 && len(value) <= 55 && isDeviceKey(value)
			case "region":
				want = isRegionName(value)
			default:
				continue
			}
			if valid != want {
				t.Fatalf("%s: %q valid = %v, want %v (%v)", name, value, valid, want, diags)
			}
			if valid && strings.TrimSpace(value) != value {
				t.Fatalf("%s: %q with surrounding whitespace passes", name, value)
			}
		}
	})
}

// validatorLength is a length as stringvalidator.Length* counts it: in bytes.
func validatorLength(s string) int { return len(s) }

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// allIn reports whether every byte of s is one of set's (ASCII) bytes.
func allIn(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}

// isDeviceKey: "<anything of letters, digits, _ and ->_<hex digits and ->",
// e.g. us-east-1_0b1c2d3e-... The hex part has no "_", so it follows the
// last one.
func isDeviceKey(s string) bool {
	i := strings.LastIndexByte(s, '_')
	return i > 0 && i < len(s)-1 && allIn(s[:i], alnum+"_-") && allIn(s[i+1:], "0123456789abcdef-")
}

// regionPrefixes are the partitions' region name prefixes (aws, aws-cn,
// aws-us-gov, aws-iso*, aws-eusc), as the SDK's partitions.json lists them.
var regionPrefixes = []string{"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "us-gov", "us-iso", "us-isob", "eu-isoe", "us-isof", "eusc-de"}

// isRegionName: <prefix>-<word of letters, digits or _>-<digits>, the
// shape of the SDK partitions' regionRegex (\w+ and \d+).
func isRegionName(s string) bool {
	for _, prefix := range regionPrefixes {
		rest, ok := strings.CutPrefix(s, prefix+"-")
		if !ok {
			continue
		}
		word, number, ok := strings.Cut(rest, "-")
		if ok && word != "" && allIn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") &&
			number != "" && allIn(number, "0123456789") {
			return true
		}
	}
	return false
}

// userinfoRejected: an endpoint with credentials in it
// (http://user:pass@host) must be rejected, or the password shows in
// diagnostics and logs (issue 12, bug 2).
const userinfoRejected = true

func FuzzProviderValidators(f *testing.F) {
	for _, seed := range []string{
		"", "https://cognito-idp.eu-west-1.amazonaws.com", "http://127.0.0.1:9229", "cognito.local", "ftp://x", "http://",
		"http://[::1", "//host", "30s", "2m", "0s", "15m", "15m1s", "1h", "-1s", "soon", "1e9s", "9223372036854775807ns",
		"+90s", ".5h", "1.s", "999999999.9999999999ns", "1h-1m", "5m\u00b5s", "http://u:p@host", "1h0m1s",
	} {
		f.Add(seed)
	}
	f.Setenv("AWS_CONFIG_FILE", f.TempDir()+"/none")
	endpoint := endpointValidator{}
	duration := durationValidator{min: minTimeout, max: maxTimeout}
	f.Fuzz(func(t *testing.T, value string) {
		// Endpoint: properties of any accepted URL, checked without a URL
		// parser, ...
		valid := !validateString("endpoint", []validator.String{endpoint}, value).HasError()
		if valid {
			lower := strings.ToLower(value)
			rest, ok := strings.CutPrefix(lower, "https://")
			if !ok {
				rest, ok = strings.CutPrefix(lower, "http://")
			}
			if !ok {
				t.Fatalf("endpoint %q accepted without an http:// or https:// prefix", value)
			}
			authority := rest
			if i := strings.IndexAny(authority, "/?#"); i >= 0 {
				authority = authority[:i]
			}
			userinfo, host, hasUserinfo := strings.Cut(authority, "@")
			if !hasUserinfo {
				host, userinfo = authority, ""
			}
			if host == "" {
				t.Fatalf("endpoint %q accepted without a host", value)
			}
			if hasUserinfo && userinfoRejected {
				t.Fatalf("endpoint %q with credentials (%d bytes) accepted", value, len(userinfo))
			}
			// ... and what is accepted is the endpoint configured (as the
			// client renders it for diagnostics: the same URL, where an
			// empty path and "/" are the same endpoint).
			got, _ := configuredClient(t, map[string]string{"endpoint": value}).Endpoint("eu-west-1")
			sameEndpoint := func(u *url.URL) string { return strings.TrimSuffix(u.String(), "/") }
			if gotURL, err := url.Parse(got); err != nil || sameEndpoint(gotURL) != sameEndpoint(mustParseURL(t, value)) {
				t.Fatalf("endpoint %q configured as %q", value, got)
			}
		}
		// ... and a URL built to be valid from the input's letters is.
		built := builtEndpoint(value)
		if validateString("endpoint", []validator.String{endpoint}, built).HasError() {
			t.Fatalf("endpoint %q rejected", built)
		}
		if userinfoRejected && !validateString("endpoint", []validator.String{endpoint}, strings.Replace(built, "://", "://user:pass@", 1)).HasError() {
			t.Fatalf("endpoint %q with credentials accepted", built)
		}
		// Plain http:// to a host that is not this machine is refused.
		if remote := strings.Replace(built, ".localhost", "", 1); strings.HasPrefix(remote, "http://") &&
			!validateString("endpoint", []validator.String{endpoint}, remote).HasError() {
			t.Fatalf("endpoint %q without TLS to another host accepted", remote)
		}

		// Timeout: a reference parser decides what is valid and what the
		// provider must configure.
		diags := validateString("timeout", []validator.String{duration}, value)
		ref, parsed, exact := referenceDuration(value)
		// time.ParseDuration scales long fractions in floating point: a
		// value a hair from a bound may round across it.
		nearBound := !exact && (absDuration(ref-time.Second) <= time.Microsecond || absDuration(ref-time.Hour) <= time.Microsecond)
		wantValid := parsed && ref >= time.Second && ref <= time.Hour
		if !nearBound && diags.HasError() == wantValid {
			t.Fatalf("timeout %q: valid = %v, want %v (reference: %v, %s)", value, !diags.HasError(), wantValid, parsed, ref)
		}
		if !diags.HasError() {
			got := configuredClient(t, map[string]string{"timeout": value}).Policy().Timeout
			if absDuration(got-ref) > time.Microsecond {
				t.Fatalf("timeout %q configured as %s, want %s", value, got, ref)
			}
		}
	})
}

func mustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("accepted endpoint %q does not parse: %v", s, err)
	}
	return u
}

// builtEndpoint makes an endpoint that must be valid from s's letters:
// http(s)://<host of [a-z0-9-.]>[:port][/path].
func builtEndpoint(s string) string {
	var host, path strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			host.WriteRune(r)
			path.WriteRune(r)
		case r == '-' || r == '/':
			path.WriteRune(r)
		}
	}
	// Plain http:// only to this machine: a name under .localhost.
	scheme, domain := "https", ""
	if len(s)%2 == 1 {
		scheme, domain = "http", ".localhost"
	}
	out := scheme + "://h" + host.String() + domain
	if len(s)%3 == 0 {
		out += fmt.Sprintf(":%d", 1+len(s)%65535)
	}
	if path.Len() > 0 {
		out += "/" + path.String()
	}
	return out
}

// referenceDuration parses Go's duration syntax ([+-]? then one or more
// <decimal number><unit>, or "0") without time.ParseDuration, truncating
// each fraction to whole nanoseconds. ok is false for bad syntax; exact is
// false when a fraction was truncated or is too long for float64 scaling.
func referenceDuration(s string) (d time.Duration, ok, exact bool) {
	units := map[string]int64{"ns": 1, "us": 1e3, "\u00b5s": 1e3, "\u03bcs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}
	if s == "0" || s == "+0" || s == "-0" {
		return 0, true, true
	}
	negative := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s[:min(len(s), 1)], "+-") + s[min(len(s), 1):]
	if s == "" {
		return 0, false, false
	}
	exact = true
	total := new(big.Int)
	for s != "" {
		digits := func() string {
			i := 0
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			d := s[:i]
			s = s[i:]
			return d
		}
		whole := digits()
		var fraction string
		hasDot := strings.HasPrefix(s, ".")
		if hasDot {
			s = s[1:]
			fraction = digits()
		}
		if whole == "" && fraction == "" {
			return 0, false, false
		}
		i := 0
		for i < len(s) && s[i] != '.' && (s[i] < '0' || s[i] > '9') {
			i++
		}
		unit, known := units[s[:i]]
		if !known {
			return 0, false, false
		}
		s = s[i:]
		// (whole.fraction) * unit, truncated to nanoseconds.
		n, _ := new(big.Int).SetString("0"+whole+fraction, 10)
		n.Mul(n, big.NewInt(unit))
		var remainder big.Int
		n.QuoRem(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(fraction))), nil), &remainder)
		if remainder.Sign() != 0 || len(fraction) > 15 {
			exact = false
		}
		total.Add(total, n)
	}
	if negative {
		total.Neg(total)
	}
	if !total.IsInt64() {
		// Beyond time.Duration: far outside any bound checked here.
		return time.Duration(math.MaxInt64), true, exact
	}
	return time.Duration(total.Int64()), true, exact
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// configuredClient runs the provider's Configure with region eu-west-1 and
// the given string arguments, and returns the client it configured.
func configuredClient(t *testing.T, values map[string]string) *cognito.Client {
	t.Helper()
	withRegion := map[string]string{"region": "eu-west-1"}
	for k, v := range values {
		withRegion[k] = v
	}
	resp := configureProvider(t, withRegion)
	data, ok := resp.DataSourceData.(*providerData)
	if resp.Diagnostics.HasError() || !ok || data.client == nil {
		t.Fatalf("Configure with %v: %v", values, resp.Diagnostics)
	}
	return data.client
}

func FuzzClientMetadataValidator(f *testing.F) {
	f.Add("pipeline", "deploy", 1, uint16(1), false)
	f.Add("", "", 0, uint16(0), false)
	f.Add("k", "v", 64, uint16(1024), false)
	f.Add("stage", "", 3, uint16(1), true)
	f.Add("ключ", "значение", 2, uint16(3), false)
	f.Fuzz(func(t *testing.T, key, value string, copies int, repeat uint16, withNull bool) {
		// Sizes come from copies and repeat, not from long inputs, so the
		// engine does not spend its time minimizing huge strings.
		copies = ((copies % 80) + 80) % 80
		key = key[:min(len(key), 64)]
		value = strings.Repeat(value[:min(len(value), 32)], int(repeat)%2048)
		elems := map[string]attr.Value{}
		size := 0
		for i := range copies {
			k := key + strings.Repeat("#", i)
			elems[k] = types.StringValue(value)
			size += len(k) + len(value)
		}
		if withNull {
			elems[key+"/null"] = types.StringNull()
			size += len(key + "/null")
		}
		resp := validateClientMetadata(t, elems)
		wantError := size > maxClientMetadataBytes || withNull
		if resp.Diagnostics.HasError() != wantError {
			t.Fatalf("size %d, null %v: error = %v, want %v", size, withNull, resp.Diagnostics.HasError(), wantError)
		}
		for _, d := range resp.Diagnostics {
			withPath, ok := d.(diag.DiagnosticWithPath)
			if !ok || len(withPath.Path().Steps()) == 0 || !withPath.Path().Steps()[0].Equal(path.Root("client_metadata").Steps()[0]) {
				t.Fatalf("diagnostic %q is not scoped to client_metadata", d.Summary())
			}
		}
		// Keys are named on purpose (which one to fix); values never are.
		// Searching the text for the value misfires when the value happens
		// to occur in a key or in the fixed wording, so compare instead
		// with the diagnostics for same-sized values of other bytes: they
		// must read exactly the same.
		filler := strings.Repeat("x", len(value))
		if filler == value {
			filler = strings.Repeat("y", len(value))
		}
		for k, v := range elems {
			if !v.IsNull() {
				elems[k] = types.StringValue(filler)
			}
		}
		if got, want := resp.Diagnostics, validateClientMetadata(t, elems).Diagnostics; !got.Equal(want) {
			t.Fatalf("diagnostics depend on the client_metadata values, not only their sizes:\n%v\n%v", got, want)
		}
	})
}

func validateClientMetadata(t *testing.T, elems map[string]attr.Value) *validator.MapResponse {
	t.Helper()
	m, diags := types.MapValue(types.StringType, elems)
	if diags.HasError() {
		t.Fatal(diags)
	}
	resp := &validator.MapResponse{}
	clientMetadataValidator{}.ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("client_metadata"), ConfigValue: m}, resp)
	return resp
}
