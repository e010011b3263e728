package provider

// Fuzz targets for input validation: every string attribute's validators
// (the schema's own list, so new validators are covered automatically), the
// provider's endpoint, duration and region validators, and client_metadata.
// Seeds run as unit tests; corpora in testdata/fuzz/.

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
			// What passes validation is what Cognito's model allows.
			valid := !diags.HasError()
			var want bool
			switch name {
			case "refresh_token":
				want = len(value) >= 1 && refreshTokenPattern.MatchString(value)
			case "client_id":
				want = n(value) >= 1 && n(value) <= 128 && clientIDPattern.MatchString(value)
			case "client_secret":
				want = n(value) >= 24 && n(value) <= 64 && clientSecretPattern.MatchString(value)
			case "device_key":
				want = n(value) >= 1 && n(value) <= 55 && deviceKeyPattern.MatchString(value)
			case "region":
				want = regionPattern.MatchString(value)
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

// n counts length as stringvalidator.Length* does (bytes).
func n(s string) int { return len(s) }

func FuzzProviderValidators(f *testing.F) {
	for _, seed := range []string{
		"", "https://cognito-idp.eu-west-1.amazonaws.com", "http://127.0.0.1:9229", "cognito.local", "ftp://x", "http://",
		"http://[::1", "//host", "http://u:p@host", "30s", "2m", "0s", "15m", "1h", "1h0m1s", "-1s", "soon", "1e9s", "9223372036854775807ns",
	} {
		f.Add(seed)
	}
	endpoint := endpointValidator{}
	duration := durationValidator{min: minTimeout, max: maxTimeout}
	f.Fuzz(func(t *testing.T, value string) {
		diags := validateString("endpoint", []validator.String{endpoint}, value)
		u, err := url.Parse(value)
		wantValid := err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
		if diags.HasError() == wantValid {
			t.Fatalf("endpoint %q: valid = %v, want %v", value, !diags.HasError(), wantValid)
		}
		diags = validateString("timeout", []validator.String{duration}, value)
		d, err := time.ParseDuration(value)
		wantValid = err == nil && d >= time.Second && d <= time.Hour
		if diags.HasError() == wantValid {
			t.Fatalf("timeout %q: valid = %v, want %v", value, !diags.HasError(), wantValid)
		}
		if wantValid {
			// Configure re-parses without checking: it must get the same.
			if again, _ := time.ParseDuration(value); again != d {
				t.Fatalf("timeout %q parses differently", value)
			}
		}
	})
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
