package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/totp"
)

// cognito_sign_in signs a user in with a password (InitiateAuth or
// AdminInitiateAuth and their challenges): its schema, models and fetch.
// The ephemeral resource and the data source come from the backbone
// (token_type.go); the ephemeral one adds revoke_on_close, whose close
// hook is in sign_in_close.go.

// NewSignInEphemeralResource is the ephemeral resource cognito_sign_in:
// a user's tokens that never reach plan or state, revoked at close.
func NewSignInEphemeralResource() ephemeral.EphemeralResource {
	return &signInEphemeralResource{newTokenEphemeralResource[signInEphemeralModel, signInEphemeralType]()}
}

// NewSignInDataSource is the data source cognito_sign_in, for CLIs without
// ephemeral resources. Its tokens are stored in state.
func NewSignInDataSource() datasource.DataSource {
	return newTokenDataSource[signInModel, signInType]()
}

// signInType declares the data source; signInEphemeralType the ephemeral
// resource, whose model adds revoke_on_close.
type (
	signInType          struct{}
	signInEphemeralType struct{}
)

func (signInType) name() string          { return "sign_in" }
func (signInEphemeralType) name() string { return "sign_in" }

func (signInType) schema() tokenSchema {
	return tokenSchema{
		ephemeralDescription: signInEphemeralDescription,
		dataSourceDescription: "Signs a Cognito user in with a username and password, for Terraform before 1.10 and OpenTofu before 1.11. " +
			"**The issued tokens, and the `password`, `totp_secret` and `client_secret` given, are stored in the state** (marked sensitive, so hidden in output only), and nothing is revoked: " +
			"the refresh token stays valid until it expires. Prefer the `cognito_sign_in` ephemeral resource where the CLI supports it.",
		providerArgument: "region",
		attributes:       signInAttributes(),
	}
}

func (signInEphemeralType) schema() tokenSchema { return signInType{}.schema() }

const signInEphemeralDescription = "Signs a Cognito user in with a username and password (SRP by default, so the password never leaves the machine), answering TOTP MFA from `totp_secret`, and returns the user's tokens. " +
	"The tokens are never written to the plan or the state, and the refresh token is revoked when Terraform closes the resource (`revoke_on_close`). " +
	"Each open is a sign-in: it makes the user a monthly active user, and a wrong password counts towards the user's lockout. Requires Terraform 1.10 or OpenTofu 1.11 or later."

func (signInType) fetch(ctx context.Context, data *providerData, model *signInModel) diag.Diagnostics {
	return signIn(ctx, data, model)
}

func (signInEphemeralType) fetch(ctx context.Context, data *providerData, model *signInEphemeralModel) diag.Diagnostics {
	return signIn(ctx, data, &model.signInModel)
}

// signInModel is the configuration and result of the data source.
type signInModel struct {
	UserPoolID         types.String `tfsdk:"user_pool_id"`
	ClientID           types.String `tfsdk:"client_id"`
	ClientSecret       types.String `tfsdk:"client_secret"`
	Username           types.String `tfsdk:"username"`
	Password           types.String `tfsdk:"password"`
	AuthFlow           types.String `tfsdk:"auth_flow"`
	PreferredChallenge types.String `tfsdk:"preferred_challenge"`
	TOTPSecret         types.String `tfsdk:"totp_secret"`
	ClientMetadata     types.Map    `tfsdk:"client_metadata"`
	Region             types.String `tfsdk:"region"`

	AccessToken  types.String `tfsdk:"access_token"`
	IDToken      types.String `tfsdk:"id_token"`
	RefreshToken types.String `tfsdk:"refresh_token"`
	TokenType    types.String `tfsdk:"token_type"`
	ExpiresIn    types.Int64  `tfsdk:"expires_in"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

// signInEphemeralModel is the ephemeral resource's: the data source's and
// revoke_on_close.
type signInEphemeralModel struct {
	signInModel
	RevokeOnClose types.Bool `tfsdk:"revoke_on_close"`
}

// Patterns of Cognito's API reference: UserPoolId, and USERNAME as
// AdminInitiateAuth's Username.
var (
	userPoolIDPattern = lazyPattern(`^[\w-]+_[0-9a-zA-Z]+$`)
	usernamePattern   = lazyPattern(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
)

func signInAttributes() map[string]attributeSpec {
	return map[string]attributeSpec{
		"user_pool_id": {kind: inputString, required: true,
			description: "ID of the user pool, such as `eu-west-1_AbCdEf123`. SRP hashes its name, and its region is where the sign-in goes unless `region` says otherwise.",
			validators: []validator.String{
				stringvalidator.LengthBetween(1, 55),
				patternValidator{userPoolIDPattern, "a user pool ID `<region>_<id>` such as `eu-west-1_AbCdEf123`"},
			}},
		"client_id": {kind: inputString, required: true, sensitive: true,
			description: "ID of the app client to sign in with; it must allow the auth flow (`ALLOW_USER_SRP_AUTH` for the default).",
			validators:  clientIDValidators()},
		"client_secret": {kind: inputString, sensitive: true,
			description: "Secret of the app client: required when it has one, omitted when it has none. The provider sends `SECRET_HASH` computed from it.",
			validators:  clientSecretValidators(24)},
		"username": {kind: inputString, required: true,
			description: "The user's username, or an alias (email or phone number) if the user pool signs in with one.",
			validators: []validator.String{
				stringvalidator.LengthBetween(1, 128),
				patternValidator{usernamePattern, "a username without spaces or control characters"},
			}},
		"password": {kind: inputString, required: true, sensitive: true,
			description: "The user's permanent password. With SRP it never leaves the machine; the other flows send it to Cognito.",
			validators:  []validator.String{stringvalidator.LengthBetween(1, 256)}},
		"auth_flow": {kind: inputString,
			description: "How to sign in: `USER_SRP_AUTH` (the default), `USER_PASSWORD_AUTH`, `ADMIN_USER_PASSWORD_AUTH` (`AdminInitiateAuth`, with AWS credentials from the default chain) or `USER_AUTH` (choice-based, with `preferred_challenge`). " +
				"The app client must allow it (its `ALLOW_` flag in ExplicitAuthFlows).",
			validators: []validator.String{stringvalidator.OneOf(string(cognito.FlowUserSRP), string(cognito.FlowUserPassword),
				string(cognito.FlowAdminUserPassword), string(cognito.FlowUserAuth))}},
		"preferred_challenge": {kind: inputString,
			description: "With `auth_flow = \"USER_AUTH\"` only: the first factor, `PASSWORD_SRP` (the default) or `PASSWORD`.",
			validators: []validator.String{
				stringvalidator.OneOf(cognito.ChallengePasswordSRP, cognito.ChallengePassword),
				onlyWithUserAuth{},
			}},
		"totp_secret": {kind: inputString, sensitive: true,
			description: "Base32 seed of the user's software token (the `SecretCode` of `AssociateSoftwareToken`), from which the provider answers a `SOFTWARE_TOKEN_MFA` challenge with an RFC 6238 code.",
			validators:  []validator.String{totpSeedValidator{}}},
		"client_metadata": clientMetadataAttribute("Key-value pairs passed to the user pool's Lambda triggers, unencrypted: no secrets here."),
		"region": {kind: inputString,
			description: "AWS region of the user pool, overriding the one in `user_pool_id`; needed only when the endpoint's region differs.",
			validators:  []validator.String{regionValidator}},

		"access_token": {kind: outputString, sensitive: true,
			description: "The user's access token (an RS256-signed JWT), e.g. for an `Authorization: Bearer` header."},
		"id_token": {kind: outputString, sensitive: true,
			description: "The user's ID token (an RS256-signed JWT) carrying the user's attributes."},
		"refresh_token": {kind: outputString, sensitive: true,
			description: "The refresh token of this sign-in, e.g. for `cognito_refreshed_tokens`. The ephemeral resource revokes it at close unless `revoke_on_close = false`."},
		"token_type": bearerTokenType,
		"expires_in": userExpiresIn,
		"expires_at": userExpiresAt,
	}
}

// revokeOnCloseAttribute is the ephemeral resource's own attribute.
var revokeOnCloseAttribute = ephschema.BoolAttribute{Optional: true,
	MarkdownDescription: "Whether to revoke the refresh token with `RevokeToken` when Terraform closes the resource, which also ends the access and ID tokens issued with it. " +
		"Defaults to `true`; a revocation that fails is a warning that says what is left valid."}

// signIn calls Cognito for model's inputs and fills its outputs.
func signIn(ctx context.Context, data *providerData, model *signInModel) diag.Diagnostics {
	var diags diag.Diagnostics
	req := signInRequest(model)
	diags.Append(model.ClientMetadata.ElementsAs(ctx, &req.ClientMetadata, false)...)
	if diags.HasError() {
		return diags
	}

	ctx = maskSecrets(ctx, req.Secrets())
	logDebug(ctx, "Signing in to Cognito", map[string]any{
		"auth_flow":           string(req.Flow),
		"preferred_challenge": req.PreferredChallenge,
		"region":              req.TargetRegion(),
		"client_secret_set":   req.ClientSecret != "",
		"totp_secret_set":     req.TOTPSecret != "",
		"client_metadata_len": len(req.ClientMetadata),
	})
	tokens, err := data.client.SignIn(ctx, req)
	if err != nil {
		// The cause is scrubbed of the password, seed, codes and sessions.
		logDebug(ctx, "Cognito sign-in failed", map[string]any{"error": causeText(err)})
		addSignInError(&diags, err, signInFactsOf(req))
		return diags
	}
	ctx = maskSecrets(ctx, tokens.Secrets())
	logDebug(ctx, "Signed in to Cognito", map[string]any{
		"expires_at":   tokens.ExpiresAt.Format(time.RFC3339),
		"request_id":   tokens.RequestID,
		"attempts":     tokens.Attempts,
		"token_length": len(tokens.AccessToken),
	})
	model.AccessToken = types.StringValue(tokens.AccessToken)
	model.IDToken = types.StringValue(tokens.IDToken)
	model.RefreshToken = types.StringValue(tokens.NewRefreshToken)
	model.TokenType = types.StringValue(tokens.TokenType)
	model.ExpiresIn = types.Int64Value(tokens.ExpiresIn)
	model.ExpiresAt = types.StringValue(tokens.ExpiresAt.Format(time.RFC3339))
	return diags
}

func signInRequest(model *signInModel) cognito.SignInRequest {
	return cognito.SignInRequest{
		Region:             model.Region.ValueString(),
		UserPoolID:         model.UserPoolID.ValueString(),
		ClientID:           model.ClientID.ValueString(),
		ClientSecret:       model.ClientSecret.ValueString(),
		Username:           model.Username.ValueString(),
		Password:           model.Password.ValueString(),
		Flow:               cognito.SignInFlow(model.AuthFlow.ValueString()),
		PreferredChallenge: model.PreferredChallenge.ValueString(),
		TOTPSecret:         model.TOTPSecret.ValueString(),
	}
}

// onlyWithUserAuth refuses preferred_challenge with another auth flow,
// where Cognito would ignore it.
type onlyWithUserAuth struct{}

func (onlyWithUserAuth) Description(context.Context) string {
	return "may be set only with `auth_flow = \"USER_AUTH\"`"
}

func (v onlyWithUserAuth) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (onlyWithUserAuth) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() {
		return
	}
	var flow types.String
	if resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("auth_flow"), &flow)...); resp.Diagnostics.HasError() || flow.IsUnknown() {
		return
	}
	if flow.ValueString() != string(cognito.FlowUserAuth) {
		resp.Diagnostics.AddAttributeError(req.Path, "preferred_challenge without USER_AUTH",
			"preferred_challenge chooses the first factor of choice-based sign-in, `auth_flow = \"USER_AUTH\"`; the other flows have a fixed one. "+
				"Set `auth_flow = \"USER_AUTH\"` (the app client must allow ALLOW_USER_AUTH), or remove preferred_challenge.")
	}
}

// totpSeedValidator checks that totp_secret decodes as base32, without
// ever echoing it.
type totpSeedValidator struct{}

func (totpSeedValidator) Description(context.Context) string {
	return "must be the base32 seed of the user's software token: letters A-Z and digits 2-7, as `AssociateSoftwareToken` returns it (spaces and `=` padding are ignored)"
}

func (v totpSeedValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v totpSeedValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := totp.ParseSeed(req.ConfigValue.ValueString()); err != nil {
		addInvalidValue(resp, "Invalid "+req.Path.String(), req.Path, v.Description(ctx))
	}
}
