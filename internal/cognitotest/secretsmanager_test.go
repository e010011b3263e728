package cognitotest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
)

// smClient is the real SDK client, signed with static test credentials, one
// attempt per call.
func smClient(s *Server) *sm.Client {
	return sm.NewFromConfig(aws.Config{
		Region:           s.Region(),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}},
	}, func(o *sm.Options) { o.BaseEndpoint = aws.String(s.URL) })
}

func smCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func getCurrent(t *testing.T, c *sm.Client, id string) *sm.GetSecretValueOutput {
	t.Helper()
	out, err := c.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetSecretValue: %v", err)
	}
	return out
}

func put(c *sm.Client, id, value, token string, stages ...string) (*sm.PutSecretValueOutput, error) {
	in := &sm.PutSecretValueInput{SecretId: aws.String(id), SecretString: aws.String(value), VersionStages: stages}
	if token != "" {
		in.ClientRequestToken = aws.String(token)
	}
	return c.PutSecretValue(context.Background(), in)
}

// move calls UpdateSecretVersionStage on the secret "x".
func move(c *sm.Client, stage, to, from string) error {
	in := &sm.UpdateSecretVersionStageInput{SecretId: aws.String("x"), VersionStage: aws.String(stage)}
	if to != "" {
		in.MoveToVersionId = aws.String(to)
	}
	if from != "" {
		in.RemoveFromVersionId = aws.String(from)
	}
	_, err := c.UpdateSecretVersionStage(context.Background(), in)
	return err
}

func TestSecretsManagerGetByNameAndARN(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	arn := s.CreateSecret("app/token", "v1")
	c := smClient(s)
	for _, id := range []string{"app/token", arn, arn[:len(arn)-7]} {
		out := getCurrent(t, c, id)
		if aws.ToString(out.SecretString) != "v1" || aws.ToString(out.ARN) != arn || out.VersionId == nil {
			t.Errorf("%s: got %+v", id, out)
		}
		if len(out.VersionStages) != 1 || out.VersionStages[0] != StageCurrent {
			t.Errorf("stages %v", out.VersionStages)
		}
	}
	_, err := c.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String("nope")})
	var nf *smtypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("unknown secret: %v", err)
	}
	s.CreateSecret("empty", "")
	if _, err := c.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String("empty")}); !errors.As(err, &nf) {
		t.Fatalf("secret without a version: %v", err)
	}
	if got := s.SecretsManagerCalls(SMGetSecretValue); got != 5 {
		t.Errorf("GetSecretValue calls %d, want 5", got)
	}
}

func TestSecretsManagerPutWithoutStagesMovesCurrent(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.CreateSecret("x", "v1")
	c := smClient(s)
	v1 := aws.ToString(getCurrent(t, c, "x").VersionId)
	out, err := put(c, "x", "v2", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := getCurrent(t, c, "x"); aws.ToString(got.SecretString) != "v2" || aws.ToString(got.VersionId) != aws.ToString(out.VersionId) {
		t.Fatalf("current after put: %v", aws.ToString(got.SecretString))
	}
	if st := s.SecretStages("x"); st[StagePrevious] != v1 {
		t.Errorf("AWSPREVIOUS on %q, want %q", st[StagePrevious], v1)
	}
}

func TestSecretsManagerPutWithStagesKeepsCurrent(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.CreateSecret("x", "v1")
	c := smClient(s)
	a, err := put(c, "x", "a", "", "PENDING")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.SecretValue("x"); v != "v1" {
		t.Fatalf("a put with VersionStages moved AWSCURRENT: %q", v)
	}
	// A label names one version: a second put with it takes it over.
	b, err := put(c, "x", "b", "", "PENDING")
	if err != nil {
		t.Fatal(err)
	}
	if st := s.SecretStages("x"); st["PENDING"] != aws.ToString(b.VersionId) || st["PENDING"] == aws.ToString(a.VersionId) {
		t.Errorf("PENDING on %q, want the newest version", st["PENDING"])
	}
	// The first version of a secret becomes current whatever the labels.
	s.CreateSecret("fresh", "")
	if _, err := put(c, "fresh", "first", "", "PENDING"); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.SecretValue("fresh"); !ok || v != "first" {
		t.Errorf("first version not current: %q %v", v, ok)
	}
}

func TestSecretsManagerClientRequestTokenIdempotency(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.CreateSecret("x", "v1")
	c := smClient(s)
	tok := strings.Repeat("a", 36)
	first, err := put(c, "x", "v2", tok, "PENDING")
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(first.VersionId) != tok {
		t.Errorf("VersionId %q, want the ClientRequestToken", aws.ToString(first.VersionId))
	}
	if _, err := put(c, "x", "v2", tok, "PENDING"); err != nil {
		t.Fatalf("same token, same value: %v", err)
	}
	if n := s.SecretVersionCount("x"); n != 2 {
		t.Errorf("%d versions after an idempotent retry, want 2", n)
	}
	_, err = put(c, "x", "other", tok, "PENDING")
	var re *smtypes.ResourceExistsException
	if !errors.As(err, &re) {
		t.Fatalf("same token, other value: %v", err)
	}
	if _, err := put(c, "x", "v3", "short"); smCode(err) != SMErrInvalidParameter {
		t.Errorf("a 5-character token: %v", err)
	}
}

func TestSecretsManagerPutNeedsOneValue(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.CreateSecret("x", "v1")
	c := smClient(s)
	_, err := c.PutSecretValue(context.Background(), &sm.PutSecretValueInput{SecretId: aws.String("x")})
	if smCode(err) != SMErrInvalidParameter {
		t.Errorf("no value: %v", err)
	}
	_, err = c.PutSecretValue(context.Background(), &sm.PutSecretValueInput{
		SecretId: aws.String("x"), SecretString: aws.String("s"), SecretBinary: []byte("b"),
	})
	if smCode(err) != SMErrInvalidParameter {
		t.Errorf("both values: %v", err)
	}
	if _, err := c.PutSecretValue(context.Background(), &sm.PutSecretValueInput{
		SecretId: aws.String("x"), SecretBinary: []byte{0, 1},
	}); err != nil {
		t.Fatal(err)
	}
	if out := getCurrent(t, c, "x"); out.SecretString != nil || !bytes.Equal(out.SecretBinary, []byte{0, 1}) {
		t.Errorf("binary version: %+v", out)
	}
}

// UpdateSecretVersionStage is the compare-and-swap: moving AWSCURRENT needs
// RemoveFromVersionId naming the version it is on.
func TestSecretsManagerUpdateStageIsCompareAndSwap(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.CreateSecret("x", "v1")
	c := smClient(s)
	v1 := aws.ToString(getCurrent(t, c, "x").VersionId)
	a, _ := put(c, "x", "a", "", "PENDING")
	b, _ := put(c, "x", "b", "", "PENDING")
	va, vb := aws.ToString(a.VersionId), aws.ToString(b.VersionId)

	if err := move(c, StageCurrent, va, ""); smCode(err) != SMErrInvalidParameter {
		t.Fatalf("move without RemoveFromVersionId: %v", err)
	}
	if err := move(c, StageCurrent, va, vb); smCode(err) != SMErrInvalidParameter {
		t.Fatalf("move from the wrong version: %v", err)
	}
	if err := move(c, StageCurrent, va, v1); err != nil {
		t.Fatalf("move from the current version: %v", err)
	}
	st := s.SecretStages("x")
	if st[StageCurrent] != va || st[StagePrevious] != v1 {
		t.Errorf("after the move: %v", st)
	}
	// The loser read v1 too: its swap fails now.
	if err := move(c, StageCurrent, vb, v1); smCode(err) != SMErrInvalidParameter {
		t.Fatalf("second writer: %v", err)
	}
	if v, _ := s.SecretValue("x"); v != "a" {
		t.Errorf("current %q, want the winner's", v)
	}
	// Repeating the winning move (a retry after a lost answer) names a
	// version the label has left.
	if err := move(c, StageCurrent, va, v1); smCode(err) != SMErrInvalidParameter {
		t.Errorf("repeated move: %v", err)
	}
	if err := move(c, StageCurrent, va, ""); err != nil {
		t.Errorf("label already there: %v", err)
	}
	// Removing a label needs the version it is on.
	if err := move(c, "PENDING", "", va); smCode(err) != SMErrInvalidParameter {
		t.Errorf("remove from the wrong version: %v", err)
	}
	if err := move(c, "PENDING", "", vb); err != nil {
		t.Errorf("remove: %v", err)
	}
	if _, ok := s.SecretStages("x")["PENDING"]; ok {
		t.Error("PENDING still attached")
	}
	if err := move(c, "NEW", vb, ""); err != nil {
		t.Errorf("attach an unused label: %v", err)
	}
	if err := move(c, "NEW", "", ""); smCode(err) != SMErrInvalidParameter {
		t.Errorf("neither version: %v", err)
	}
	if err := move(c, StageCurrent, "00000000-0000-0000-0000-000000000000", va); smCode(err) != SMErrResourceNotFound {
		t.Errorf("unknown version: %v", err)
	}
}

func TestSecretsManagerDescribeSecret(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	arn := s.CreateSecret("x", "v1")
	c := smClient(s)
	_, _ = put(c, "x", "v2", "")
	out, err := c.DescribeSecret(context.Background(), &sm.DescribeSecretInput{SecretId: aws.String("x")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ARN) != arn || len(out.VersionIdsToStages) != 2 || out.DeletedDate != nil {
		t.Errorf("describe: %+v", out)
	}
	s.DeleteSecret("x")
	out, err = c.DescribeSecret(context.Background(), &sm.DescribeSecretInput{SecretId: aws.String("x")})
	if err != nil || out.DeletedDate == nil {
		t.Errorf("describe a deleted secret: %v %+v", err, out)
	}
	var ir *smtypes.InvalidRequestException
	if _, err := c.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String("x")}); !errors.As(err, &ir) {
		t.Errorf("read a deleted secret: %v", err)
	}
}

func TestSecretsManagerRequiresSigV4(t *testing.T) {
	s := newTestServer(t, PoolConfig{Region: "eu-west-1"})
	s.CreateSecret("x", "v1")
	cases := map[string]struct {
		auth   string
		status int
	}{
		"unsigned":      {"", http.StatusForbidden},
		"malformed":     {"AWS4-HMAC-SHA256 Credential=AKID", http.StatusBadRequest},
		"other region":  {"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64), http.StatusBadRequest},
		"other service": {"AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64), http.StatusBadRequest},
	}
	for name, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(`{"SecretId":"x"}`))
		req.Header.Set("Content-Type", jsonContentType)
		req.Header.Set("X-Amz-Target", smTargetPrefix+SMGetSecretValue)
		req.Header.Set("X-Amz-Date", "20260101T000000Z")
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", name, resp.StatusCode, tc.status)
		}
	}
	// The SDK's anonymous client sends no signature and is refused.
	anon := sm.NewFromConfig(aws.Config{Region: "eu-west-1", Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1},
		func(o *sm.Options) { o.BaseEndpoint = aws.String(s.URL) })
	if _, err := anon.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String("x")}); smCode(err) != SMErrMissingAuthToken {
		t.Errorf("anonymous: %v", err)
	}
	if _, err := smClient(s).GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String("x")}); err != nil {
		t.Errorf("signed: %v", err)
	}
}

func TestSecretsManagerDenyAndFaults(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.CreateSecret("x", "v1")
	c := smClient(s)
	s.DenySecretsManager(SMPutSecretValue)
	if _, err := put(c, "x", "v2", ""); smCode(err) != SMErrAccessDenied {
		t.Errorf("denied put: %v", err)
	}
	getCurrent(t, c, "x") // other operations still allowed
	s.DenySecretsManager()
	if _, err := put(c, "x", "v2", ""); err != nil {
		t.Errorf("after clearing: %v", err)
	}

	// Faults target one operation and leave the others alone.
	s.InjectSecretsManagerFault(SMPutSecretValue, Fault{ErrorType: SMErrThrottling})
	getCurrent(t, c, "x")
	if _, err := put(c, "x", "v3", ""); smCode(err) != SMErrThrottling {
		t.Errorf("throttle: %v", err)
	}
	s.InjectSecretsManagerFault("", Fault{ErrorType: SMErrInternalService})
	_, err := c.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String("x")})
	var ise *smtypes.InternalServiceError
	if !errors.As(err, &ise) {
		t.Errorf("5xx: %v", err)
	}
	// AfterProcessing: the write happened, the answer is lost.
	s.InjectSecretsManagerFault(SMPutSecretValue, Fault{Status: http.StatusBadGateway, AfterProcessing: true})
	if _, err := put(c, "x", "v4", ""); err == nil {
		t.Error("lost answer reported success")
	}
	if v, _ := s.SecretValue("x"); v != "v4" {
		t.Errorf("processed write: current %q", v)
	}
	// A hang ends when the client gives up.
	s.InjectSecretsManagerFault(SMGetSecretValue, Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("x")}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hang: %v", err)
	}
	s.InjectSecretsManagerFault(SMGetSecretValue, Fault{ResetConnection: true})
	if _, err := c.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String("x")}); err == nil {
		t.Error("reset connection reported success")
	}
	// Cognito's faults and counters are separate from Secrets Manager's.
	if s.RequestCount() != 0 || s.PendingFaults() != 0 {
		t.Errorf("Cognito saw %d requests, %d faults", s.RequestCount(), s.PendingFaults())
	}
}

// listAll pages through ListSecretVersionIds.
func listAll(t *testing.T, c *sm.Client, id string, deprecated bool) []smtypes.SecretVersionsListEntry {
	t.Helper()
	var out []smtypes.SecretVersionsListEntry
	p := sm.NewListSecretVersionIdsPaginator(c, &sm.ListSecretVersionIdsInput{SecretId: aws.String(id), IncludeDeprecated: aws.Bool(deprecated)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListSecretVersionIds: %v", err)
		}
		out = append(out, page.Versions...)
	}
	return out
}

func TestSecretsManagerListSecretVersionIds(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.CreateSecret("x", "v1")
	c := smClient(s)
	v1 := aws.ToString(getCurrent(t, c, "x").VersionId)
	p, err := put(c, "x", "p", "", "PENDING")
	if err != nil {
		t.Fatal(err)
	}
	s.AddSecretVersions("x", 150, time.Hour)

	labelled := listAll(t, c, "x", false)
	if len(labelled) != 2 {
		t.Fatalf("without IncludeDeprecated: %d versions, want the 2 labelled ones", len(labelled))
	}
	// Newest first.
	if aws.ToString(labelled[0].VersionId) != aws.ToString(p.VersionId) || aws.ToString(labelled[1].VersionId) != v1 ||
		len(labelled[1].VersionStages) != 1 || labelled[1].VersionStages[0] != StageCurrent || labelled[0].CreatedDate == nil {
		t.Errorf("labelled versions: %+v", labelled)
	}
	// 152 versions: more than one page of 100, as the quota allows only
	// for versions the 24-hour rule keeps.
	if all := listAll(t, c, "x", true); len(all) != 152 {
		t.Errorf("with IncludeDeprecated: %d versions, want 152", len(all))
	}
	first, err := c.ListSecretVersionIds(context.Background(), &sm.ListSecretVersionIdsInput{SecretId: aws.String("x"), IncludeDeprecated: aws.Bool(true), MaxResults: aws.Int32(10)})
	if err != nil || len(first.Versions) != 10 || first.NextToken == nil {
		t.Errorf("MaxResults 10: %v, %d versions, next %v", err, len(first.Versions), first.NextToken)
	}
	if _, err := c.ListSecretVersionIds(context.Background(), &sm.ListSecretVersionIdsInput{SecretId: aws.String("x"), NextToken: aws.String("nope")}); smCode(err) != SMErrInvalidParameter {
		t.Errorf("bad NextToken: %v", err)
	}
}

// The quota counts every version; PutSecretValue may only remove unlabeled
// versions at least 24 hours old to make room for a new one.
func TestSecretsManagerVersionQuotaAnd24HourRule(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.CreateSecret("x", "v1")
	c := smClient(s)
	s.AddSecretVersions("x", SecretVersionQuota-2, 0)
	if _, err := put(c, "x", "last", ""); err != nil {
		t.Fatalf("the 100th version: %v", err)
	}
	if n := s.SecretVersionCount("x"); n != SecretVersionQuota {
		t.Fatalf("%d versions, want %d", n, SecretVersionQuota)
	}
	_, err := put(c, "x", "one too many", "11111111-2222-3333-4444-555555555555")
	if smCode(err) != SMErrLimitExceeded {
		t.Fatalf("the 101st version: %v, want %s", err, SMErrLimitExceeded)
	}
	if v, _ := s.SecretValue("x"); v != "last" || s.SecretVersionCount("x") != SecretVersionQuota {
		t.Errorf("a refused put changed the secret: current %q, %d versions", v, s.SecretVersionCount("x"))
	}
	// An idempotent repeat of an existing version creates nothing.
	cur := aws.ToString(getCurrent(t, c, "x").VersionId)
	if _, err := put(c, "x", "last", cur); err != nil {
		t.Errorf("idempotent repeat at the quota: %v", err)
	}

	// Just short of 24 hours nothing can go; past it the oldest unlabeled
	// version makes room, and labelled ones stay whatever their age.
	s.Advance(SecretVersionMinAge - time.Minute)
	if _, err := put(c, "x", "still too many", ""); smCode(err) != SMErrLimitExceeded {
		t.Fatalf("after 23h59m: %v, want %s", err, SMErrLimitExceeded)
	}
	s.Advance(time.Minute)
	stages := s.SecretStages("x")
	if _, err := put(c, "x", "room", ""); err != nil {
		t.Fatalf("after 24h: %v", err)
	}
	if n := s.SecretVersionCount("x"); n != SecretVersionQuota {
		t.Errorf("%d versions after the removal, want %d", n, SecretVersionQuota)
	}
	for label, id := range stages {
		if _, err := c.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String("x"), VersionId: aws.String(id)}); err != nil {
			t.Errorf("labelled version %s (%s) removed: %v", id, label, err)
		}
	}
}

// CreateSecret through the real SDK, as `aws secretsmanager create-secret`
// sends it: the value becomes AWSCURRENT under the request token, a name
// that exists or is malformed is refused, and no value means no version.
func TestSecretsManagerCreateSecret(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	c := smClient(s)
	ctx := context.Background()
	token := strings.Repeat("a", 32)
	out, err := c.CreateSecret(ctx, &sm.CreateSecretInput{
		Name: aws.String("terraform/cognito-refresh-token"), SecretString: aws.String("rt"), ClientRequestToken: aws.String(token),
	})
	if err != nil {
		t.Fatalf("CreateSecret: %v", err)
	}
	if aws.ToString(out.VersionId) != token || !strings.HasPrefix(aws.ToString(out.ARN), "arn:aws:secretsmanager:"+s.Region()+":") {
		t.Errorf("got %+v", out)
	}
	got := getCurrent(t, c, aws.ToString(out.ARN))
	if aws.ToString(got.SecretString) != "rt" || aws.ToString(got.VersionId) != token {
		t.Errorf("GetSecretValue: %+v", got)
	}
	if _, err := put(c, "terraform/cognito-refresh-token", "rt2", ""); err != nil {
		t.Fatalf("PutSecretValue after CreateSecret: %v", err)
	}
	if v, _ := s.SecretValue("terraform/cognito-refresh-token"); v != "rt2" {
		t.Errorf("current value %q after put-secret-value", v)
	}

	for name, in := range map[string]*sm.CreateSecretInput{
		"exists":    {Name: aws.String("terraform/cognito-refresh-token"), SecretString: aws.String("x")},
		"bad name":  {Name: aws.String("a b"), SecretString: aws.String("x")},
		"both kind": {Name: aws.String("both"), SecretString: aws.String("x"), SecretBinary: []byte("x")},
		"no name":   {SecretString: aws.String("x")},
	} {
		_, err := c.CreateSecret(ctx, in)
		want := SMErrInvalidParameter
		if name == "exists" {
			want = SMErrResourceExists
		}
		if name == "no name" && err != nil && smCode(err) == "" {
			continue // the SDK refuses a missing required member itself
		}
		if smCode(err) != want {
			t.Errorf("%s: got %v, want %s", name, err, want)
		}
	}

	if _, err := c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String("empty")}); err != nil {
		t.Fatalf("CreateSecret without a value: %v", err)
	}
	if _, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("empty")}); smCode(err) != SMErrResourceNotFound {
		t.Errorf("GetSecretValue of a secret without a value: %v", err)
	}
}

// CreateSecret as a client without an SDK sends it: no name, no request
// token (the double makes one, as the SDKs would), a token of the wrong
// length; and a binary value.
func TestSecretsManagerCreateSecretRaw(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	auth := "AWS4-HMAC-SHA256 Credential=AKID/20260101/" + s.Region() + "/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64)
	for body, want := range map[string]int{
		`{"SecretString":"x"}`: http.StatusBadRequest,
		`{"Name":"t","SecretString":"x","ClientRequestToken":"short"}`: http.StatusBadRequest,
		`{"Name":"raw","SecretString":"v"}`:                            http.StatusOK,
	} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", jsonContentType)
		req.Header.Set("X-Amz-Target", smTargetPrefix+SMCreateSecret)
		req.Header.Set("X-Amz-Date", "20260101T000000Z")
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", body, resp.StatusCode, want)
		}
	}
	if v, ok := s.SecretValue("raw"); !ok || v != "v" {
		t.Errorf("raw: %q %v", v, ok)
	}
	if _, ok := s.SecretValue("t"); ok {
		t.Error("a refused CreateSecret created a secret")
	}
	c := smClient(s)
	if _, err := c.CreateSecret(context.Background(), &sm.CreateSecretInput{Name: aws.String("bin"), SecretBinary: []byte{1, 2}}); err != nil {
		t.Fatal(err)
	}
	out := getCurrent(t, c, "bin")
	if !bytes.Equal(out.SecretBinary, []byte{1, 2}) || out.SecretString != nil {
		t.Errorf("binary secret: %+v", out)
	}
}
