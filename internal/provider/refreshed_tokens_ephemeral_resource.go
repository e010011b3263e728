package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

func (r *refreshedTokensEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", "Please report this issue to the provider developers.")
		return
	}
	r.data = data
}

func (r *refreshedTokensEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var model refreshedTokensModel
	config, diags := readModel(ctx, req.Config.Get, &model)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data != nil && r.data.unknownConfig && req.ClientCapabilities.DeferralAllowed {
		resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonProviderConfigUnknown}
		return
	}

	resp.Diagnostics.Append(refreshTokens(ctx, r.data, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(writeModel(ctx, resp.Result.Set, config, &model)...)
}
