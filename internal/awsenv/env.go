// Package awsenv loads the AWS SDK configuration the provider's token
// sources share, once per provider configuration: the region, one HTTP
// client for the process (CA bundle and per-attempt bound applied), the
// retry policy and the endpoint settings of the environment and profile.
// It never resolves credentials: Cognito's token operations are
// unauthenticated. A caller that needs credentials (the Secrets Manager
// store) loads them itself, lazily.
package awsenv

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// Settings are the provider-level settings. Zero values mean "use the
// default".
type Settings struct {
	// Region overrides the SDK's region chain (AWS_REGION, AWS_DEFAULT_REGION, profile).
	Region string
	// MaxRetries is the number of retries after the first attempt; nil means
	// AWS_MAX_ATTEMPTS (or the profile's max_attempts) if set, else
	// retrypolicy.DefaultMaxRetries.
	MaxRetries *int
	// RetryMode is standard or adaptive; "" means AWS_RETRY_MODE (or the
	// profile's retry_mode) if set, else standard.
	RetryMode aws.RetryMode
	// Timeout bounds one token request including retries; 0 means
	// retrypolicy.DefaultTimeout.
	Timeout time.Duration
	// AttemptTimeout bounds how long one attempt waits for data from the
	// server; 0 means retrypolicy.DefaultAttemptTimeout. Not a provider
	// argument: tests shorten it.
	AttemptTimeout time.Duration
	// Backoff replaces the SDK's exponential jitter between retries; nil
	// keeps it. Not a provider argument: tests shorten it.
	Backoff retry.BackoffDelayer
}

// Env is one loaded AWS environment. It is immutable and safe for
// concurrent use.
type Env struct {
	config     aws.Config
	policy     retrypolicy.Policy
	httpClient *http.Client
	// profileErr is why the shared config files were ignored (nil when
	// they were read).
	profileErr error
}

// Load reads the environment and shared config files once. The SDK is
// given anonymous credentials, so it never consults the credential chain
// or instance metadata.
func Load(ctx context.Context, s Settings) (*Env, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithCredentialsProvider(aws.AnonymousCredentials{}),
		config.WithLogger(logging.Nop{}),
		config.WithClientLogMode(0),
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	base, err := config.LoadDefaultConfig(ctx, opts...)
	var profileErr error
	if err != nil {
		// The shared config files only add a region and optional settings;
		// when a region is known without them (the configuration or
		// AWS_REGION / AWS_DEFAULT_REGION), an unusable profile must not
		// stop a client that needs no credentials.
		profileErr = err
		base, err = loadWithoutSharedFiles(ctx, opts)
		if err != nil || base.Region == "" {
			return nil, &ProfileError{err: profileErr}
		}
	}

	// base.RetryMaxAttempts and base.RetryMode hold AWS_MAX_ATTEMPTS /
	// AWS_RETRY_MODE (or the profile's max_attempts / retry_mode).
	policy := retrypolicy.Resolve(retrypolicy.Settings{MaxRetries: s.MaxRetries, Mode: s.RetryMode, Timeout: s.Timeout, AttemptTimeout: s.AttemptTimeout, Backoff: s.Backoff},
		base.RetryMaxAttempts, base.RetryMode)
	// Service clients wrap any retryer with base.RetryMaxAttempts
	// (cognitoidentityprovider api_client.go, finalizeRetryMaxAttempts):
	// left set, AWS_MAX_ATTEMPTS would override an explicit max_retries.
	// The policy has already weighed it.
	base.RetryMaxAttempts = 0
	base.RetryMode = policy.Mode
	base.Retryer = func() aws.Retryer { return policy.NewRetryer() }
	httpClient := sharedHTTPClient(base, policy.AttemptTimeout)
	// Set after loading: LoadDefaultConfig refuses to apply a CA bundle to
	// a plain *http.Client, and the shared one already trusts it.
	base.HTTPClient = httpClient
	return &Env{config: base, policy: policy, httpClient: httpClient, profileErr: profileErr}, nil
}

// loadWithoutSharedFiles loads the configuration from the environment
// alone. The SDK fails on a named profile that no file has, and names one
// whenever AWS_PROFILE is set (config.go, resolveConfigLoaders); so it is
// given an empty default profile of its own, read during the load and
// removed after it.
func loadWithoutSharedFiles(ctx context.Context, opts []func(*config.LoadOptions) error) (aws.Config, error) {
	file, err := os.CreateTemp("", "cognito-provider-empty-aws-config-*")
	if err != nil {
		return aws.Config{}, err
	}
	defer os.Remove(file.Name()) //nolint:errcheck // A leftover empty profile is harmless.
	_, err = file.WriteString("[default]\n")
	if err = errors.Join(err, file.Close()); err != nil {
		return aws.Config{}, err
	}
	return config.LoadDefaultConfig(ctx, append(opts,
		config.WithSharedConfigProfile("default"),
		config.WithSharedConfigFiles([]string{file.Name()}),
		config.WithSharedCredentialsFiles([]string{file.Name()}))...)
}

// ProfileError is an AWS shared configuration (profile or config file)
// the SDK cannot use, when no region is known without it.
type ProfileError struct{ err error }

func (e *ProfileError) Error() string {
	return "the AWS shared configuration cannot be used: " + e.err.Error()
}

func (e *ProfileError) Unwrap() error { return e.err }

// Config is the SDK configuration for service clients: anonymous
// credentials, the shared HTTP client, and a retryer under Policy. A copy:
// callers may change it.
func (e *Env) Config() aws.Config { return e.config.Copy() }

// Region is the region of the configuration or of the SDK's chain; "" when
// none names one.
func (e *Env) Region() string { return e.config.Region }

// Policy is the retry and timeout policy every token source follows.
func (e *Env) Policy() retrypolicy.Policy { return e.policy }

// HTTPClient is the process-wide HTTP client (one connection pool) every
// request of the provider goes through. Callers that change it (a redirect
// rule) copy it first.
func (e *Env) HTTPClient() *http.Client { return e.httpClient }

// IgnoredProfileError is why the shared config files (AWS_PROFILE,
// AWS_CONFIG_FILE) were ignored, nil when they were read: the SDK rejected
// them, and the region was known without them.
func (e *Env) IgnoredProfileError() error { return e.profileErr }

// sharedHTTPClients holds one HTTP client per custom CA bundle ("" for
// none) and attempt timeout for the life of the process. The SDK would
// otherwise build a transport per provider configuration (LoadDefaultConfig
// makes a new buildable client each time), and every Configure would leave
// its idle connections and their goroutines behind.
var sharedHTTPClients = struct {
	sync.Mutex
	byKey map[httpClientKey]*http.Client
}{byKey: map[httpClientKey]*http.Client{}}

type httpClientKey struct {
	caBundle       string
	attemptTimeout time.Duration
}

func sharedHTTPClient(base aws.Config, attemptTimeout time.Duration) *http.Client {
	key := httpClientKey{caBundle: customCABundle(base.ConfigSources), attemptTimeout: attemptTimeout}
	sharedHTTPClients.Lock()
	defer sharedHTTPClients.Unlock()
	if client, ok := sharedHTTPClients.byKey[key]; ok {
		return client
	}
	buildable := awshttp.NewBuildableClient()
	// With AWS_CA_BUNDLE (or the profile's ca_bundle) the SDK has built a
	// client that trusts it.
	if b, ok := base.HTTPClient.(*awshttp.BuildableClient); ok && key.caBundle != "" {
		buildable = b
	}
	// A connection accepted but never answered would otherwise hold an
	// attempt for the whole timeout and leave no room for retries. The
	// SDK's read timeout (aws/transport/http timeouts.go) fails a read
	// that gets no byte for attemptTimeout, and the SDK retries that like
	// a lost answer. It restarts with every byte, so a slow answer that
	// progresses is never cut off; it covers every request on this
	// transport, the token endpoint's included. The SDK ignores a timeout
	// of 0 (installReadTimeout), which is how the policy says "none".
	buildable = buildable.WithReadTimeout(attemptTimeout)
	client, ok := buildable.Freeze().(*http.Client)
	if !ok {
		client = &http.Client{Transport: buildable.GetTransport()}
	}
	sharedHTTPClients.byKey[key] = client
	return client
}

// customCABundle is the CA bundle file the SDK's configuration names.
func customCABundle(sources []any) string {
	for _, source := range sources {
		switch s := source.(type) {
		case config.EnvConfig:
			if s.CustomCABundle != "" {
				return s.CustomCABundle
			}
		case config.SharedConfig:
			if s.CustomCABundle != "" {
				return s.CustomCABundle
			}
		}
	}
	return ""
}

// envName is the SDK's environment variable suffix for a service ID
// (config env_config.go, normalizeEnv): "Secrets Manager" → SECRETS_MANAGER.
func envName(serviceID string) string {
	return strings.ReplaceAll(strings.ToUpper(serviceID), " ", "_")
}
