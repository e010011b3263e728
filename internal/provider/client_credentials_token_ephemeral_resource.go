package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/ephemeralvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure        = (*clientCredentialsTokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigValidators = (*clientCredentialsTokenEphemeralResource)(nil)
)

// NewClientCredentialsTokenEphemeralResource is the ephemeral resource
// cognito_client_credentials_token: a machine's access token that never
// reaches plan or state.
func NewClientCredentialsTokenEphemeralResource() ephemeral.EphemeralResource {
	return &clientCredentialsTokenEphemeralResource{}
}

type clientCredentialsTokenEphemeralResource struct {
	data *providerData
}

func (r *clientCredentialsTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client_credentials_token"
}

func (r *clientCredentialsTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attributes := map[string]schema.Attribute{}
	for name, spec := range clientCredentialsTokenAttributes() {
		attributes[name] = ephemeralAttribute(spec)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Gets an access token for an app client itself (machine-to-machine) from the user pool's OAuth 2.0 token endpoint with the client-credentials grant. " +
			"The token exists only while Terraform runs: it is never written to the plan or the state. Cognito bills each client-credentials token request. Requires Terraform 1.10 or OpenTofu 1.11 or later.",
		Attributes: attributes,
	}
}

func (r *clientCredentialsTokenEphemeralResource) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	return []ephemeral.ConfigValidator{ephemeralvalidator.ExactlyOneOf(exactlyOneEndpoint...)}
}

func (r *clientCredentialsTokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *clientCredentialsTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if r.data.mustDefer(req.ClientCapabilities.DeferralAllowed) {
		resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonProviderConfigUnknown}
		return
	}
	resp.Diagnostics.Append(requestClientCredentialsToken(ctx, r.data, req.Config.Get, resp.Result.Set)...)
}
