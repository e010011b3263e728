package tokenstore

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	smithyrand "github.com/aws/smithy-go/rand"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// PendingStage is the staging label a new token's version gets from
// PutSecretValue, before the compare-and-swap moves AWSCURRENT to it.
//
// Why a label of our own: PutSecretValue without VersionStages would move
// AWSCURRENT at once (no compare), and AWSPENDING belongs to Secrets
// Manager's own rotation: a rotation Lambda puts its candidate under
// AWSPENDING, and PutSecretValue moves a label it names away from any other
// version ("If you specify a staging label that's already associated with a
// different version of the same secret, then Secrets Manager removes the
// label from the other version", PutSecretValue API reference), so sharing
// it would let either side silently drop the other's candidate. The label
// also keeps the version from counting as unlabeled (deprecated).
const PendingStage = "COGNITO_REFRESH_PENDING"

const (
	stageCurrent = "AWSCURRENT"
)

// SecretsManagerOptions configure the Secrets Manager store's AWS client.
type SecretsManagerOptions struct {
	// Region is the provider's region; "" leaves it to the SDK's chain
	// (AWS_REGION, AWS_DEFAULT_REGION, the profile).
	Region string
	// HTTPClient is the shared environment's HTTP client
	// (awsenv.Env.HTTPClient); nil = the SDK's.
	HTTPClient *http.Client
	// Policy is the shared environment's retry policy; the zero Policy means the
	// defaults (retrypolicy.Resolve with nothing set but what the SDK's
	// configuration holds: AWS_MAX_ATTEMPTS, AWS_RETRY_MODE).
	Policy retrypolicy.Policy
}

type secretsManagerStore struct {
	secretID string
	opts     SecretsManagerOptions

	once   sync.Once
	client *secretsmanager.Client
	errCfg error
}

// NewSecretsManager returns a store keeping the token as the SecretString
// of the AWSCURRENT version of secretID (name or ARN). It does no work until
// the first Read or Replace: then it loads the AWS configuration once with
// the SDK's default credential chain (environment, shared profile, SSO, web
// identity, container and instance roles) and endpoint resolution, so
// AWS_ENDPOINT_URL_SECRETS_MANAGER applies. The SDK's request logging is
// off.
func NewSecretsManager(secretID string, opts SecretsManagerOptions) Store {
	return &secretsManagerStore{secretID: secretID, opts: opts}
}

func (s *secretsManagerStore) Name() string {
	return "Secrets Manager secret " + strconv.Quote(s.secretID)
}

func (s *secretsManagerStore) sm(ctx context.Context) (*secretsmanager.Client, error) {
	s.once.Do(func() {
		loads := []func(*config.LoadOptions) error{
			config.WithClientLogMode(0),
			config.WithLogger(logging.Nop{}),
		}
		if s.opts.Region != "" {
			loads = append(loads, config.WithRegion(s.opts.Region))
		}
		// The context only bounds loading shared files; credentials are
		// fetched (lazily, cached) when the first request is signed.
		cfg, err := config.LoadDefaultConfig(context.WithoutCancel(ctx), loads...)
		if err != nil {
			s.errCfg = err
			return
		}
		// Set after loading: the shared client already trusts AWS_CA_BUNDLE
		// (internal/awsenv sharedHTTPClient), and LoadDefaultConfig refuses
		// to apply a CA bundle to a plain *http.Client.
		if s.opts.HTTPClient != nil {
			cfg.HTTPClient = s.opts.HTTPClient
		}
		policy := s.opts.Policy
		if policy.MaxAttempts <= 0 {
			policy = retrypolicy.Resolve(retrypolicy.Settings{}, cfg.RetryMaxAttempts, cfg.RetryMode)
		}
		// The service client would wrap any retryer with
		// cfg.RetryMaxAttempts (AWS_MAX_ATTEMPTS; secretsmanager
		// api_client.go finalizeRetryMaxAttempts); the policy has weighed it.
		cfg.RetryMaxAttempts = 0
		cfg.RetryMode = policy.Mode
		cfg.Retryer = func() aws.Retryer { return policy.NewRetryer() }
		s.client = secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
			o.ClientLogMode = 0
			o.Logger = logging.Nop{}
		})
	})
	return s.client, s.errCfg
}

func (s *secretsManagerStore) Read(ctx context.Context) (Snapshot, error) {
	c, err := s.sm(ctx)
	if err != nil {
		return Snapshot{}, s.fail("read", err)
	}
	out, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(s.secretID), VersionStage: aws.String(stageCurrent),
	})
	if err != nil {
		return Snapshot{}, s.fail("read", err)
	}
	if out.SecretString == nil {
		if len(out.SecretBinary) > 0 {
			return Snapshot{}, &Error{Reason: Malformed, Op: "read", Store: s.Name(), Code: "SecretBinary", Attempts: 1}
		}
		return Snapshot{}, &Error{Reason: Empty, Op: "read", Store: s.Name(), Attempts: 1}
	}
	tok, err := checkToken(*out.SecretString, "read", s.Name())
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{Token: tok, version: aws.ToString(out.VersionId)}, nil
}

// Replace puts next as a new version labelled PendingStage, then moves
// AWSCURRENT to it from prev's version. Secrets Manager refuses that move
// with InvalidParameterException when AWSCURRENT is no longer on prev's
// version (UpdateSecretVersionStage API reference, RemoveFromVersionId: "If
// the label is attached and you either do not specify this parameter, or
// the version ID does not match, then the operation fails"): the
// compare-and-swap. Both calls are safe to retry: PutSecretValue is
// idempotent on ClientRequestToken, and a move that did happen before a
// lost answer is recognized by reading AWSCURRENT's version.
func (s *secretsManagerStore) Replace(ctx context.Context, prev Snapshot, next string) (bool, error) {
	if _, err := checkToken(next, "write", s.Name()); err != nil {
		return false, err
	}
	c, err := s.sm(ctx)
	if err != nil {
		return false, s.fail("write", err)
	}
	versionID, err := smithyrand.NewUUID(rand.Reader).GetUUID()
	if err != nil {
		return false, s.fail("write", err)
	}
	if _, err := c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId:           aws.String(s.secretID),
		SecretString:       aws.String(next),
		ClientRequestToken: aws.String(versionID),
		VersionStages:      []string{PendingStage},
	}); err != nil {
		return false, s.fail("write", err)
	}
	_, err = c.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId:            aws.String(s.secretID),
		VersionStage:        aws.String(stageCurrent),
		MoveToVersionId:     aws.String(versionID),
		RemoveFromVersionId: aws.String(prev.version),
	})
	if err == nil {
		return true, nil
	}
	var ipe interface{ ErrorCode() string }
	if !errors.As(err, &ipe) || ipe.ErrorCode() != "InvalidParameterException" {
		return false, s.failPending(err, versionID)
	}
	// AWSCURRENT is elsewhere: another writer moved it, or a retry of our
	// own move whose first answer was lost. The version it is on decides.
	out, rerr := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(s.secretID), VersionStage: aws.String(stageCurrent),
	})
	if rerr != nil {
		return false, s.failPending(rerr, versionID)
	}
	return aws.ToString(out.VersionId) == versionID, nil
}

// fail classifies an SDK error (see classifyAWS).
func (s *secretsManagerStore) fail(op string, err error) *Error {
	e := fail(op, s.Name(), err)
	e.Reason, e.Code = classifyAWS(err)
	e.Code = printableCode(e.Code)
	e.Attempts = attempts(err)
	return e
}

// failPending is fail for a write whose new version exists but may not be
// current.
func (s *secretsManagerStore) failPending(err error, versionID string) *Error {
	e := s.fail("write", err)
	e.PendingVersion = versionID
	return e
}

// attempts counts the requests behind an SDK error: the retryer reports
// the count when it gives up; otherwise one request went out (none when
// signing failed for want of credentials, counted as one all the same).
func attempts(err error) int {
	var mae *retry.MaxAttemptsError
	if errors.As(err, &mae) {
		return mae.Attempt
	}
	return 1
}

// Error codes Secrets Manager and the AWS JSON protocol answer with.
var codeReasons = map[string]Reason{
	"ResourceNotFoundException": NotFound,
	"AccessDeniedException":     AccessDenied,
	// KMS refused to decrypt or encrypt with the secret's key, most often
	// for want of kms:Decrypt / kms:GenerateDataKey.
	"DecryptionFailure":           AccessDenied,
	"EncryptionFailure":           AccessDenied,
	"UnrecognizedClientException": InvalidCredentials,
	"InvalidClientTokenId":        InvalidCredentials,
	"InvalidSignatureException":   InvalidCredentials,
	"SignatureDoesNotMatch":       InvalidCredentials,
	"ExpiredTokenException":       InvalidCredentials,
	"IncompleteSignature":         InvalidCredentials,
	"MissingAuthenticationToken":  InvalidCredentials,
	"ThrottlingException":         Throttled,
	"TooManyRequestsException":    Throttled,
	"RequestLimitExceeded":        Throttled,
	"InternalServiceError":        Unreachable,
	"ServiceUnavailable":          Unreachable,
}

// classifyAWS maps an SDK error to a Reason and a printable code.
func classifyAWS(err error) (Reason, string) {
	var apiErr smithy.APIError
	var respErr *awshttp.ResponseError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout, ""
	case errors.Is(err, context.Canceled):
		return Canceled, ""
	case errors.As(err, &apiErr):
		code := apiErr.ErrorCode()
		if r, ok := codeReasons[code]; ok {
			return r, code
		}
		if errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500 {
			return Unreachable, code
		}
		return Other, code
	case isCredentialsError(err):
		return NoCredentials, ""
	// An answer that is not AWS JSON (a proxy's or load balancer's HTML
	// page) carries no error code, only its status.
	case errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500:
		return Unreachable, "HTTP" + strconv.Itoa(respErr.HTTPStatusCode())
	case errors.As(err, &netErr):
		if netErr.Timeout() {
			return Timeout, ""
		}
		return Unreachable, ""
	}
	return Other, ""
}
