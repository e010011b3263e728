package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/clientcredentials"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

// cognito_client_credentials_token gets an app client's own access token
// with the OAuth 2.0 client-credentials grant: its schema, model and fetch.
// The ephemeral resource and the data source come from the backbone
// (token_type.go).

// NewClientCredentialsTokenEphemeralResource is the ephemeral resource
// cognito_client_credentials_token: a machine's access token that never
// reaches plan or state.
func NewClientCredentialsTokenEphemeralResource() ephemeral.EphemeralResource {
	return newTokenEphemeralResource[clientCredentialsTokenModel, clientCredentialsTokenType]()
}

// NewClientCredentialsTokenDataSource is the data source
// cognito_client_credentials_token, for CLIs without ephemeral resources.
// Its token is stored in state.
func NewClientCredentialsTokenDataSource() datasource.DataSource {
	return newTokenDataSource[clientCredentialsTokenModel, clientCredentialsTokenType]()
}

// clientCredentialsTokenType declares cognito_client_credentials_token.
type clientCredentialsTokenType struct{}

func (clientCredentialsTokenType) name() string { return "client_credentials_token" }

func (clientCredentialsTokenType) schema() tokenSchema {
	return tokenSchema{
		ephemeralDescription: "Gets an access token for an app client itself (machine-to-machine) with the client-credentials grant, from the user pool's token endpoint or Cognito's `GetClientToken`. " +
			"The token is never written to the plan or the state. " + m2mBilling + " Requires Terraform 1.10 or OpenTofu 1.11 or later.",
		dataSourceDescription: "Gets an access token for an app client itself (machine-to-machine) with the client-credentials grant, for Terraform before 1.10 and OpenTofu before 1.11. " +
			"**The token, `client_id` and `client_secret` are stored in the state** (marked sensitive, so hidden in output only): prefer the ephemeral resource where the CLI supports it. " + m2mBilling,
		providerArgument: "timeout",
		attributes:       clientCredentialsTokenAttributes(),
	}
}

func (clientCredentialsTokenType) fetch(ctx context.Context, data *providerData, model *clientCredentialsTokenModel) diag.Diagnostics {
	return clientCredentialsToken(ctx, data, model)
}

// clientCredentialsTokenModel is the configuration and result of both forms.
type clientCredentialsTokenModel struct {
	Domain         types.String `tfsdk:"domain"`
	TokenURL       types.String `tfsdk:"token_url"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	Scopes         types.Set    `tfsdk:"scopes"`
	ClientMetadata types.Map    `tfsdk:"client_metadata"`

	AccessToken   types.String `tfsdk:"access_token"`
	TokenType     types.String `tfsdk:"token_type"`
	ExpiresIn     types.Int64  `tfsdk:"expires_in"`
	ExpiresAt     types.String `tfsdk:"expires_at"`
	GrantedScopes types.Set    `tfsdk:"granted_scopes"`
}

func clientCredentialsTokenAttributes() map[string]attributeSpec {
	return map[string]attributeSpec{
		"domain": {kind: inputString,
			description: "Host name of the user pool's prefix domain (`<prefix>.auth.<region>.amazoncognito.com`) or custom domain; the token comes from `https://<domain>/oauth2/token`. " +
				"With neither `domain` nor `token_url`, the provider calls `GetClientToken` in the provider's `region`.",
			validators: []validator.String{
				patternValidator{domainPattern, "a host name such as `my-prefix.auth.eu-west-1.amazoncognito.com` or `auth.example.com`, without `https://` or a path"},
				oneEndpointValidator{},
			}},
		"token_url": {kind: inputString,
			description: "Full URL of the token endpoint, for proxies and local endpoints: `https://`, or `http://` on a loopback address only. " +
				"At most one of `domain` and `token_url`.",
			validators: []validator.String{tokenURLValidator{}}},
		"client_id": {kind: inputString, required: true, sensitive: true,
			description: "ID of an app client with a secret and the `client_credentials` grant (or, for `GetClientToken`, `ALLOW_CLIENT_TOKEN_AUTH` as its only auth flow). See [setting up the app client](../guides/user-or-machine.md#setting-up-the-machine-app-client).",
			validators:  clientIDValidators()},
		"client_secret": {kind: inputString, required: true, sensitive: true,
			description: "Secret of the app client.",
			validators:  clientSecretValidators(1)},
		"scopes": {kind: inputSet,
			description: "Custom scopes to request, each `<resource-server-identifier>/<scope-name>` such as `platform/deploy`; " +
				"when omitted, Cognito grants every custom scope the app client is allowed.",
			setValidators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(patternValidator{scopePattern, "a custom scope `<resource-server-identifier>/<scope-name>` such as `platform/deploy`"}),
			}},
		"client_metadata": clientMetadataAttribute("Key-value pairs for the pre token generation Lambda trigger (event version 3 or later), unencrypted: no secrets here."),

		"access_token": {kind: outputString, sensitive: true,
			description: "The access token (an RS256-signed JWT), e.g. for an `Authorization: Bearer` header; its `sub` is the app client's ID."},
		"token_type": bearerTokenType,
		"expires_in": {kind: outputNumber,
			description: "Lifetime of the access token in seconds, as Cognito returned it."},
		"expires_at": {kind: outputString,
			description: "When the access token expires, as an RFC 3339 UTC timestamp."},
		"granted_scopes": {kind: outputSet,
			description: "Scopes the access token carries, read from its `scope` claim; `scopes` keeps what was requested."},
	}
}

// m2mBilling is AWS's M2M pricing, as its pricing page and its M2M
// announcement (May 2024) state it.
const m2mBilling = "Amazon Cognito bills machine-to-machine authorization per app client per month and per successful token request, whichever way the token is requested."

// oneEndpointValidator, on `domain`, refuses `token_url` beside it: at most
// one endpoint, and with neither the token comes from GetClientToken.
type oneEndpointValidator struct{}

func (oneEndpointValidator) Description(context.Context) string {
	return "conflicts with `token_url`: set at most one of them"
}

func (v oneEndpointValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (oneEndpointValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	// Unknown is not configured: the CLIs validate with input variables
	// unknown before the plan, when var.domain = null is not yet known.
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.Config.Schema == nil {
		return
	}
	var tokenURL types.String
	if diags := req.Config.GetAttribute(ctx, path.Root("token_url"), &tokenURL); diags.HasError() || tokenURL.IsNull() || tokenURL.IsUnknown() {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Combination",
		"`domain` and `token_url` cannot be configured together. Set `domain` for the user pool's token endpoint or `token_url` for a proxy or local endpoint, not both; remove both to use GetClientToken.")
}

// tokenURLValidator accepts absolute https URLs, and http ones only for a
// loopback host, without credentials, query or fragment. It never echoes the
// value: a mistyped URL may hold a secret.
type tokenURLValidator struct{}

func (tokenURLValidator) Description(context.Context) string {
	return "must be an absolute `https://` URL such as `https://auth.example.com/oauth2/token` (`http://` only for 127.0.0.1, ::1 or localhost), without user name, password, query or fragment"
}

func (v tokenURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v tokenURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	problem := tokenURLProblem(req.ConfigValue.ValueString())
	switch {
	case problem == plaintextProblem:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid token_url",
			fmt.Sprintf("The value of token_url %s: it %s. %s", v.Description(ctx), problem, plaintextRisk))
	case problem != "":
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid token_url",
			fmt.Sprintf("The value of token_url %s: %s.", v.Description(ctx), problem))
	}
}

func tokenURLProblem(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || !u.IsAbs() || u.Opaque != "":
		return "it is not an absolute URL"
	case u.User != nil:
		return "it contains a user name or password"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return "it has a query or fragment"
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && awsenv.Plaintext(raw):
		return plaintextProblem
	case u.Scheme == "http":
		return ""
	default:
		return "its scheme is neither `https` nor `http`"
	}
}

// clientCredentialsToken asks the token endpoint for model's inputs and
// fills its outputs.
func clientCredentialsToken(ctx context.Context, data *providerData, model *clientCredentialsTokenModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if model.Domain.IsNull() && model.TokenURL.IsNull() {
		return clientTokenFromAPI(ctx, data, model)
	}
	endpointAttribute := "token_url"
	req := clientcredentials.Request{
		TokenURL:     model.TokenURL.ValueString(),
		ClientID:     model.ClientID.ValueString(),
		ClientSecret: model.ClientSecret.ValueString(),
	}
	if !model.Domain.IsNull() {
		endpointAttribute = "domain"
		req.TokenURL = "https://" + model.Domain.ValueString() + "/oauth2/token"
	}
	diags.Append(model.Scopes.ElementsAs(ctx, &req.Scopes, false)...)
	diags.Append(model.ClientMetadata.ElementsAs(ctx, &req.ClientMetadata, false)...)
	if diags.HasError() {
		return diags
	}

	ctx = maskSecrets(ctx, req.Secrets())
	logDebug(ctx, "Requesting a Cognito client-credentials token", map[string]any{
		"token_url":           redact.URL(req.TokenURL),
		"scopes":              strings.Join(req.Scopes, " "),
		"client_metadata_len": len(req.ClientMetadata),
	})
	token, err := data.tokenSource.Token(ctx, req)
	if err != nil {
		wording := clientCredentialsWording(endpointAttribute)
		logDebug(ctx, "Cognito client-credentials token request failed", failureFields(err, wording))
		addFailure(&diags, err, wording)
		return diags
	}

	ctx = maskSecrets(ctx, token.Secrets())
	logDebug(ctx, "Got a Cognito client-credentials token", map[string]any{
		"expires_at":     token.ExpiresAt.Format(time.RFC3339),
		"granted_scopes": strings.Join(token.GrantedScopes, " "),
		"attempts":       token.Attempts,
		"token_length":   len(token.AccessToken),
	})
	diags.Append(model.setToken(ctx, token.AccessToken, token.TokenType, token.ExpiresIn, token.ExpiresAt, token.GrantedScopes)...)
	return diags
}

// clientTokenFromAPI gets the token from Cognito's GetClientToken API
// operation, through the provider's Cognito client (region, endpoint,
// retry policy).
func clientTokenFromAPI(ctx context.Context, data *providerData, model *clientCredentialsTokenModel) diag.Diagnostics {
	var diags diag.Diagnostics
	req := cognito.ClientTokenRequest{ClientID: model.ClientID.ValueString(), ClientSecret: model.ClientSecret.ValueString()}
	diags.Append(model.Scopes.ElementsAs(ctx, &req.Scopes, false)...)
	diags.Append(model.ClientMetadata.ElementsAs(ctx, &req.ClientMetadata, false)...)
	if diags.HasError() {
		return diags
	}

	ctx = maskSecrets(ctx, req.Secrets())
	logDebug(ctx, "Requesting a Cognito machine token with GetClientToken", map[string]any{
		"scopes":              strings.Join(req.Scopes, " "),
		"client_metadata_len": len(req.ClientMetadata),
	})
	token, err := data.client.ClientToken(ctx, req)
	if err != nil {
		logDebug(ctx, "GetClientToken failed", failureFields(err, clientTokenWording))
		addFailure(&diags, err, clientTokenWording)
		return diags
	}

	ctx = maskSecrets(ctx, token.Secrets())
	logDebug(ctx, "Got a Cognito machine token from GetClientToken", map[string]any{
		"expires_at":     token.ExpiresAt.Format(time.RFC3339),
		"granted_scopes": strings.Join(token.GrantedScopes, " "),
		"attempts":       token.Attempts,
		"token_length":   len(token.AccessToken),
		"request_id":     token.RequestID,
	})
	diags.Append(model.setToken(ctx, token.AccessToken, token.TokenType, token.ExpiresIn, token.ExpiresAt, token.GrantedScopes)...)
	return diags
}

// setToken fills the outputs, the same from either source.
func (model *clientCredentialsTokenModel) setToken(ctx context.Context, accessToken, tokenType string, expiresIn int64, expiresAt time.Time, grantedScopes []string) diag.Diagnostics {
	granted, diags := types.SetValueFrom(ctx, types.StringType, grantedScopes)
	if diags.HasError() {
		return diags
	}
	model.AccessToken = types.StringValue(accessToken)
	model.TokenType = types.StringValue(tokenType)
	model.ExpiresIn = types.Int64Value(expiresIn)
	model.ExpiresAt = types.StringValue(expiresAt.Format(time.RFC3339))
	model.GrantedScopes = granted
	return diags
}
