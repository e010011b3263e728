// Package provider implements the cognito Terraform provider.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
)

var (
	_ provider.Provider                       = (*cognitoProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*cognitoProvider)(nil)
	_ provider.ProviderWithFunctions          = (*cognitoProvider)(nil)
)

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &cognitoProvider{version: version}
	}
}

type cognitoProvider struct {
	version string
}

type cognitoProviderModel struct {
	Region     types.String `tfsdk:"region"`
	Endpoint   types.String `tfsdk:"endpoint"`
	MaxRetries types.Int64  `tfsdk:"max_retries"`
	Timeout    types.String `tfsdk:"timeout"`
}

func (p *cognitoProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cognito"
	resp.Version = p.version
}

func (p *cognitoProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Refreshes Amazon Cognito user pool tokens with `GetTokensFromRefreshToken`. " +
			"The API is unauthenticated: the provider needs a region, never AWS credentials.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				MarkdownDescription: "AWS region of the user pool, e.g. `eu-west-1`. Defaults to the SDK's standard chain: " +
					"the `AWS_REGION` or `AWS_DEFAULT_REGION` environment variable, then the region of the shared config profile. " +
					"Each `cognito_refreshed_tokens` can override it.",
				Optional:   true,
				Validators: []validator.String{regionValidator},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Absolute `http(s)` URL that replaces the Cognito endpoint, for VPC endpoints, FIPS endpoints, proxies or local emulators. " +
					"Defaults to the `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` or `AWS_ENDPOINT_URL` environment variable, then to AWS's regional endpoint.",
				Optional:   true,
				Validators: []validator.String{endpointValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a throttled, failed (HTTP 5xx) or unreachable request is retried, with exponential backoff and jitter. " +
					"Defaults to the `AWS_MAX_ATTEMPTS` environment variable minus one, else `2` (the AWS SDK's standard: 3 attempts in all).",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: "Bound on one token refresh, retries and backoff included, as a Go duration such as `30s` or `2m`. Defaults to `30s`; between `1s` and `15m`.",
				Optional:            true,
				Validators:          []validator.String{durationValidator{min: time.Second, max: 15 * time.Minute}},
			},
		},
	}
}

// providerData is handed to every data source and ephemeral resource
// instance: one SDK client per configured provider.
type providerData struct {
	client *cognito.Client
	// unknownConfig is set when a provider argument is not known yet (plan
	// time, computed from another resource): refreshing must wait for apply.
	unknownConfig bool
}

func (p *cognitoProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config cognitoProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{}
	defer func() {
		resp.DataSourceData = data
		resp.EphemeralResourceData = data
	}()
	if config.Region.IsUnknown() || config.Endpoint.IsUnknown() || config.MaxRetries.IsUnknown() || config.Timeout.IsUnknown() {
		tflog.Debug(ctx, "Provider configuration not known yet; refreshes wait for apply")
		data.unknownConfig = true
		return
	}

	clientConfig := cognito.Config{
		Region:   config.Region.ValueString(),
		Endpoint: config.Endpoint.ValueString(),
	}
	if !config.MaxRetries.IsNull() {
		retries := int(config.MaxRetries.ValueInt64())
		clientConfig.MaxRetries = &retries
	}
	if !config.Timeout.IsNull() {
		// Already checked by durationValidator.
		clientConfig.Timeout, _ = time.ParseDuration(config.Timeout.ValueString())
	}

	client, err := cognito.New(ctx, clientConfig)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Cannot load AWS configuration",
			"Reading the shared AWS configuration (for the region) failed: "+err.Error()+
				". Fix the AWS_PROFILE / AWS_CONFIG_FILE settings, or set `region` in the provider block.")
		return
	}
	tflog.Debug(ctx, "Configured Cognito client", map[string]any{
		"region":            config.Region.ValueString(),
		"endpoint_override": config.Endpoint.ValueString(),
		"timeout":           client.Timeout().String(),
	})
	data.client = client
}

func (p *cognitoProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

func (p *cognitoProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewRefreshedTokensDataSource}
}

func (p *cognitoProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewRefreshedTokensEphemeralResource}
}

func (p *cognitoProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewTokenClaimsFunction}
}

// regionValidator accepts the shape of every AWS partition's region names.
var regionValidator = patternValidator{regionPattern, "an AWS region name such as `us-east-1` or `eu-central-1`"}
