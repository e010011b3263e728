package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
)

// Patterns from the Cognito API model. Region names are the AWS SDK's
// (regionValidator).
var (
	refreshTokenPattern = lazyPattern(`^[A-Za-z0-9\-_=.]+$`)
	clientIDPattern     = lazyPattern(`^[\w+]+$`)
	clientSecretPattern = lazyPattern(`^[\w+]+$`)
	deviceKeyPattern    = lazyPattern(`^[\w-]+_[0-9a-f-]+$`)
	// domainPattern is a DNS host name of two labels or more, without
	// scheme, port or path.
	domainPattern = lazyPattern(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	// scopePattern is a custom scope "<resource-server-identifier>/<scope-name>"
	// with the characters the Cognito API model allows for each part.
	scopePattern = lazyPattern(`^[\x21\x23-\x5B\x5D-\x7E]+/[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$`)
)

// lazyRegexp is a pattern compiled on its first match. Compiled at package
// init, every pattern cost each plugin start, and Terraform starts the
// provider several times per run (issue 24); most starts validate nothing.
type lazyRegexp struct{ compiled func() *regexp.Regexp }

func lazyPattern(expr string) lazyRegexp {
	return lazyRegexp{sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

func (l lazyRegexp) MatchString(s string) bool { return l.compiled().MatchString(s) }

// endpointValidator accepts absolute http(s) URLs with a host, without
// credentials, query or fragment, and http:// only to this machine
// (awsenv.Plaintext).
type endpointValidator struct{}

func (endpointValidator) Description(context.Context) string {
	return "must be an absolute http or https URL"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v endpointValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint URL",
			fmt.Sprintf("The endpoint %s. Use a URL such as `https://cognito-idp.eu-west-1.amazonaws.com` or `http://127.0.0.1:9229`.", v.Description(ctx)))
	case u.User != nil:
		// Rejected, not redacted: Cognito takes no credentials in the URL,
		// and a URL is printed in many places we do not control (the SDK's
		// and the CLI's errors and logs); refusing it closes them all.
		resp.Diagnostics.AddAttributeError(req.Path, "Credentials in endpoint URL",
			"The endpoint contains credentials (`user:password@` before the host). They are not accepted: Cognito takes none in the URL, and they would show up in error messages and logs. "+
				"Remove them; to go through an authenticating proxy, set the HTTPS_PROXY environment variable.")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(req.ConfigValue.ValueString(), "#"):
		// Refused like token_url's: the Cognito API takes no query, and
		// a key there would be printed wherever the URL is.
		resp.Diagnostics.AddAttributeError(req.Path, "Query or fragment in endpoint URL",
			"The endpoint has a query (`?…`) or fragment (`#…`). They are not accepted: Cognito takes none, and they may carry a key that would show up in error messages and logs. "+
				"Remove them; to go through an authenticating proxy, set the HTTPS_PROXY environment variable.")
	case awsenv.Plaintext(req.ConfigValue.ValueString()):
		resp.Diagnostics.AddAttributeError(req.Path, "Cognito endpoint without TLS", "`endpoint` "+plaintextProblem+". "+plaintextRisk)
	}
}

// durationValidator accepts Go durations within [min, max].
type durationValidator struct{ min, max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as `30s` or `2m`, between %s and %s", v.min, v.max)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", "The value "+v.Description(ctx)+".")
	}
}

// maxClientMetadataBytes keeps client_metadata well inside the payload
// Cognito hands to Lambda triggers.
const maxClientMetadataBytes = 64 * 1024

// clientMetadataValidator bounds the total size of client_metadata.
type clientMetadataValidator struct{}

func (clientMetadataValidator) Description(context.Context) string {
	return fmt.Sprintf("keys and values must together stay under %d KiB", maxClientMetadataBytes/1024)
}

func (v clientMetadataValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v clientMetadataValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	size := 0
	for key, value := range req.ConfigValue.Elements() {
		size += len(key)
		if s, ok := value.(types.String); ok {
			size += len(s.ValueString())
		}
		// Without this the refresh fails later with the framework's
		// "Value Conversion Error ... an error in the provider".
		if value.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(key), "Null value in client_metadata",
				fmt.Sprintf("The value of key %q in client_metadata is null; Lambda triggers receive strings only. Set a string value or remove the key.", key))
		}
	}
	if size > maxClientMetadataBytes {
		resp.Diagnostics.AddAttributeError(req.Path, "client_metadata too large",
			fmt.Sprintf("client_metadata holds %d bytes; its %s. Pass large data to Lambda triggers another way.", size, v.Description(ctx)))
	}
}

// regionNameValidator accepts the region names of every partition the AWS SDK
// knows (cognito.ValidRegion), offline; the value is never echoed.
type regionNameValidator struct{}

func (regionNameValidator) Description(context.Context) string {
	return "must be an AWS region name such as `us-east-1`, `cn-north-1` or `eusc-de-east-1`"
}

func (v regionNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v regionNameValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !cognito.ValidRegion(req.ConfigValue.ValueString()) {
		addInvalidValue(resp, "Invalid "+req.Path.String(), req.Path, v.Description(ctx))
	}
}

// addInvalidValue words a value that breaks its rule (rule reads "must
// be ..."), never echoing the value: several inputs are secrets.
func addInvalidValue(resp *validator.StringResponse, summary string, at path.Path, rule string) {
	resp.Diagnostics.AddAttributeError(at, summary,
		fmt.Sprintf("The value of %s %s. Check for stray whitespace, quotes or a value meant for another attribute.", at, rule))
}

// nonEmpty refuses an empty string with one error that says so, and runs
// rules on every other value. Alone, each rule would word an empty value as
// its own rule broken ("length must be at least 1", "letters and digits
// only"), one error each, when what happened is nearly always a variable,
// file or environment variable that holds nothing.
func nonEmpty(rules ...validator.String) []validator.String {
	validators := []validator.String{emptyValidator{}}
	for _, rule := range rules {
		validators = append(validators, unlessEmpty{rule})
	}
	return validators
}

// emptyValidator refuses an empty string.
type emptyValidator struct{}

func (emptyValidator) Description(context.Context) string { return "must not be empty" }

func (v emptyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (emptyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if isEmpty(req.ConfigValue) {
		// The summary names the argument: Terraform prints an ephemeral
		// resource's validation errors without a location (see
		// troubleshooting.md, "Where a diagnostic points").
		resp.Diagnostics.AddAttributeError(req.Path, "Empty "+req.Path.String(),
			fmt.Sprintf("The value of %s is an empty string. Check that the variable, file or environment variable it comes from holds a value; to leave an optional argument unset, remove it or set it to null.", req.Path))
	}
}

// unlessEmpty runs a rule on every value but the empty string, which
// emptyValidator reports.
type unlessEmpty struct{ validator.String }

func (v unlessEmpty) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isEmpty(req.ConfigValue) {
		v.String.ValidateString(ctx, req, resp)
	}
}

func isEmpty(value types.String) bool {
	return !value.IsNull() && !value.IsUnknown() && value.ValueString() == ""
}

// patternValidator checks a string against a pattern. Unlike
// stringvalidator.RegexMatches it never echoes the value, because several
// inputs are secrets and diagnostics are printed and logged.
type patternValidator struct {
	pattern lazyRegexp
	// want describes valid values, e.g. "letters, digits and _ only".
	want string
}

func (v patternValidator) Description(context.Context) string { return "must be " + v.want }

func (v patternValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v patternValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !v.pattern.MatchString(req.ConfigValue.ValueString()) {
		addInvalidValue(resp, "Invalid "+req.Path.String(), req.Path, v.Description(ctx))
	}
}

// maxClientMetadataEntries bounds client_metadata's size in entries.
const maxClientMetadataEntries = 50

// clientIDValidators check an app client ID, for every type that takes one.
func clientIDValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 128),
		patternValidator{clientIDPattern, "an app client ID: letters, digits, `_` and `+` only"},
	}
}

// clientSecretValidators check an app client secret of at least minLength
// characters, each type's own lower bound.
func clientSecretValidators(minLength int) []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(minLength, 64),
		patternValidator{clientSecretPattern, "an app client secret: letters, digits, `_` and `+` only"},
	}
}

// clientMetadataAttribute is every type's client_metadata: what it is for
// differs, its checks do not.
func clientMetadataAttribute(description string) attributeSpec {
	return attributeSpec{kind: inputMap, description: description,
		mapValidators: []validator.Map{mapvalidator.SizeAtMost(maxClientMetadataEntries), clientMetadataValidator{}}}
}

// The outputs every type shares, and those of the two types that return a
// user's tokens from AuthenticationResult.
var (
	bearerTokenType = attributeSpec{kind: outputString, description: "Token type, `Bearer`."}
	userExpiresIn   = attributeSpec{kind: outputNumber,
		description: "Lifetime of the access token in seconds (the app client's access-token validity). The ID token's expiry is its `exp` claim."}
	userExpiresAt = attributeSpec{kind: outputString,
		description: "When the access token expires, as an RFC 3339 UTC timestamp (the time of the request plus `expires_in`)."}
)
