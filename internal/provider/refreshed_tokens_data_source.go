package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*refreshedTokensDataSource)(nil)

// NewRefreshedTokensDataSource is the data source cognito_refreshed_tokens,
// for CLIs without ephemeral resources. Its tokens are stored in state.
func NewRefreshedTokensDataSource() datasource.DataSource {
	return &refreshedTokensDataSource{}
}

type refreshedTokensDataSource struct {
	data *providerData
}

func (d *refreshedTokensDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_refreshed_tokens"
}

func (d *refreshedTokensDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := map[string]schema.Attribute{}
	for name, spec := range refreshedTokensAttributes() {
		attributes[name] = dataSourceAttribute(spec)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Exchanges a Cognito refresh token for fresh access and ID tokens with `GetTokensFromRefreshToken`, for Terraform before 1.10 and OpenTofu before 1.11. " +
			"**The issued tokens, and the `refresh_token` and `client_secret` given, are stored in the state** (marked sensitive): prefer the `cognito_refreshed_tokens` ephemeral resource where the CLI supports it.",
		Attributes: attributes,
	}
}

func dataSourceAttribute(spec attributeSpec) schema.Attribute {
	switch spec.kind {
	case inputMap:
		return schema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: spec.description,
			Validators: []validator.Map{mapvalidator.SizeAtMost(maxClientMetadataEntries), clientMetadataValidator{}}}
	case outputString:
		return schema.StringAttribute{Computed: true, Sensitive: spec.sensitive, MarkdownDescription: spec.description}
	case outputNumber:
		return schema.Int64Attribute{Computed: true, MarkdownDescription: spec.description}
	default:
		return schema.StringAttribute{Required: spec.required, Optional: !spec.required, Sensitive: spec.sensitive,
			MarkdownDescription: spec.description, Validators: spec.validators}
	}
}

func (d *refreshedTokensDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", "Please report this issue to the provider developers.")
		return
	}
	d.data = data
}

func (d *refreshedTokensDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model refreshedTokensModel
	config, diags := readModel(ctx, req.Config.Get, &model)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data != nil && d.data.unknownConfig && req.ClientCapabilities.DeferralAllowed {
		resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReasonProviderConfigUnknown}
		return
	}

	resp.Diagnostics.Append(refreshTokens(ctx, d.data, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(writeModel(ctx, resp.State.Set, config, &model)...)
}
