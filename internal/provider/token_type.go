package provider

import (
	"context"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/ephemeralvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

// The backbone of every token type. A token type is an ephemeral resource
// and a data source of one name, one schema and one model M (a struct with
// a tfsdk tag per attribute). Its own file declares only what differs: a
// tokenTypeSpec with its name, schema and fetch (and, optionally, a close
// hook: tokenCloser).

// tokenTypeSpec is what a token type declares. Implementations are empty
// structs, so the resource and data source work from their zero value.
type tokenTypeSpec[M any] interface {
	// name follows the provider's type name: "refreshed_tokens" makes
	// cognito_refreshed_tokens.
	name() string
	schema() tokenSchema
	// fetch asks Cognito for the inputs in model and fills its outputs. The
	// backbone calls it only with a configured provider (configured).
	fetch(ctx context.Context, data *providerData, model *M) diag.Diagnostics
}

// tokenCloser is what a tokenTypeSpec implements when its ephemeral
// resource leaves something to undo when Terraform closes it (sign-in's
// revoke_on_close). Types without it get a Close that does nothing.
type tokenCloser[M any] interface {
	// closeHandle is what close will need, taken from model after a
	// successful fetch, as JSON; nil when there is nothing to close. The
	// CLI keeps it in the resource's private data between Open and Close,
	// never in plan or state.
	closeHandle(ctx context.Context, model *M) ([]byte, diag.Diagnostics)
	// close undoes what Open left behind, given the handle it kept.
	close(ctx context.Context, data *providerData, handle []byte) diag.Diagnostics
}

// closeHandleKey is the private-data key of a tokenCloser's handle.
const closeHandleKey = "close_handle"

// Every token type's ephemeral resource and data source implement these
// interfaces alike: the type files assert nothing of their own.
type (
	tokenEphemeral interface {
		ephemeral.EphemeralResourceWithConfigure
		ephemeral.EphemeralResourceWithConfigValidators
		ephemeral.EphemeralResourceWithClose
	}
	tokenData interface {
		datasource.DataSourceWithConfigure
		datasource.DataSourceWithConfigValidators
	}
)

// newTokenEphemeralResource is a token type's ephemeral resource.
func newTokenEphemeralResource[M any, T tokenTypeSpec[M]]() tokenEphemeral {
	return &tokenEphemeralResource[M, T]{}
}

// newTokenDataSource is a token type's data source.
func newTokenDataSource[M any, T tokenTypeSpec[M]]() tokenData {
	return &tokenDataSource[M, T]{}
}

// tokenSchema declares a token type's schema once for both of its forms.
type tokenSchema struct {
	ephemeralDescription  string
	dataSourceDescription string
	attributes            map[string]attributeSpec
	// exactlyOneOf names attributes of which exactly one must be set, if any.
	exactlyOneOf []path.Expression
	// providerArgument names a provider argument the type depends on, for
	// the error of a provider whose configuration is not known yet.
	providerArgument string
}

// tokenEphemeralResource is a token type's ephemeral resource: its tokens
// never reach plan or state.
type tokenEphemeralResource[M any, T tokenTypeSpec[M]] struct {
	data *providerData
	spec T
}

func (r *tokenEphemeralResource[M, T]) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.spec.name()
}

func (r *tokenEphemeralResource[M, T]) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	s := r.spec.schema()
	resp.Schema = ephschema.Schema{MarkdownDescription: s.ephemeralDescription, Attributes: ephemeralAttributes(s.attributes)}
}

func (r *tokenEphemeralResource[M, T]) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	if one := r.spec.schema().exactlyOneOf; one != nil {
		return []ephemeral.ConfigValidator{ephemeralvalidator.ExactlyOneOf(one...)}
	}
	return nil
}

func (r *tokenEphemeralResource[M, T]) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *tokenEphemeralResource[M, T]) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if r.data.mustDefer(req.ClientCapabilities.DeferralAllowed) {
		resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonProviderConfigUnknown}
		return
	}
	var model M
	if resp.Diagnostics.Append(getKnownConfig(ctx, req.Config, &model)...); resp.Diagnostics.HasError() {
		return
	}
	if resp.Diagnostics.Append(fetchConfigured(ctx, r.spec, r.data, &model)...); resp.Diagnostics.HasError() {
		return
	}
	if resp.Diagnostics.Append(resp.Result.Set(ctx, &model)...); resp.Diagnostics.HasError() {
		return
	}
	if closer, ok := any(r.spec).(tokenCloser[M]); ok {
		handle, diags := closer.closeHandle(ctx, &model)
		if resp.Diagnostics.Append(diags...); handle != nil && !diags.HasError() {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, closeHandleKey, handle)...)
		}
	}
}

// Close runs the type's close hook (tokenCloser) with the handle Open
// kept; for other types it does nothing.
func (r *tokenEphemeralResource[M, T]) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	closer, ok := any(r.spec).(tokenCloser[M])
	if !ok || req.Private == nil {
		return
	}
	handle, diags := req.Private.GetKey(ctx, closeHandleKey)
	if resp.Diagnostics.Append(diags...); handle == nil || diags.HasError() {
		return
	}
	resp.Diagnostics.Append(closer.close(ctx, r.data, handle)...)
}

// tokenDataSource is a token type's data source, for CLIs without
// ephemeral resources: its tokens are stored in state.
type tokenDataSource[M any, T tokenTypeSpec[M]] struct {
	data *providerData
	spec T
}

func (d *tokenDataSource[M, T]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.name()
}

func (d *tokenDataSource[M, T]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	s := d.spec.schema()
	resp.Schema = dsschema.Schema{MarkdownDescription: s.dataSourceDescription, Attributes: dataSourceAttributes(s.attributes)}
}

func (d *tokenDataSource[M, T]) ConfigValidators(context.Context) []datasource.ConfigValidator {
	if one := d.spec.schema().exactlyOneOf; one != nil {
		return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(one...)}
	}
	return nil
}

func (d *tokenDataSource[M, T]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *tokenDataSource[M, T]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data.mustDefer(req.ClientCapabilities.DeferralAllowed) {
		resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReasonProviderConfigUnknown}
		return
	}
	var model M
	if resp.Diagnostics.Append(getKnownConfig(ctx, req.Config, &model)...); resp.Diagnostics.HasError() {
		return
	}
	if resp.Diagnostics.Append(fetchConfigured(ctx, d.spec, d.data, &model)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// providerDataFrom is the Configure step every token type shares.
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

// fetchConfigured fetches with a configured provider, and refuses before
// any request when its configuration was not known at Configure.
func fetchConfigured[M any, T tokenTypeSpec[M]](ctx context.Context, spec T, data *providerData, model *M) diag.Diagnostics {
	if !data.configured() {
		var diags diag.Diagnostics
		addProviderNotConfigured(&diags, spec.schema().providerArgument)
		return diags
	}
	return spec.fetch(ctx, data, model)
}

// configured is true once Configure has built the AWS environment and the
// token sources from it.
func (d *providerData) configured() bool {
	return d != nil && d.env != nil
}

// mustDefer is true when the provider configuration is not known yet and the
// CLI accepts a deferred result instead of an error.
func (d *providerData) mustDefer(deferralAllowed bool) bool {
	return d != nil && d.unknownConfig && deferralAllowed
}

// getKnownConfig reads the configuration into model, and refuses one with
// a value not known yet: ValueString of an unknown is "", and a request
// must never be made of it.
func getKnownConfig(ctx context.Context, config tfsdk.Config, model any) diag.Diagnostics {
	diags := config.Get(ctx, model)
	if diags.HasError() {
		return diags
	}
	if name := unknownInput(config.Raw); name != "" {
		diags.AddAttributeError(path.Root(name), "Value not known yet",
			"The value of "+name+" is not known yet (it comes from a resource that is not created yet), so Cognito cannot be asked now. "+
				"Terraform and OpenTofu wait for such values before opening or reading. Use a value known at plan time, or apply the resource it comes from first.")
	}
	return diags
}

// unknownInput names the first attribute, in name order, whose value or a
// value inside it is not known, or returns "".
func unknownInput(config tftypes.Value) string {
	var attrs map[string]tftypes.Value
	if config.As(&attrs) != nil {
		return ""
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		if !attrs[name].IsFullyKnown() {
			return name
		}
	}
	return ""
}

// maskLogs is only ever false in the leak test's deliberately broken build.
var maskLogs = true

// maskSecrets hides secrets from this provider's log lines (logDebug), in
// messages and in field values, whatever the TF_LOG level: every form
// diagnostics scrub (redact.Masker: escaped, encoded, in any case). Wire
// text, the one place a secret can come back altered or cut short, is
// scrubbed before it is logged (causeText).
func maskSecrets(ctx context.Context, secrets []string) context.Context {
	if !maskLogs || len(secrets) == 0 {
		return ctx
	}
	masker, _ := ctx.Value(maskerKey{}).(redact.Masker)
	return context.WithValue(ctx, maskerKey{}, masker.With(secrets))
}

type maskerKey struct{}

// logDebug is the provider's one way to log: tflog.Debug with the secrets
// maskSecrets registered masked. It masks only lines it is given, where
// tflog's own masks need a regular expression over every form of every
// secret compiled on each Open and Read.
func logDebug(ctx context.Context, msg string, fields map[string]any) {
	if masker, ok := ctx.Value(maskerKey{}).(redact.Masker); ok {
		msg = masker.Mask(msg)
		for key, value := range fields {
			switch v := value.(type) {
			case string:
				fields[key] = masker.Mask(v)
			case error:
				fields[key] = masker.Mask(v.Error())
			}
		}
	}
	tflog.Debug(ctx, msg, fields) //nolint:forbidigo // The one call: every other line comes through here.
}

func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

type attributeKind int

const (
	inputString attributeKind = iota
	inputMap                  // a map of strings
	inputSet                  // a set of strings
	inputObject               // a single nested object of attributes
	outputString
	outputNumber
	outputSet // a set of strings
)

// attributeSpec declares one attribute once, for both schema packages
// (ephemeral and data source) that render it.
type attributeSpec struct {
	kind        attributeKind
	required    bool
	sensitive   bool
	description string
	// validators apply to inputString attributes, whose empty string is
	// refused first, with one error of its own (nonEmpty).
	validators []validator.String
	// mapValidators apply to inputMap attributes.
	mapValidators []validator.Map
	// setValidators apply to inputSet attributes.
	setValidators []validator.Set
	// objectValidators and attributes describe an inputObject.
	objectValidators []validator.Object
	attributes       map[string]attributeSpec
}

func ephemeralAttributes(specs map[string]attributeSpec) map[string]ephschema.Attribute {
	attributes := make(map[string]ephschema.Attribute, len(specs))
	for name, spec := range specs {
		attributes[name] = ephemeralAttribute(spec)
	}
	return attributes
}

func ephemeralAttribute(spec attributeSpec) ephschema.Attribute {
	switch spec.kind {
	case inputObject:
		return ephschema.SingleNestedAttribute{Optional: true, MarkdownDescription: spec.description,
			Validators: spec.objectValidators, Attributes: ephemeralAttributes(spec.attributes)}
	case inputMap:
		return ephschema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: spec.description,
			Validators: spec.mapValidators}
	case outputString:
		return ephschema.StringAttribute{Computed: true, Sensitive: spec.sensitive, MarkdownDescription: spec.description}
	case outputNumber:
		return ephschema.Int64Attribute{Computed: true, MarkdownDescription: spec.description}
	case inputSet:
		return ephschema.SetAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: spec.description,
			Validators: spec.setValidators}
	case outputSet:
		return ephschema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: spec.description}
	default:
		return ephschema.StringAttribute{Required: spec.required, Optional: !spec.required, Sensitive: spec.sensitive,
			MarkdownDescription: spec.description, Validators: nonEmpty(spec.validators...)}
	}
}

func dataSourceAttributes(specs map[string]attributeSpec) map[string]dsschema.Attribute {
	attributes := make(map[string]dsschema.Attribute, len(specs))
	for name, spec := range specs {
		attributes[name] = dataSourceAttribute(spec)
	}
	return attributes
}

func dataSourceAttribute(spec attributeSpec) dsschema.Attribute {
	switch spec.kind {
	case inputObject:
		return dsschema.SingleNestedAttribute{Optional: true, MarkdownDescription: spec.description,
			Validators: spec.objectValidators, Attributes: dataSourceAttributes(spec.attributes)}
	case inputMap:
		return dsschema.MapAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: spec.description,
			Validators: spec.mapValidators}
	case outputString:
		return dsschema.StringAttribute{Computed: true, Sensitive: spec.sensitive, MarkdownDescription: spec.description}
	case outputNumber:
		return dsschema.Int64Attribute{Computed: true, MarkdownDescription: spec.description}
	case inputSet:
		return dsschema.SetAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: spec.description,
			Validators: spec.setValidators}
	case outputSet:
		return dsschema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: spec.description}
	default:
		return dsschema.StringAttribute{Required: spec.required, Optional: !spec.required, Sensitive: spec.sensitive,
			MarkdownDescription: spec.description, Validators: nonEmpty(spec.validators...)}
	}
}

// addProviderNotConfigured is a fetch without a configured provider: its
// configuration was not known at Configure. example names a provider
// argument the token type depends on.
func addProviderNotConfigured(diags *diag.Diagnostics, example string) {
	diags.AddError("Provider not configured",
		"The cognito provider's configuration is not known yet (for example `"+example+"` comes from a resource that is not created yet). "+
			"Use values known at plan time in the provider block, or apply the resources it depends on first with `-target`.")
}
