package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

var (
	_ datasource.DataSourceWithConfigure        = (*clientCredentialsTokenDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*clientCredentialsTokenDataSource)(nil)
)

// NewClientCredentialsTokenDataSource is the data source
// cognito_client_credentials_token, for CLIs without ephemeral resources.
// Its token is stored in state.
func NewClientCredentialsTokenDataSource() datasource.DataSource {
	return &clientCredentialsTokenDataSource{}
}

type clientCredentialsTokenDataSource struct {
	data *providerData
}

func (d *clientCredentialsTokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client_credentials_token"
}

func (d *clientCredentialsTokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := map[string]schema.Attribute{}
	for name, spec := range clientCredentialsTokenAttributes() {
		attributes[name] = dataSourceAttribute(spec)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Gets an access token for an app client itself (machine-to-machine) from the user pool's OAuth 2.0 token endpoint with the client-credentials grant, for Terraform before 1.10 and OpenTofu before 1.11. " +
			"**The access token, and the `client_id` and `client_secret` given, are stored in the state** (marked sensitive): prefer the `cognito_client_credentials_token` ephemeral resource where the CLI supports it. Cognito bills each client-credentials token request.",
		Attributes: attributes,
	}
}

func (d *clientCredentialsTokenDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(exactlyOneEndpoint...)}
}

func (d *clientCredentialsTokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *clientCredentialsTokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data.mustDefer(req.ClientCapabilities.DeferralAllowed) {
		resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReasonProviderConfigUnknown}
		return
	}
	resp.Diagnostics.Append(requestClientCredentialsToken(ctx, d.data, req.Config.Get, resp.State.Set)...)
}
