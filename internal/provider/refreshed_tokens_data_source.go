package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
	case inputStore:
		return dataSourceStoreAttribute()
	case inputMap:
		return schema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: spec.description,
			Validators: spec.mapValidators}
	case outputString:
		return schema.StringAttribute{Computed: true, Sensitive: spec.sensitive, MarkdownDescription: spec.description}
	case outputNumber:
		return schema.Int64Attribute{Computed: true, MarkdownDescription: spec.description}
	case inputSet:
		return schema.SetAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: spec.description,
			Validators: spec.setValidators}
	case outputSet:
		return schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: spec.description}
	default:
		return schema.StringAttribute{Required: spec.required, Optional: !spec.required, Sensitive: spec.sensitive,
			MarkdownDescription: spec.description, Validators: spec.validators}
	}
}

func (d *refreshedTokensDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *refreshedTokensDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data.mustDefer(req.ClientCapabilities.DeferralAllowed) {
		resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReasonProviderConfigUnknown}
		return
	}
	resp.Diagnostics.Append(refreshConfigured(ctx, d.data, req.Config.Get, resp.State.Set)...)
}
