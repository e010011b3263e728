package provider

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

// The ephemeral resource and the data source share one schema and one model.

type refreshedTokensModel struct {
	RefreshToken   types.String `tfsdk:"refresh_token"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	DeviceKey      types.String `tfsdk:"device_key"`
	ClientMetadata types.Map    `tfsdk:"client_metadata"`
	Region         types.String `tfsdk:"region"`
	// RefreshTokenStore replaces RefreshToken (exactly one is set).
	RefreshTokenStore types.Object `tfsdk:"refresh_token_store"`

	AccessToken       types.String `tfsdk:"access_token"`
	IDToken           types.String `tfsdk:"id_token"`
	NewRefreshToken   types.String `tfsdk:"new_refresh_token"`
	TokenType         types.String `tfsdk:"token_type"`
	ExpiresIn         types.Int64  `tfsdk:"expires_in"`
	ExpiresAt         types.String `tfsdk:"expires_at"`
	NewDeviceKey      types.String `tfsdk:"new_device_key"`
	NewDeviceGroupKey types.String `tfsdk:"new_device_group_key"`
}

// fields maps every schema attribute to its model field.
func (m *refreshedTokensModel) fields() map[string]any {
	return map[string]any{
		"refresh_token": &m.RefreshToken, "client_id": &m.ClientID, "client_secret": &m.ClientSecret,
		"device_key": &m.DeviceKey, "client_metadata": &m.ClientMetadata, "region": &m.Region,
		storeAttribute: &m.RefreshTokenStore,
		"access_token": &m.AccessToken, "id_token": &m.IDToken, "new_refresh_token": &m.NewRefreshToken,
		"token_type": &m.TokenType, "expires_in": &m.ExpiresIn, "expires_at": &m.ExpiresAt,
		"new_device_key": &m.NewDeviceKey, "new_device_group_key": &m.NewDeviceGroupKey,
	}
}

// fieldMapper is a model that maps every schema attribute to its field.
type fieldMapper interface{ fields() map[string]any }

// readModel is Config.Get(ctx, model) without the framework's struct-tag
// reflection, which compiles a regular expression per field on every call
// and cost more CPU than the HTTP round trip to Cognito. The configuration
// is read as an object value; the model gets the same values.
func readModel(ctx context.Context, get func(context.Context, any) diag.Diagnostics, model fieldMapper) (types.Object, diag.Diagnostics) {
	var obj types.Object
	diags := get(ctx, &obj)
	if diags.HasError() {
		return obj, diags
	}
	// ValueString of an unknown is "": a request must never be made of it.
	if name := unknownInput(obj); name != "" {
		diags.AddAttributeError(path.Root(name), "Value not known yet",
			"The value of "+name+" is not known yet (it comes from a resource that is not created yet), so Cognito cannot be asked now. "+
				"Terraform and OpenTofu wait for such values before opening or reading. Use a value known at plan time, or apply the resource it comes from first.")
		return obj, diags
	}
	attrs := obj.Attributes()
	for name, field := range model.fields() {
		value := attrs[name] // nil when missing: every assertion below fails
		var ok bool
		switch f := field.(type) {
		case *types.String:
			*f, ok = value.(types.String)
		case *types.Int64:
			*f, ok = value.(types.Int64)
		case *types.Map:
			*f, ok = value.(types.Map)
		case *types.Set:
			*f, ok = value.(types.Set)
		case *types.Object:
			*f, ok = value.(types.Object)
		}
		if !ok {
			diags.AddError("Value Conversion Error",
				"Attribute "+name+" does not match the model. This is always an error in the provider. Please report it to the provider developers.")
		}
	}
	return obj, diags
}

// writeModel is Set(ctx, model) without struct-tag reflection (see
// readModel): the model is written as an object of the configuration's type.
func writeModel(ctx context.Context, set func(context.Context, any) diag.Diagnostics, config types.Object, model fieldMapper) diag.Diagnostics {
	values := make(map[string]attr.Value, len(config.Attributes()))
	for name, field := range model.fields() {
		switch f := field.(type) {
		case *types.String:
			values[name] = *f
		case *types.Int64:
			values[name] = *f
		case *types.Map:
			values[name] = *f
		case *types.Set:
			values[name] = *f
		case *types.Object:
			values[name] = *f
		}
	}
	obj, diags := types.ObjectValue(config.AttributeTypes(ctx), values)
	if diags.HasError() {
		return diags
	}
	return set(ctx, obj)
}

type attributeKind int

const (
	inputString attributeKind = iota
	inputMap
	outputString
	outputNumber
	inputSet  // a set of strings
	outputSet // a set of strings
	// inputStore is refresh_token_store (see refresh_token_store.go).
	inputStore
)

// attributeSpec describes one attribute independently of the schema package
// (ephemeral or data source) that renders it.
type attributeSpec struct {
	kind        attributeKind
	required    bool
	sensitive   bool
	description string
	validators  []validator.String
	// mapValidators apply to inputMap attributes.
	mapValidators []validator.Map
	// setValidators apply to inputSet attributes.
	setValidators []validator.Set
}

func refreshedTokensAttributes() map[string]attributeSpec {
	return map[string]attributeSpec{
		"refresh_token": {kind: inputString, sensitive: true,
			description: "The refresh token to exchange, as issued by the user pool when the user signed in. Exactly one of `refresh_token` and `refresh_token_store` must be set; with an app client that rotates refresh tokens, prefer `refresh_token_store`.",
			validators: []validator.String{
				stringvalidator.LengthAtLeast(1),
				patternValidator{refreshTokenPattern, "a Cognito refresh token: letters, digits and `-_=.` only"},
			}},
		"client_id": {kind: inputString, required: true, sensitive: true,
			description: "ID of the app client that issued the refresh token.",
			validators: []validator.String{
				stringvalidator.LengthBetween(1, 128),
				patternValidator{clientIDPattern, "an app client ID: letters, digits, `_` and `+` only"},
			}},
		"client_secret": {kind: inputString, sensitive: true,
			description: "Secret of the app client. Required when the app client has a secret, and must be omitted when it has none.",
			validators: []validator.String{
				stringvalidator.LengthBetween(24, 64),
				patternValidator{clientSecretPattern, "an app client secret: letters, digits, `_` and `+` only"},
			}},
		"device_key": {kind: inputString, sensitive: true,
			description: "Key of a device confirmed for the user, as `<region>_<uuid>`: the `NewDeviceMetadata.DeviceKey` of the sign-in that issued the refresh token, after the app confirmed it with ConfirmDevice. Required when the user pool remembers devices: there Cognito answers a missing, unknown or unconfirmed device key with `NotAuthorizedException` \"Invalid Refresh Token.\", the same answer as for a bad refresh token. Ignored by pools that do not remember devices.",
			validators: []validator.String{
				stringvalidator.LengthBetween(1, 55),
				patternValidator{deviceKeyPattern, "a device key such as `us-east-1_0b1c2d3e-...`"},
			}},
		"client_metadata": {kind: inputMap,
			description:   "Key-value pairs passed to the user pool's Lambda triggers. Cognito neither stores nor encrypts them: do not put secrets here.",
			mapValidators: []validator.Map{mapvalidator.SizeAtMost(maxClientMetadataEntries), clientMetadataValidator{}}},
		storeAttribute: {kind: inputStore, description: storeDescription},
		"region": {kind: inputString,
			description: "AWS region of the user pool, overriding the provider's `region` for this call.",
			validators:  []validator.String{regionValidator}},

		"access_token": {kind: outputString, sensitive: true,
			description: "Fresh access token (an RS256-signed JWT), e.g. for an `Authorization: Bearer` header."},
		"id_token": {kind: outputString, sensitive: true,
			description: "Fresh ID token (an RS256-signed JWT) carrying the user's attributes."},
		"new_refresh_token": {kind: outputString, sensitive: true,
			description: "The rotated refresh token when the app client has refresh-token rotation enabled; null otherwise. The input token stops working after the client's grace period, so store this one; with `refresh_token_store` the provider has already stored it."},
		"token_type": {kind: outputString,
			description: "Token type, `Bearer`."},
		"expires_in": {kind: outputNumber,
			description: "Lifetime of the access token in seconds, as Cognito returned it (the app client's access token validity). The ID token has its own validity: read its `exp` claim."},
		"expires_at": {kind: outputString,
			description: "When the access token expires, as an RFC 3339 UTC timestamp (the time of the request plus `expires_in`). The ID token may expire at another time: read its `exp` claim."},
		"new_device_key": {kind: outputString, sensitive: true,
			description: "Key of a new device, if Cognito's answer carries `NewDeviceMetadata`; null otherwise. AWS's sources differ: the request's `DeviceKey` reference says that when no registered device key is given, Cognito issues a new one, while the `AuthenticationResultType` reference says GetTokensFromRefreshToken doesn't return `NewDeviceMetadata` (and a pool that remembers devices refuses a refresh without a confirmed `device_key`). Expect null; the provider passes a key through should Cognito send one."},
		"new_device_group_key": {kind: outputString, sensitive: true,
			description: "Group key of the new device in `new_device_key`, if Cognito's answer carries one; null otherwise."},
	}
}

// providerDataFrom is the Configure step both types share.
func providerDataFrom(configured any, diags *diag.Diagnostics) *providerData {
	if configured == nil {
		return nil
	}
	data, ok := configured.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", "Please report this issue to the provider developers.")
	}
	return data
}

// mustDefer is true when the provider configuration is not known yet and the
// CLI accepts a deferred result instead of an error.
func (d *providerData) mustDefer(deferralAllowed bool) bool {
	return d != nil && d.unknownConfig && deferralAllowed
}

// refreshConfigured is Open and Read: refresh for the configuration read by
// get, and write inputs and outputs with set.
func refreshConfigured(ctx context.Context, data *providerData, get, set func(context.Context, any) diag.Diagnostics) diag.Diagnostics {
	var model refreshedTokensModel
	return openOrRead(ctx, get, set, &model, func() diag.Diagnostics { return refreshTokens(ctx, data, &model) })
}

// openOrRead is the shape of every Open and Read: read the configuration
// into model with get, fill its outputs, write it with set. A step that
// fails ends it.
func openOrRead(ctx context.Context, get, set func(context.Context, any) diag.Diagnostics, model fieldMapper, fill func() diag.Diagnostics) diag.Diagnostics {
	config, diags := readModel(ctx, get, model)
	if diags.HasError() {
		return diags
	}
	diags.Append(fill()...)
	if diags.HasError() {
		return diags
	}
	diags.Append(writeModel(ctx, set, config, model)...)
	return diags
}

// unknownInput names an attribute whose value, or a value inside it, is
// not known, or returns "".
func unknownInput(config types.Object) string {
	attrs := config.Attributes()
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		if !fullyKnown(attrs[name]) {
			return name
		}
	}
	return ""
}

func fullyKnown(v attr.Value) bool {
	if v.IsUnknown() {
		return false
	}
	var elements []attr.Value
	switch c := v.(type) {
	case types.Map:
		elements = slices.Collect(maps.Values(c.Elements()))
	case types.List:
		elements = c.Elements()
	case types.Set:
		elements = c.Elements()
	case types.Object:
		elements = slices.Collect(maps.Values(c.Attributes()))
	}
	return !slices.ContainsFunc(elements, func(e attr.Value) bool { return !fullyKnown(e) })
}

// refreshTokens calls Cognito for model's inputs and fills its outputs.
func refreshTokens(ctx context.Context, data *providerData, model *refreshedTokensModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if data == nil || data.client == nil {
		diags.AddError("Provider not configured",
			"The cognito provider's configuration is not known yet (for example `region` comes from a resource that is not created yet). "+
				"Use values known at plan time in the provider block, or apply the resources it depends on first with `-target`.")
		return diags
	}

	req := cognito.Request{
		Region:       model.Region.ValueString(),
		RefreshToken: model.RefreshToken.ValueString(),
		ClientID:     model.ClientID.ValueString(),
		ClientSecret: model.ClientSecret.ValueString(),
		DeviceKey:    model.DeviceKey.ValueString(),
	}
	diags.Append(model.ClientMetadata.ElementsAs(ctx, &req.ClientMetadata, false)...)
	if diags.HasError() {
		return diags
	}

	ctx = maskSecrets(ctx, req.Secrets())
	store, storeSet := storeFrom(model.RefreshTokenStore)
	tflog.Debug(ctx, "Refreshing Cognito tokens", map[string]any{
		"region_override":     req.Region,
		"client_secret_set":   req.ClientSecret != "",
		"device_key_set":      req.DeviceKey != "",
		"client_metadata_len": len(req.ClientMetadata),
		"store_set":           storeSet,
	})
	var tokens cognito.Tokens
	if storeSet {
		var storeDiags diag.Diagnostics
		tokens, ctx, storeDiags = refreshThroughStore(ctx, data, req, store)
		diags.Append(storeDiags...)
		if diags.HasError() {
			return diags
		}
	} else {
		var err error
		tokens, err = data.client.Refresh(ctx, req)
		if err != nil {
			// The SDK's error text can echo request values; masking covers it.
			tflog.Debug(ctx, "Cognito refresh failed", map[string]any{"error": causeText(err)})
			addRefreshError(&diags, err)
			return diags
		}
	}

	ctx = maskSecrets(ctx, tokens.Secrets())
	tflog.Debug(ctx, "Refreshed Cognito tokens", map[string]any{
		"expires_at":   tokens.ExpiresAt.Format(time.RFC3339),
		"rotated":      tokens.NewRefreshToken != "",
		"new_device":   tokens.NewDeviceKey != "",
		"request_id":   tokens.RequestID,
		"attempts":     tokens.Attempts,
		"token_length": len(tokens.AccessToken),
	})
	setTokens(model, tokens)
	// With a store the rotated token is already stored: nothing to warn of.
	if tokens.NewRefreshToken != "" && !storeSet {
		diags.AddAttributeWarning(path.Root("refresh_token"), "Refresh token rotated",
			"The app client rotates refresh tokens: Cognito issued `new_refresh_token` and will invalidate the `refresh_token` given here once the client's grace period (0-60 seconds) is over. "+
				"Store `new_refresh_token` (for example in a secret store through a write-only attribute) and use it next time. "+
				"Terraform opens ephemeral resources at both plan and apply (OpenTofu does so when the apply uses their values), so the token given here must stay valid between them: keep the grace period long enough, or apply without a separate plan.")
	}
	return diags
}

func setTokens(model *refreshedTokensModel, tokens cognito.Tokens) {
	model.AccessToken = types.StringValue(tokens.AccessToken)
	model.IDToken = types.StringValue(tokens.IDToken)
	model.NewRefreshToken = nullIfEmpty(tokens.NewRefreshToken)
	model.TokenType = types.StringValue(tokens.TokenType)
	model.ExpiresIn = types.Int64Value(tokens.ExpiresIn)
	model.ExpiresAt = types.StringValue(tokens.ExpiresAt.Format(time.RFC3339))
	model.NewDeviceKey = nullIfEmpty(tokens.NewDeviceKey)
	model.NewDeviceGroupKey = nullIfEmpty(tokens.NewDeviceGroupKey)
}

// maskLogs is only ever false in the leak test's deliberately broken build.
var maskLogs = true

// maskSecrets hides every secret from this provider's log lines, in messages
// and in field values, whatever the TF_LOG level: every form diagnostics
// scrub (redact.Patterns: escaped, encoded, in any case). Wire text, the one
// place a secret can come back altered or cut short, is scrubbed before it
// is logged (causeText).
func maskSecrets(ctx context.Context, secrets []string) context.Context {
	if !maskLogs || len(secrets) == 0 {
		return ctx
	}
	patterns := redact.Patterns(secrets)
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, patterns...)
	return tflog.MaskMessageRegexes(ctx, patterns...)
}

func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
