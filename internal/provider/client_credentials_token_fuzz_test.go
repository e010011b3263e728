package provider

// Fuzz target for cognito_client_credentials_token's input validation: every
// string attribute's validators and the scope element validator, checked
// against what they claim to accept, never echoing a sensitive value.

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
)

func FuzzClientCredentialsValidators(f *testing.F) {
	for _, seed := range []string{
		"", " ", "auth.example.com", "my-prefix.auth.eu-west-1.amazoncognito.com", "https://auth.example.com",
		"https://auth.example.com/oauth2/token", "http://127.0.0.1:9229/oauth2/token", "http://[::1]/oauth2/token",
		"http://localhost/oauth2/token", "http://10.0.0.1/oauth2/token", "https://u:p@auth.example.com/oauth2/token",
		"https://auth.example.com/oauth2/token?x=1", "https://auth.example.com/#", "platform/deploy",
		"https://billing.example.com/invoices.read", "platform/", "/deploy", "26lowercasealnumclientid00", "abc-def",
		strings.Repeat("s", 51), "äuth.example.com", "a..b", "-a.b",
	} {
		f.Add(seed)
	}
	specs := clientCredentialsTokenAttributes()
	scopeValidators := specs["scopes"].setValidators
	f.Fuzz(func(t *testing.T, value string) {
		for name, spec := range specs {
			if spec.kind != inputString {
				continue
			}
			diags := validateString(name, spec.validators, value)
			for _, d := range diags {
				withPath, ok := d.(diag.DiagnosticWithPath)
				if !ok || !withPath.Path().Equal(path.Root(name)) {
					t.Fatalf("%s: diagnostic %q is not scoped to the attribute", name, d.Summary())
				}
				if d.Summary() == "" || d.Detail() == "" {
					t.Fatalf("%s: incomplete diagnostic", name)
				}
			}
			// token_url may hold a password; client_id and client_secret
			// are secrets: none is ever shown (see FuzzInputValidators for
			// why the same-length filler is compared).
			if (spec.sensitive || name == "token_url") && echoes(diags, value) &&
				!echoes(validateString(name, spec.validators, strings.Repeat("\x01", len(value))), value) {
				t.Fatalf("%s: a diagnostic echoes the value %q: %v", name, value, diags)
			}
			valid := !diags.HasError()
			var want bool
			switch name {
			case "domain":
				want = domainPattern.MatchString(value)
			case "token_url":
				u, err := url.Parse(value)
				want = err == nil && u.IsAbs() && u.Host != "" && u.Opaque == "" && u.User == nil &&
					u.RawQuery == "" && !u.ForceQuery && u.Fragment == "" && !strings.Contains(value, "#") &&
					(u.Scheme == "https" || (u.Scheme == "http" && awsenv.LoopbackHost(u.Hostname())))
			case "client_id":
				want = validatorLength(value) >= 1 && validatorLength(value) <= 128 && clientIDPattern.MatchString(value)
			case "client_secret":
				want = validatorLength(value) >= 1 && validatorLength(value) <= 64 && clientSecretPattern.MatchString(value)
			}
			if valid != want {
				t.Fatalf("%s: %q valid = %v, want %v (%v)", name, value, valid, want, diags)
			}
			if valid && strings.TrimSpace(value) != value {
				t.Fatalf("%s: %q with surrounding whitespace passes", name, value)
			}
		}

		set, d := types.SetValueFrom(context.Background(), types.StringType, []string{value})
		if d.HasError() {
			t.Fatal(d)
		}
		var diags diag.Diagnostics
		for _, v := range scopeValidators {
			resp := &validator.SetResponse{}
			v.ValidateSet(context.Background(), validator.SetRequest{Path: path.Root("scopes"), ConfigValue: set}, resp)
			diags.Append(resp.Diagnostics...)
		}
		if want := scopePattern.MatchString(value); diags.HasError() == want {
			t.Fatalf("scope %q: valid = %v, want %v", value, !diags.HasError(), want)
		}
	})
}
