package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
)

// cognito_refreshed_tokens exchanges a refresh token for fresh tokens with
// GetTokensFromRefreshToken: its schema, model and fetch. The ephemeral
// resource and the data source come from the backbone (token_type.go).

type (
	refreshedTokensEphemeralResource = tokenEphemeralResource[refreshedTokensModel, refreshedTokensType]
	refreshedTokensDataSource        = tokenDataSource[refreshedTokensModel, refreshedTokensType]
)

// NewRefreshedTokensEphemeralResource is the ephemeral resource
// cognito_refreshed_tokens: fresh tokens that never reach plan or state.
func NewRefreshedTokensEphemeralResource() ephemeral.EphemeralResource {
	return newTokenEphemeralResource[refreshedTokensModel, refreshedTokensType]()
}

// NewRefreshedTokensDataSource is the data source cognito_refreshed_tokens,
// for CLIs without ephemeral resources. Its tokens are stored in state.
func NewRefreshedTokensDataSource() datasource.DataSource {
	return newTokenDataSource[refreshedTokensModel, refreshedTokensType]()
}

// refreshedTokensType declares cognito_refreshed_tokens.
type refreshedTokensType struct{}

func (refreshedTokensType) name() string { return "refreshed_tokens" }

func (refreshedTokensType) schema() tokenSchema {
	return tokenSchema{
		ephemeralDescription: "Exchanges a Cognito refresh token for fresh access and ID tokens with `GetTokensFromRefreshToken`. " +
			"The tokens exist only while Terraform runs: they are never written to the plan or the state. Requires Terraform 1.10 or OpenTofu 1.11 or later.",
		dataSourceDescription: "Exchanges a Cognito refresh token for fresh access and ID tokens with `GetTokensFromRefreshToken`, for Terraform before 1.10 and OpenTofu before 1.11. " +
			"**The issued tokens, and the `refresh_token` and `client_secret` given, are stored in the state** (marked sensitive, so hidden in output only): prefer the `cognito_refreshed_tokens` ephemeral resource where the CLI supports it.",
		providerArgument: "region",
		attributes:       refreshedTokensAttributes(),
	}
}

func (refreshedTokensType) fetch(ctx context.Context, data *providerData, model *refreshedTokensModel) diag.Diagnostics {
	return refreshTokens(ctx, data, model)
}

// refreshedTokensModel is the configuration and result of both forms.
type refreshedTokensModel struct {
	RefreshToken   types.String `tfsdk:"refresh_token"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	DeviceKey      types.String `tfsdk:"device_key"`
	ClientMetadata types.Map    `tfsdk:"client_metadata"`
	Region         types.String `tfsdk:"region"`
	// RefreshTokenStore replaces RefreshToken (exactly one is set).
	RefreshTokenStore types.Object `tfsdk:"refresh_token_store"`
	// MinRemainingValidity: the returned tokens must last this long.
	MinRemainingValidity types.String `tfsdk:"min_remaining_validity"`

	AccessToken       types.String `tfsdk:"access_token"`
	IDToken           types.String `tfsdk:"id_token"`
	NewRefreshToken   types.String `tfsdk:"new_refresh_token"`
	TokenType         types.String `tfsdk:"token_type"`
	ExpiresIn         types.Int64  `tfsdk:"expires_in"`
	ExpiresAt         types.String `tfsdk:"expires_at"`
	NewDeviceKey      types.String `tfsdk:"new_device_key"`
	NewDeviceGroupKey types.String `tfsdk:"new_device_group_key"`
}

func refreshedTokensAttributes() map[string]attributeSpec {
	return map[string]attributeSpec{
		"refresh_token": {kind: inputString, sensitive: true,
			description: "The refresh token to exchange, from the user's sign-in. Set exactly one of `refresh_token` and `refresh_token_store`; prefer the store when the app client rotates refresh tokens.",
			validators: []validator.String{
				patternValidator{refreshTokenPattern, "a Cognito refresh token: letters, digits and `-_=.` only"},
			}},
		"client_id": {kind: inputString, required: true, sensitive: true,
			description: "ID of the app client that issued the refresh token.",
			validators:  clientIDValidators()},
		"client_secret": {kind: inputString, sensitive: true,
			description: "Secret of the app client: required when it has one, omitted when it has none.",
			validators:  clientSecretValidators(24)},
		"device_key": {kind: inputString, sensitive: true,
			description: "Confirmed key of the device the user signed in with, as `<region>_<uuid>`: required when the user pool remembers devices, ignored otherwise. See [pools that remember devices](../guides/devices.md).",
			validators: []validator.String{
				stringvalidator.LengthBetween(1, 55),
				patternValidator{deviceKeyPattern, "a device key such as `us-east-1_0b1c2d3e-...`"},
			}},
		"client_metadata": clientMetadataAttribute("Key-value pairs passed to the user pool's Lambda triggers, unencrypted: no secrets here."),
		storeAttribute:    storeAttributeSpec(),
		minValidityAttr: {kind: inputString,
			description: minValidityDescription,
			validators:  []validator.String{durationValidator{min: time.Second, max: maxMinValidity}}},
		"region": {kind: inputString,
			description: "AWS region of the user pool, overriding the provider's `region` for this call.",
			validators:  []validator.String{regionValidator}},

		"access_token": {kind: outputString, sensitive: true,
			description: "Fresh access token (an RS256-signed JWT), e.g. for an `Authorization: Bearer` header."},
		"id_token": {kind: outputString, sensitive: true,
			description: "Fresh ID token (an RS256-signed JWT) carrying the user's attributes."},
		"new_refresh_token": {kind: outputString, sensitive: true,
			description: "The rotated refresh token when the app client rotates refresh tokens, null otherwise: store it, as the input token stops working after the grace period. With `refresh_token_store` it is already stored."},
		"token_type": bearerTokenType,
		"expires_in": userExpiresIn,
		"expires_at": userExpiresAt,
		"new_device_key": {kind: outputString, sensitive: true,
			description: "Key of a new device if Cognito's answer carries `NewDeviceMetadata`, null otherwise. Expect null ([why](../guides/devices.md#new_device_key))."},
		"new_device_group_key": {kind: outputString, sensitive: true,
			description: "Group key of the new device in `new_device_key`, null otherwise."},
	}
}

// refreshTokens calls Cognito for model's inputs and fills its outputs.
func refreshTokens(ctx context.Context, data *providerData, model *refreshedTokensModel) diag.Diagnostics {
	var diags diag.Diagnostics
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
	// Already checked by durationValidator; 0 when unset.
	minValidity, _ := time.ParseDuration(model.MinRemainingValidity.ValueString())
	logDebug(ctx, "Refreshing Cognito tokens", map[string]any{
		"region_override":     req.Region,
		"client_secret_set":   req.ClientSecret != "",
		"device_key_set":      req.DeviceKey != "",
		"client_metadata_len": len(req.ClientMetadata),
		"store_set":           storeSet,
	})
	var tokens cognito.Tokens
	if storeSet {
		var storeDiags diag.Diagnostics
		tokens, ctx, storeDiags = refreshThroughStore(ctx, data, req, store, minValidity)
		diags.Append(storeDiags...)
		if diags.HasError() {
			return diags
		}
	} else {
		var err error
		tokens, err = data.client.Refresh(ctx, req)
		if err != nil {
			// The SDK's error text can echo request values; masking covers it.
			logDebug(ctx, "Cognito refresh failed", map[string]any{"error": causeText(err)})
			addFailure(&diags, err, refreshWording)
			return diags
		}
	}

	ctx = maskSecrets(ctx, tokens.Secrets())
	if minValidity > 0 && tokensLast(tokens, now()) < minValidity {
		addTooShortValidity(&diags, tokens, minValidity)
		return diags
	}
	logDebug(ctx, "Refreshed Cognito tokens", map[string]any{
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
				"Terraform opens ephemeral resources at both plan and apply (OpenTofu does so when the apply uses their values), so the token given here is presented again after it was rotated. "+
				"Use `refresh_token_store` (a file or a Secrets Manager secret) instead of `refresh_token`: the provider then stores each rotated token before returning, and every run reads the current one. Put the current refresh token into the store once; see the refresh-token rotation guide.")
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
