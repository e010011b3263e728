// Package provider implements the cognito Terraform provider.
package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
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
				Validators: nonEmpty(regionValidator),
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Absolute `http(s)` URL that replaces the Cognito endpoint, for VPC endpoints, FIPS endpoints, proxies or local emulators. " +
					"Defaults to the `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` or `AWS_ENDPOINT_URL` environment variable, then to AWS's regional endpoint. " +
					"Credentials in the URL (`user:password@`), a query and a fragment are rejected; set an authenticating proxy with `HTTPS_PROXY` instead. Error messages and logs show the URL's scheme, host and port only. " +
					"An `http://` endpoint (here or from the environment) whose host is not `localhost`, a name under `.localhost` or a loopback address (`127.0.0.0/8`, `::1`) is an error: the refresh token and client secret would travel unencrypted.",
				Optional:   true,
				Validators: nonEmpty(endpointValidator{}),
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a throttled (`TooManyRequestsException`), failed (HTTP 5xx) or unreachable request is retried after the first attempt, "+
					"with the AWS SDK's exponential backoff and jitter: before retry *n* a random wait of up to 2^(*n*-1) seconds, capped at %s. "+
					"Errors a retry cannot fix (an invalid token, an unknown app client, a rejected parameter, a malformed answer) fail at once. "+
					"Defaults to the `AWS_MAX_ATTEMPTS` environment variable minus one, then the shared config profile's `max_attempts` minus one, else `%d` (as `terraform-provider-aws`); a value set here always wins. "+
					"Between 0 and %d. With `%d` retries the backoff adds up to at most %s, which the default `timeout` covers. "+
					"A request that never reached a server (a refused connection, a name that does not resolve, no route to the host, or a TLS certificate that is not accepted) is tried at most %d times whatever this says, "+
					"so a typo in `endpoint`, `domain` or `token_url`, or a machine without network, fails within seconds (as `terraform-provider-aws` stops such retries early); "+
					"a lost answer (a connection reset or closed after connecting, an attempt that timed out), HTTP 5xx and throttling get every retry.",
					retrypolicy.MaxBackoff, retrypolicy.DefaultMaxRetries, maxMaxRetries, retrypolicy.DefaultMaxRetries, retrypolicy.WorstCaseBackoff(retrypolicy.DefaultMaxRetries),
					retrypolicy.UnreachableAttempts),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"retry_mode": schema.StringAttribute{
				MarkdownDescription: "The AWS SDK's retry mode: `standard`, or `adaptive`, which also slows down further requests of this provider configuration while Cognito throttles. " +
					"Defaults to the `AWS_RETRY_MODE` environment variable, then the shared config profile's `retry_mode`, else `standard`.",
				Optional:   true,
				Validators: nonEmpty(stringvalidator.OneOf(string(aws.RetryModeStandard), string(aws.RetryModeAdaptive))),
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Bound on one token request, every retry and backoff included, as a Go duration such as `30s` or `2m`. "+
					"Defaults to `%s`, which covers the default retries' worst-case backoff (%s) and the requests themselves; between `%s` and `%s`. "+
					"When it runs out the refresh fails with what Cognito last answered, for example that it throttled the request. "+
					"Each attempt on its own gives up when the server sends nothing for %s (the wait restarts with every byte received, so a slow answer is not cut off), and is retried: "+
					"a connection that is accepted but never answered costs one attempt, not the whole `timeout`. "+
					"Cognito may have processed such an attempt and its answer is then lost: with refresh-token rotation the retry presents a token Cognito just rotated, "+
					"which succeeds only within the app client's grace period (`RetryGracePeriodSeconds`); with a grace period of 0 it fails with `RefreshTokenReuseException`.",
					durationString(retrypolicy.DefaultTimeout), retrypolicy.WorstCaseBackoff(retrypolicy.DefaultMaxRetries), durationString(minTimeout), durationString(maxTimeout),
					durationString(retrypolicy.DefaultAttemptTimeout)),
				Optional:   true,
				Validators: nonEmpty(durationValidator{min: minTimeout, max: maxTimeout}),
			},
		},
	}
}

// providerData is handed to every data source and ephemeral resource
// instance: one AWS environment per configured provider, and the token
// sources built from it.
type providerData struct {
	// env is the AWS environment client and tokenSource are built from;
	// refresh-token stores take their HTTP client and policy from it.
	env    *awsenv.Env
	client *cognito.Client
	// tokenSource issues client-credentials tokens.
	tokenSource clientcredentials.TokenSource
	// unknownConfig is set when a provider argument is not known yet (plan
	// time, computed from another resource): refreshing must wait for apply.
	unknownConfig bool
	// region is the provider's `region` ("" = the SDK's chain), for
	// refresh-token stores; stores holds them, built on first use.
	region string
	stores storeCache
}

// profileUnusable opens both diagnostics about a shared AWS configuration
// the SDK could not use; the SDK's reason follows.
const profileUnusable = "The AWS SDK could not use the shared AWS configuration (AWS_PROFILE, AWS_CONFIG_FILE): "

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
		logDebug(ctx, "Provider configuration not known yet; refreshes wait for apply", nil)
		data.unknownConfig = true
		return
	}

	settings := awsenv.Settings{
		Region:    config.Region.ValueString(),
		RetryMode: aws.RetryMode(config.RetryMode.ValueString()),
	}
	if !config.MaxRetries.IsNull() {
		retries := int(config.MaxRetries.ValueInt64())
		settings.MaxRetries = &retries
	}
	if !config.Timeout.IsNull() {
		// Already checked by durationValidator.
		settings.Timeout, _ = time.ParseDuration(config.Timeout.ValueString())
	}

	env, err := awsenv.Load(ctx, settings)
	if err != nil {
		resp.Diagnostics.AddError("Cannot use the AWS profile", profileUnusable+err.Error()+
			". The provider reads it for the region, and for optional retry, endpoint and CA bundle settings; it never uses credentials. "+
			"Fix the profile named by AWS_PROFILE (or `default`) in the file AWS_CONFIG_FILE names (or ~/.aws/config), or unset AWS_PROFILE.")
		return
	}
	if ignored := env.IgnoredProfileError(); ignored != nil {
		resp.Diagnostics.AddWarning("AWS profile ignored", profileUnusable+ignored.Error()+
			". The provider needs no credentials and has its region from `region` or AWS_REGION / AWS_DEFAULT_REGION, so it goes on without the profile; "+
			"settings only the profile gives (max_attempts, retry_mode, endpoint_url, ca_bundle) do not apply. Fix or unset AWS_PROFILE / AWS_CONFIG_FILE to remove this warning.")
	}
	endpoint := config.Endpoint.ValueString()
	if config.Endpoint.ValueString() == "" { // `endpoint` replaces the environment's
		resp.Diagnostics.Append(refusePlaintextEnvironment(env, awsenv.CognitoIdentityProvider, "Cognito")...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	client := cognito.New(env, endpoint)
	policy := env.Policy()
	logDebug(ctx, "Configured Cognito client", map[string]any{
		"region":               settings.Region,
		"endpoint_override":    redactedOrEmpty(endpoint),
		"environment_endpoint": client.EnvironmentEndpoint(),
		"max_attempts":         policy.MaxAttempts,
		"attempt_timeout":      policy.AttemptTimeout.String(),
		"retry_mode":           string(policy.Mode),
		"timeout":              policy.Timeout.String(),
	})
	data.env = env
	data.client = client
	data.region = settings.Region
	data.tokenSource = clientcredentials.New(env)
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
	return []func() datasource.DataSource{NewRefreshedTokensDataSource, NewClientCredentialsTokenDataSource, NewSignInDataSource}
}

func (p *cognitoProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewRefreshedTokensEphemeralResource, NewClientCredentialsTokenEphemeralResource, NewSignInEphemeralResource}
}

func (p *cognitoProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewTokenClaimsFunction}
}

// regionValidator accepts the region names of every AWS partition.
var regionValidator = regionNameValidator{}
