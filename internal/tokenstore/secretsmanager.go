package tokenstore

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	smithyrand "github.com/aws/smithy-go/rand"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
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
	// codeLimitExceeded is Secrets Manager's answer to a version past the
	// quota (PutSecretValue API reference, Errors).
	codeLimitExceeded = "LimitExceededException"
	// codeInvalidParameter is its answer to a move whose
	// RemoveFromVersionId is not where the label is.
	codeInvalidParameter = "InvalidParameterException"
)

// The version quota. Secrets Manager "removes unlabeled versions when there
// are more than 100, but it does not remove versions created less than 24
// hours ago", and past that quota PutSecretValue fails with
// LimitExceededException (user guide, "AWS Secrets Manager quotas";
// PutSecretValue API reference). Every rotation writes one version.
const (
	// SecretVersionQuota is the most versions a secret holds.
	SecretVersionQuota = 100
	// VersionMinAge is the age below which Secrets Manager removes no
	// version.
	VersionMinAge = 24 * time.Hour
	// VersionReserve is the room Preflight keeps for runs that passed their
	// own check at the same moment and write too: Terraform's default
	// -parallelism. A rotation needs one free version beyond it, so the
	// store rotates while fewer than SecretVersionQuota-VersionReserve (90)
	// versions are held that Secrets Manager may not remove yet.
	VersionReserve = 10
)

// SecretsManagerOptions configure the Secrets Manager store's AWS client.
type SecretsManagerOptions struct {
	// Region is the provider's region; "" leaves it to the SDK's chain
	// (AWS_REGION, AWS_DEFAULT_REGION, the profile).
	Region string
	// Env is the provider's AWS environment: the store signs with the
	// default credential chain through its HTTP client and retry policy
	// (awsenv.Env.Credentialed).
	Env *awsenv.Env
	// HTTPClient and Policy stand in for Env where there is none (tests,
	// benchmarks): nil = the SDK's client; the zero Policy means the
	// defaults (retrypolicy.Resolve with nothing set but what the SDK's
	// configuration holds: AWS_MAX_ATTEMPTS, AWS_RETRY_MODE).
	HTTPClient *http.Client
	Policy     retrypolicy.Policy
	// Now is the clock the versions' ages are measured with; nil =
	// time.Now. Tests set the double's clock.
	Now func() time.Time
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
// the first Read or Replace: then it takes its AWS configuration once from
// awsenv (Credentialed: the SDK's default credential chain and endpoint
// resolution, so AWS_ENDPOINT_URL_SECRETS_MANAGER applies). The SDK's
// request logging is off.
func NewSecretsManager(secretID string, opts SecretsManagerOptions) Store {
	return &secretsManagerStore{secretID: secretID, opts: opts}
}

func (s *secretsManagerStore) Name() string {
	return "Secrets Manager secret " + strconv.Quote(s.secretID)
}

func (s *secretsManagerStore) sm(ctx context.Context) (*secretsmanager.Client, error) {
	s.once.Do(func() {
		var cfg aws.Config
		if s.opts.Env != nil {
			cfg, s.errCfg = s.opts.Env.Credentialed(ctx, s.opts.Region, quotaIsFinal)
		} else {
			cfg, s.errCfg = awsenv.Credentialed(ctx, s.opts.Region, s.opts.HTTPClient, s.opts.Policy, quotaIsFinal)
		}
		if s.errCfg != nil {
			return
		}
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
		return Snapshot{}, s.fail(opRead, err)
	}
	out, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(s.secretID), VersionStage: aws.String(stageCurrent),
	})
	if err != nil {
		return Snapshot{}, s.fail(opRead, err)
	}
	if out, err = s.promotePending(ctx, c, out); err != nil {
		return Snapshot{}, err
	}
	if out.SecretString == nil {
		if len(out.SecretBinary) > 0 {
			return Snapshot{}, &Error{Reason: Malformed, Op: opRead, Store: s.Name(), Code: "SecretBinary", Attempts: 1}
		}
		return Snapshot{}, &Error{Reason: Empty, Op: opRead, Store: s.Name(), Attempts: 1}
	}
	tok, err := checkToken(*out.SecretString, opRead, s.Name())
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
// lost answer is recognized by reading AWSCURRENT's version. Before the
// put it checks that AWSCURRENT is still on prev's version, so a run that
// already lost writes nothing; LimitExceededException after another run's
// token became current is a lost race too.
func (s *secretsManagerStore) Replace(ctx context.Context, prev Snapshot, next string) (bool, error) {
	if _, err := checkToken(next, opWrite, s.Name()); err != nil {
		return false, err
	}
	c, err := s.sm(ctx)
	if err != nil {
		return false, s.fail(opWrite, err)
	}
	versionID, err := smithyrand.NewUUID(rand.Reader).GetUUID()
	if err != nil {
		return false, s.fail(opWrite, err)
	}
	// A run that lost the race creates no version: each one counts against
	// the quota for 24 hours. Two runs that both pass this check before
	// either moves AWSCURRENT both write; the move below decides between
	// them, and the loser takes its label back (dropPending).
	if moved, err := s.currentMoved(ctx, c, prev.version); err != nil {
		return false, s.fail(opWrite, err)
	} else if moved {
		return false, nil
	}
	if _, err := c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId:           aws.String(s.secretID),
		SecretString:       aws.String(next),
		ClientRequestToken: aws.String(versionID),
		VersionStages:      []string{PendingStage},
	}); err != nil {
		// Past the quota: harmless when another run's token is current
		// by now, the token is lost otherwise.
		if errorCode(err) == codeLimitExceeded {
			if moved, merr := s.currentMoved(ctx, c, prev.version); merr == nil && moved {
				return false, nil
			}
		}
		return false, s.fail(opWrite, err)
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
	if errorCode(err) != codeInvalidParameter {
		return false, s.failPending(opWrite, err, versionID, prev.version)
	}
	// AWSCURRENT is elsewhere: another writer moved it, or a retry of our
	// own move whose first answer was lost. The version it is on decides.
	out, rerr := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(s.secretID), VersionStage: aws.String(stageCurrent),
	})
	if rerr != nil {
		return false, s.failPending(opWrite, rerr, versionID, prev.version)
	}
	if aws.ToString(out.VersionId) == versionID {
		return true, nil
	}
	s.dropPending(ctx, c, versionID)
	return false, nil
}

// dropPending takes PendingStage off a version that lost the race, so no
// later Read promotes it over the winner's. It is a compare-and-swap too
// (RemoveFromVersionId), so a newer writer's label stays. Best effort: a
// label left behind is on a version older than the next write's.
func (s *secretsManagerStore) dropPending(ctx context.Context, c *secretsmanager.Client, versionID string) {
	_, _ = c.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId:            aws.String(s.secretID),
		VersionStage:        aws.String(PendingStage),
		RemoveFromVersionId: aws.String(versionID),
	})
}

// currentMoved tells whether AWSCURRENT is on a version other than read.
func (s *secretsManagerStore) currentMoved(ctx context.Context, c *secretsmanager.Client, read string) (bool, error) {
	labelled, err := s.versions(ctx, c, false)
	if err != nil {
		return false, err
	}
	for _, v := range labelled {
		if slices.Contains(v.VersionStages, stageCurrent) {
			return aws.ToString(v.VersionId) != read, nil
		}
	}
	return false, nil // no current version: the write decides
}

// versions lists the secret's versions, all pages: only the labelled ones,
// or with deprecated (unlabeled) ones too.
func (s *secretsManagerStore) versions(ctx context.Context, c *secretsmanager.Client, deprecated bool) ([]types.SecretVersionsListEntry, error) {
	var out []types.SecretVersionsListEntry
	pages := secretsmanager.NewListSecretVersionIdsPaginator(c, &secretsmanager.ListSecretVersionIdsInput{
		SecretId: aws.String(s.secretID), IncludeDeprecated: aws.Bool(deprecated), MaxResults: aws.Int32(100),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Versions...)
	}
	return out, nil
}

// promotePending finishes a write whose move failed: when PendingStage is
// on a version newer than AWSCURRENT's (cur), that version holds the newest
// token, and AWSCURRENT, which holds a spent one, moves to it by
// compare-and-swap. If another run moved AWSCURRENT first, its version is
// read instead. It returns the value to use.
func (s *secretsManagerStore) promotePending(ctx context.Context, c *secretsmanager.Client, cur *secretsmanager.GetSecretValueOutput) (*secretsmanager.GetSecretValueOutput, error) {
	labelled, err := s.versions(ctx, c, false)
	if err != nil {
		return nil, s.fail(opRead, err)
	}
	curID := aws.ToString(cur.VersionId)
	var curAt time.Time
	if cur.CreatedDate != nil {
		curAt = *cur.CreatedDate
	}
	pending := ""
	for _, v := range labelled {
		id := aws.ToString(v.VersionId)
		if id != curID && slices.Contains(v.VersionStages, PendingStage) && v.CreatedDate != nil && v.CreatedDate.After(curAt) {
			pending = id
		}
	}
	if pending == "" {
		return cur, nil
	}
	_, err = c.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId:            aws.String(s.secretID),
		VersionStage:        aws.String(stageCurrent),
		MoveToVersionId:     aws.String(pending),
		RemoveFromVersionId: aws.String(curID),
	})
	if err != nil && errorCode(err) != codeInvalidParameter {
		return nil, s.failPending(opRead, err, pending, curID)
	}
	out, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(s.secretID), VersionStage: aws.String(stageCurrent),
	})
	if err != nil {
		return nil, s.fail(opRead, err)
	}
	return out, nil
}

// Preflight refuses a cycle whose write-back could meet the version quota,
// before Cognito spends the token: it counts the versions Secrets Manager
// may not remove yet (younger than VersionMinAge, or labelled) and needs
// one free beyond VersionReserve. The cost is one ListSecretVersionIds per
// open (a page holds 100, so one page unless old versions linger).
func (s *secretsManagerStore) Preflight(ctx context.Context, _ Snapshot) error {
	c, err := s.sm(ctx)
	if err != nil {
		return s.fail(opCheck, err)
	}
	all, err := s.versions(ctx, c, true)
	if err != nil {
		return s.fail(opCheck, err)
	}
	now := time.Now
	if s.opts.Now != nil {
		now = s.opts.Now
	}
	held, freeAt := heldVersions(all, now())
	if held < SecretVersionQuota-VersionReserve {
		return nil
	}
	return &Error{Reason: VersionQuota, Op: opCheck, Store: s.Name(), Attempts: 1, Versions: held, VersionsFreeAt: freeAt}
}

// heldVersions counts the versions Secrets Manager will not remove yet at
// now, and tells when enough of them turn VersionMinAge old to leave room
// for one more write under the reserve (zero when labelled versions alone
// fill it).
func heldVersions(all []types.SecretVersionsListEntry, now time.Time) (int, time.Time) {
	var aging []time.Time
	held := 0
	for _, v := range all {
		young := v.CreatedDate == nil || now.Sub(*v.CreatedDate) < VersionMinAge
		switch {
		case len(v.VersionStages) > 0:
			held++
		case young:
			held++
			if v.CreatedDate != nil {
				aging = append(aging, *v.CreatedDate)
			}
		}
	}
	excess := held - (SecretVersionQuota - VersionReserve) + 1
	if excess <= 0 || excess > len(aging) {
		return held, time.Time{}
	}
	slices.SortFunc(aging, time.Time.Compare)
	return held, aging[excess-1].Add(VersionMinAge)
}

// quotaIsFinal keeps the retryer from retrying LimitExceededException,
// which the SDK counts as a throttle (aws/retry DefaultThrottleErrorCodes)
// but which, for a secret's versions, lasts until versions turn 24 hours
// old.
var quotaIsFinal = retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
	if errorCode(err) == codeLimitExceeded {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
})

// errorCode is an SDK error's service error code, "" for none.
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// fail classifies an SDK error (see classifyAWS).
func (s *secretsManagerStore) fail(op Operation, err error) *Error {
	e := fail(op, s.Name(), err)
	e.Reason, e.Code = classifyAWS(err)
	e.Code = printableCode(e.Code)
	e.Attempts = attempts(err)
	return e
}

// failPending is fail for a stored version that holds the newest token but
// could not be made current in place of current.
func (s *secretsManagerStore) failPending(op Operation, err error, versionID, current string) *Error {
	e := s.fail(op, err)
	e.PendingVersion, e.CurrentVersion = versionID, current
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
	codeLimitExceeded:             VersionQuota,
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
	case awsenv.IsCredentialsError(err):
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
