// Package provider implements the cognito Terraform provider.
package provider

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/clientcredentials"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
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
	RetryMode  types.String `tfsdk:"retry_mode"`
	Timeout    types.String `tfsdk:"timeout"`
}

// Bounds of the retry arguments: 100 retries back off for at most 31m11s,
// within the longest timeout.
const (
	maxMaxRetries = 100
	minTimeout    = time.Second
	maxTimeout    = time.Hour
)

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
					"Defaults to the `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` or `AWS_ENDPOINT_URL` environment variable, then to AWS's regional endpoint. " +
					"Credentials in the URL (`user:password@`) are rejected; set an authenticating proxy with `HTTPS_PROXY` instead. " +
					"An `http://` endpoint (here or from the environment) whose host is not `localhost` or a loopback address (`127.0.0.0/8`, `::1`) gets a warning: the refresh token and client secret would travel unencrypted.",
				Optional:   true,
				Validators: []validator.String{endpointValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a throttled (`TooManyRequestsException`), failed (HTTP 5xx) or unreachable request is retried after the first attempt, "+
					"with the AWS SDK's exponential backoff and jitter: before retry *n* a random wait of up to 2^(*n*-1) seconds, capped at %s. "+
					"Errors a retry cannot fix (an invalid token, an unknown app client, a rejected parameter, a malformed answer) fail at once. "+
					"Defaults to the `AWS_MAX_ATTEMPTS` environment variable minus one, then the shared config profile's `max_attempts` minus one, else `%d` (as `terraform-provider-aws`); a value set here always wins. "+
					"Between 0 and %d. With `%d` retries the backoff adds up to at most %s, which the default `timeout` covers.",
					retrypolicy.MaxBackoff, retrypolicy.DefaultMaxRetries, maxMaxRetries, retrypolicy.DefaultMaxRetries, retrypolicy.WorstCaseBackoff(retrypolicy.DefaultMaxRetries)),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"retry_mode": schema.StringAttribute{
				MarkdownDescription: "The AWS SDK's retry mode: `standard`, or `adaptive`, which also slows down further requests of this provider configuration while Cognito throttles. " +
					"Defaults to the `AWS_RETRY_MODE` environment variable, then the shared config profile's `retry_mode`, else `standard`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(string(aws.RetryModeStandard), string(aws.RetryModeAdaptive))},
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Bound on one token request, every retry and backoff included, as a Go duration such as `30s` or `2m`. "+
					"Defaults to `%s`, which covers the default retries' worst-case backoff (%s) and the requests themselves; between `%s` and `%s`. "+
					"When it runs out the refresh fails with what Cognito last answered, for example that it throttled the request.",
					durationString(retrypolicy.DefaultTimeout), retrypolicy.WorstCaseBackoff(retrypolicy.DefaultMaxRetries), durationString(minTimeout), durationString(maxTimeout)),
				Optional:   true,
				Validators: []validator.String{durationValidator{min: minTimeout, max: maxTimeout}},
			},
		},
	}
}

// providerData is handed to every data source and ephemeral resource
// instance: one SDK client per configured provider.
type providerData struct {
	client *cognito.Client
	// tokenSource issues client-credentials tokens under client's policy.
	tokenSource clientcredentials.TokenSource
	// unknownConfig is set when a provider argument is not known yet (plan
	// time, computed from another resource): refreshing must wait for apply.
	unknownConfig bool
	// region is the provider's `region` ("" = the SDK's chain), for
	// refresh-token stores; stores holds them, built on first use.
	region string
	stores storeCache
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
	if config.Region.IsUnknown() || config.Endpoint.IsUnknown() || config.MaxRetries.IsUnknown() || config.RetryMode.IsUnknown() || config.Timeout.IsUnknown() {
		tflog.Debug(ctx, "Provider configuration not known yet; refreshes wait for apply")
		data.unknownConfig = true
		return
	}

	clientConfig := cognito.Config{
		Region:    config.Region.ValueString(),
		Endpoint:  config.Endpoint.ValueString(),
		RetryMode: aws.RetryMode(config.RetryMode.ValueString()),
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
	warnOnPlaintext(&resp.Diagnostics, clientConfig.Endpoint, client.EnvironmentEndpoint())
	policy := client.Policy()
	tflog.Debug(ctx, "Configured Cognito client", map[string]any{
		"region":               config.Region.ValueString(),
		"endpoint_override":    redactedOrEmpty(clientConfig.Endpoint),
		"environment_endpoint": client.EnvironmentEndpoint(),
		"max_attempts":         policy.MaxAttempts,
		"retry_mode":           string(policy.Mode),
		"timeout":              policy.Timeout.String(),
	})
	data.client = client
	data.region = clientConfig.Region
	data.tokenSource = clientcredentials.New(tokenEndpointHTTPClient(client.HTTPClient()), policy)
}

// tokenEndpointHTTPClient shares the Cognito client's transport, and so its
// connections, but never follows redirects: the token endpoint does not
// redirect, and following one could send the request, and with it the
// client secret, to another URL.
func tokenEndpointHTTPClient(shared *http.Client) *http.Client {
	noRedirects := *shared
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &noRedirects
}

// warnOnPlaintext warns when requests, which carry the refresh token and
// client secret, would leave this machine unencrypted.
func warnOnPlaintext(diags *diag.Diagnostics, configured, fromEnvironment string) {
	const summary = "Cognito endpoint without TLS"
	const risk = "The refresh token, the client secret and the tokens Cognito issues would travel unencrypted, readable by anyone on the network path. " +
		"Use an `https://` endpoint, or `http://` only to `localhost` or a loopback address (`127.0.0.0/8`, `::1`)."
	switch {
	case configured != "":
		if cognito.Plaintext(configured) {
			diags.AddAttributeWarning(path.Root("endpoint"), summary, "`endpoint` uses plain `http://` to a host that is not this machine. "+risk)
		}
	case fromEnvironment != "" && cognito.Plaintext(fromEnvironment):
		diags.AddWarning(summary, fmt.Sprintf("The endpoint from AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, AWS_ENDPOINT_URL or the profile's endpoint_url, %s, uses plain `http://` to a host that is not this machine. %s", fromEnvironment, risk))
	}
}

func redactedOrEmpty(endpoint string) string {
	if endpoint == "" {
		return ""
	}
	return cognito.RedactURL(endpoint)
}

// durationString drops the zero units time.Duration.String prints ("10m0s").
func durationString(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

func (p *cognitoProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

func (p *cognitoProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewRefreshedTokensDataSource, NewClientCredentialsTokenDataSource}
}

func (p *cognitoProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewRefreshedTokensEphemeralResource, NewClientCredentialsTokenEphemeralResource}
}

func (p *cognitoProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewTokenClaimsFunction}
}

// regionValidator accepts the shape of every AWS partition's region names.
var regionValidator = patternValidator{regionPattern, "an AWS region name such as `us-east-1` or `eu-central-1`"}
