package provider

// Fuzz target for refresh_token_store's validators: attribute-scoped,
// complete diagnostics that never echo the value, and acceptance exactly
// as a reference written without the production patterns decides.

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func FuzzStoreValidators(f *testing.F) {
	for _, seed := range []string{
		"", " ", "terraform/cognito-refresh-token", "a", strings.Repeat("n", 512), strings.Repeat("n", 513),
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-AbCdEf", "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x",
		"arn:aws:s3:::bucket", "arn:aws:secretsmanager:eu-west-1:1234:secret:x", "arn:", "name with space", "tok\x00en",
		".cognito-refresh-token", "/var/lib/token", "tokens/", ".", "..", "a/..", "./token", " token", "token\n", "äöü",
	} {
		f.Add(seed)
	}
	secretPath := path.Root(storeAttribute).AtName(storeSecretIDAttr)
	filePath := path.Root(storeAttribute).AtName(storeFileAttr)
	// The exactly-one-of validators need the whole configuration; the
	// protocol-level bad-input table covers them.
	secretValidators := storeSecretIDValidators()[1:]
	f.Fuzz(func(t *testing.T, value string) {
		for _, tc := range []struct {
			at    path.Path
			diags diag.Diagnostics
			want  bool
		}{
			{secretPath, validateStringAt(secretPath, secretValidators, value), isSecretID(value)},
			{filePath, validateStringAt(filePath, storeFileValidators(), value), isFilePath(value)},
		} {
			for _, d := range tc.diags {
				withPath, ok := d.(diag.DiagnosticWithPath)
				if !ok || !withPath.Path().Equal(tc.at) {
					t.Fatalf("%s: diagnostic %q is not scoped to the attribute", tc.at, d.Summary())
				}
				if d.Summary() == "" || d.Detail() == "" {
					t.Fatalf("%s: incomplete diagnostic", tc.at)
				}
			}
			// An echo is the value's start in a diagnostic that no bad
			// value's fixed wording has (short words like "token" do).
			if probe := echoProbe(value); probe != "" && diagsContain(tc.diags, probe) && !strings.Contains(fixedWording, probe) {
				t.Fatalf("%s: a diagnostic echoes the value %q: %v", tc.at, value, tc.diags)
			}
			if valid := !tc.diags.HasError(); valid != tc.want {
				t.Fatalf("%s: %q valid = %v, want %v (%v)", tc.at, value, valid, tc.want, tc.diags)
			}
		}
	})
}

// validateStringAt is validateString for a nested attribute's path.
func validateStringAt(at path.Path, validators []validator.String, value string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range validators {
		req := validator.StringRequest{Path: at, ConfigValue: types.StringValue(value)}
		var resp validator.StringResponse
		v.ValidateString(context.Background(), req, &resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// fixedWording is every diagnostic the store validators give, for one bad
// value of each kind: their text does not depend on the value.
var fixedWording = func() string {
	var b strings.Builder
	at := path.Root(storeAttribute).AtName(storeSecretIDAttr)
	for _, bad := range []string{"", " ", "x/", "arn:x", "a b", strings.Repeat("n", 513), strings.Repeat("n", 2049)} {
		for _, validators := range [][]validator.String{storeSecretIDValidators()[1:], storeFileValidators()} {
			for _, d := range validateStringAt(at, validators, bad) {
				b.WriteString(d.Summary() + "\n" + d.Detail() + "\n")
			}
		}
	}
	return strings.ReplaceAll(b.String(), storeSecretIDAttr, storeSecretIDAttr+" "+storeFileAttr)
}()

// echoProbe is what an echo of value would show: its trimmed start, or ""
// when too short to tell from ordinary words.
func echoProbe(value string) string {
	probe := strings.TrimSpace(value)
	if len(probe) < 4 {
		return ""
	}
	return probe[:min(len(probe), 16)]
}

func diagsContain(diags diag.Diagnostics, s string) bool {
	for _, d := range diags {
		if strings.Contains(d.Summary()+"\n"+d.Detail(), s) {
			return true
		}
	}
	return false
}

// isSecretID: a name of 1-512 of `A-Za-z0-9/_+=.@-`, or
// arn:<aws partition>:secretsmanager:<region>:<12 digits>:secret:<name>,
// 2048 characters at most.
func isSecretID(s string) bool {
	if len(s) < 1 || len(s) > 2048 {
		return false
	}
	const nameBytes = alnum + "/_+=.@-"
	if !strings.HasPrefix(s, "arn:") {
		return len(s) <= 512 && allIn(s, nameBytes)
	}
	parts := strings.SplitN(s, ":", 7)
	if len(parts) != 7 {
		return false
	}
	partition, service, region, account, resource, name := parts[1], parts[2], parts[3], parts[4], parts[5], parts[6]
	rest, ok := strings.CutPrefix(partition, "aws")
	if !ok {
		return false
	}
	for _, word := range strings.Split(rest, "-")[1:] {
		if word == "" || !allIn(word, "abcdefghijklmnopqrstuvwxyz") {
			return false
		}
	}
	if rest != "" && !strings.HasPrefix(rest, "-") {
		return false
	}
	return service == "secretsmanager" && region != "" && allIn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") &&
		len(account) == 12 && allIn(account, "0123456789") && resource == "secret" && name != "" && allIn(name, nameBytes)
}

// isFilePath: not empty, no NUL, no surrounding white space, and naming a
// file rather than a directory.
func isFilePath(s string) bool {
	base := filepath.Base(s)
	return s != "" && !strings.ContainsRune(s, 0) && strings.TrimSpace(s) == s &&
		!strings.HasSuffix(s, "/") && base != "." && base != ".."
}
