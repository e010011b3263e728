package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*refreshedTokensEphemeralResource)(nil)

// NewRefreshedTokensEphemeralResource is the ephemeral resource
// cognito_refreshed_tokens: fresh tokens that never reach plan or state.
func NewRefreshedTokensEphemeralResource() ephemeral.EphemeralResource {
	return &refreshedTokensEphemeralResource{}
}

type refreshedTokensEphemeralResource struct {
	data *providerData
}

func (r *refreshedTokensEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_refreshed_tokens"
}

func (r *refreshedTokensEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attributes := map[string]schema.Attribute{}
	for name, spec := range refreshedTokensAttributes() {
		attributes[name] = ephemeralAttribute(spec)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Exchanges a Cognito refresh token for fresh access and ID tokens with `GetTokensFromRefreshToken`. " +
			"The tokens exist only while Terraform runs: they are never written to the plan or the state. Requires Terraform 1.10 or OpenTofu 1.11 or later.",
		Attributes: attributes,
	}
}

func ephemeralAttribute(spec attributeSpec) schema.Attribute {
	switch spec.kind {
	case inputStore:
		return ephemeralStoreAttribute()
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

func (r *refreshedTokensEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *refreshedTokensEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if r.data.mustDefer(req.ClientCapabilities.DeferralAllowed) {
		resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonProviderConfigUnknown}
		return
	}
	resp.Diagnostics.Append(refreshConfigured(ctx, r.data, req.Config.Get, resp.Result.Set)...)
}
