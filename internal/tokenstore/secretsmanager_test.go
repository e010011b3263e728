package tokenstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	smithy "github.com/aws/smithy-go"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

func TestSecretsManagerReadThroughEndpointEnv(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	arn := pool.CreateSecret("app/token", " tok-1\n")
	for _, id := range []string{"app/token", arn} {
		s := smStore(pool, id, 1)
		snap, err := s.Read(context.Background())
		if err != nil || snap.Token != "tok-1" || snap.version == "" {
			t.Fatalf("%s: %q %v", id, snap.Token, err)
		}
	}
	if got := smStore(pool, "app/token", 1).Name(); got != `Secrets Manager secret "app/token"` {
		t.Errorf("Name %q", got)
	}
	// Without the variable the SDK would go to AWS: the double saw our reads.
	if n := pool.SecretsManagerCalls(cognitotest.SMGetSecretValue); n != 2 {
		t.Errorf("double saw %d reads", n)
	}
}

func TestSecretsManagerReadFailures(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("none", "")
	pool.CreateSecret("blank", "  ")
	pool.CreateSecret("json", `{"refresh_token":"x"}`)
	pool.CreateSecret("bin", "x")
	pool.SetSecretBinary("bin", []byte{1, 2})
	pool.CreateSecret("gone", "x")
	pool.DeleteSecret("gone")
	cases := map[string]struct {
		reason Reason
		code   string
	}{
		"missing": {NotFound, "ResourceNotFoundException"},
		"none":    {NotFound, "ResourceNotFoundException"},
		"blank":   {Empty, ""},
		"json":    {Malformed, ""},
		"bin":     {Malformed, "SecretBinary"},
		"gone":    {Other, "InvalidRequestException"},
	}
	for id, want := range cases {
		s := smStore(pool, id, 1)
		_, err := s.Read(context.Background())
		e := reasonOf(t, err)
		if e.Reason != want.reason || e.Code != want.code || e.Op != opRead || e.Store != s.Name() {
			t.Errorf("%s: %+v", id, e)
		}
		if strings.Contains(err.Error(), "refresh_token") {
			t.Errorf("%s: the value leaked into %q", id, err)
		}
	}
	pool.DenySecretsManager(cognitotest.SMGetSecretValue)
	_, err := smStore(pool, "json", 1).Read(context.Background())
	if e := reasonOf(t, err); e.Reason != AccessDenied || e.Code != "AccessDeniedException" {
		t.Errorf("denied: %+v", e)
	}
}

func TestSecretsManagerNoCredentials(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	isolateAWSEnv(t)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", pool.URL)
	pool.CreateSecret("x", "tok")
	_, err := smStore(pool, "x", 1).Read(ctxTimeout(t, 20*time.Second))
	if e := reasonOf(t, err); e.Reason != NoCredentials {
		t.Fatalf("%+v: %v", e, errors.Unwrap(e))
	}
	if n := pool.SecretsManagerCalls(""); n != 0 {
		t.Errorf("an unsigned request reached the service (%d)", n)
	}
}

func TestSecretsManagerRegionApplies(t *testing.T) {
	pool, _, _ := rotatingPool(t, true) // us-east-1
	smEnv(t, pool)
	pool.CreateSecret("x", "tok")
	s := NewSecretsManager("x", SecretsManagerOptions{Region: "eu-west-1", Policy: policy(1)})
	_, err := s.Read(context.Background())
	if e := reasonOf(t, err); e.Reason != InvalidCredentials {
		t.Errorf("a request signed for eu-west-1 at a us-east-1 service: %+v", e)
	}
	// Without Region the SDK chain's region applies.
	t.Setenv("AWS_REGION", pool.Region())
	if _, err := NewSecretsManager("x", SecretsManagerOptions{Policy: policy(1)}).Read(context.Background()); err != nil {
		t.Errorf("region from AWS_REGION: %v", err)
	}
}

func TestSecretsManagerReplaceIsCompareAndSwap(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", "t0")
	s := smStore(pool, "x", 1)
	snap, err := s.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ok, err := s.Replace(context.Background(), snap, "t1")
	if err != nil || !ok {
		t.Fatalf("replace: %v %v", ok, err)
	}
	if v, _ := pool.SecretValue("x"); v != "t1" {
		t.Fatalf("current %q", v)
	}
	st := pool.SecretStages("x")
	if st[cognitotest.StagePrevious] != snap.version || st[PendingStage] != st[cognitotest.StageCurrent] {
		t.Errorf("stages after the swap: %v", st)
	}
	// A writer that read t0 loses; t1 stays current, and the loser
	// creates no version (each counts against the quota for 24 hours).
	ok, err = s.Replace(context.Background(), snap, "t2")
	if err != nil || ok {
		t.Fatalf("stale replace: %v %v", ok, err)
	}
	if v, _ := pool.SecretValue("x"); v != "t1" {
		t.Errorf("current after a lost race %q", v)
	}
	if _, err := s.Replace(context.Background(), snap, "not a token"); reasonOf(t, err).Reason != Malformed {
		t.Errorf("malformed next: %v", err)
	}
	if n, v := pool.SecretsManagerCalls(cognitotest.SMPutSecretValue), pool.SecretVersionCount("x"); n != 1 || v != 2 {
		t.Errorf("%d PutSecretValue calls and %d versions, want 1 and 2 (the loser and the malformed value write nothing)", n, v)
	}
}

// A lost answer to the move is retried; the retry meets
// InvalidParameterException because the label has moved, and the store
// recognizes its own version.
func TestSecretsManagerReplaceAfterLostAnswer(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", "t0")
	s := smStore(pool, "x", 3)
	snap, _ := s.Read(context.Background())
	pool.InjectSecretsManagerFault(cognitotest.SMUpdateSecretVersionStage, cognitotest.Fault{Status: http.StatusBadGateway, AfterProcessing: true})
	pool.InjectSecretsManagerFault(cognitotest.SMPutSecretValue, cognitotest.Fault{Status: http.StatusBadGateway, AfterProcessing: true})
	ok, err := s.Replace(context.Background(), snap, "t1")
	if err != nil || !ok {
		t.Fatalf("replace: %v %v", ok, err)
	}
	if v, _ := pool.SecretValue("x"); v != "t1" {
		t.Errorf("current %q", v)
	}
	// The retried put was idempotent: one new version, not two.
	if n := pool.SecretVersionCount("x"); n != 2 {
		t.Errorf("%d versions", n)
	}
}

func TestSecretsManagerWriteFailures(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", "t0")
	s := smStore(pool, "x", 2)
	snap, _ := s.Read(context.Background())
	for _, op := range []string{cognitotest.SMPutSecretValue, cognitotest.SMUpdateSecretVersionStage} {
		pool.DenySecretsManager(op)
		_, err := s.Replace(context.Background(), snap, "t1")
		e := reasonOf(t, err)
		if e.Reason != AccessDenied || e.Op != opWrite {
			t.Errorf("%s denied: %+v", op, e)
		}
		// After a stored put the version that holds the token is named.
		if pending := op == cognitotest.SMUpdateSecretVersionStage; pending != (e.PendingVersion != "") ||
			pending && (pool.SecretStages("x")[PendingStage] != e.PendingVersion || !strings.Contains(e.Error(), e.PendingVersion)) {
			t.Errorf("%s denied: pending version %q, stages %v", op, e.PendingVersion, pool.SecretStages("x"))
		}
	}
	pool.DenySecretsManager()
	// Throttled on every attempt: the policy's attempts, then Throttled.
	pool.InjectSecretsManagerFault(cognitotest.SMPutSecretValue, cognitotest.Fault{ErrorType: cognitotest.SMErrThrottling, Times: 2})
	_, err := s.Replace(context.Background(), snap, "t1")
	if e := reasonOf(t, err); e.Reason != Throttled || e.Attempts != 2 || e.Code != "ThrottlingException" {
		t.Errorf("throttled: %+v", e)
	}
	// The re-read after a refused move can fail too.
	pool.InjectSecretsManagerFault(cognitotest.SMUpdateSecretVersionStage, cognitotest.Fault{ErrorType: cognitotest.SMErrInvalidParameter})
	pool.InjectSecretsManagerFault(cognitotest.SMGetSecretValue, cognitotest.Fault{ErrorType: cognitotest.SMErrAccessDenied})
	_, err = s.Replace(context.Background(), snap, "t1")
	if e := reasonOf(t, err); e.Reason != AccessDenied || e.Op != opWrite || e.PendingVersion == "" {
		t.Errorf("re-read: %+v", e)
	}
	if v, _ := pool.SecretValue("x"); v != "t0" {
		t.Errorf("current %q", v)
	}
}

func TestSecretsManagerUnreachableAndTimeout(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", "t0")
	pool.InjectSecretsManagerFault("", cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService, Times: 2})
	_, err := smStore(pool, "x", 2).Read(context.Background())
	if e := reasonOf(t, err); e.Reason != Unreachable || e.Attempts != 2 {
		t.Errorf("5xx: %+v", e)
	}
	pool.InjectSecretsManagerFault("", cognitotest.Fault{ErrorType: "InternalFailure", Status: http.StatusInternalServerError})
	if _, err := smStore(pool, "x", 1).Read(context.Background()); reasonOf(t, err).Reason != Unreachable {
		t.Errorf("500 with an unknown code: %v", err)
	}
	pool.InjectSecretsManagerFault("", cognitotest.Fault{ErrorType: "SomethingNew"})
	if e := reasonOf(t, func() error { _, err := smStore(pool, "x", 1).Read(context.Background()); return err }()); e.Reason != Other || e.Code != "SomethingNew" {
		t.Errorf("400 with an unknown code: %+v", e)
	}
	pool.InjectSecretsManagerFault("", cognitotest.Fault{Status: http.StatusServiceUnavailable})
	if e := reasonOf(t, func() error { _, err := smStore(pool, "x", 1).Read(context.Background()); return err }()); e.Reason != Unreachable || e.Code != "HTTP503" {
		t.Errorf("503 HTML page: %+v", e)
	}
	pool.InjectSecretsManagerFault("", cognitotest.Fault{Status: http.StatusInternalServerError})
	if e := reasonOf(t, func() error { _, err := smStore(pool, "x", 1).Read(context.Background()); return err }()); e.Reason != Unreachable || e.Code != "HTTP500" {
		t.Errorf("500 HTML page: %+v", e)
	}
	pool.InjectSecretsManagerFault("", cognitotest.Fault{Status: http.StatusForbidden, Body: "<html>denied</html>", ContentType: "text/html"})
	if e := reasonOf(t, func() error { _, err := smStore(pool, "x", 1).Read(context.Background()); return err }()); e.Reason == Unreachable {
		t.Errorf("403 HTML page: %+v", e)
	}
	pool.InjectSecretsManagerFault("", cognitotest.Fault{Delay: time.Minute})
	if _, err := smStore(pool, "x", 1).Read(ctxTimeout(t, 300*time.Millisecond)); reasonOf(t, err).Reason != Timeout {
		t.Errorf("hang: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := smStore(pool, "x", 1).Read(ctx); reasonOf(t, err).Reason != Canceled {
		t.Errorf("canceled: %v", err)
	}
	// Nothing listens: unreachable after the policy's attempts.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", dead)
	_, err = smStore(pool, "x", 2).Read(context.Background())
	if e := reasonOf(t, err); e.Reason != Unreachable || e.Attempts != 2 {
		t.Errorf("connection refused: %+v", e)
	}
}

// The store is unreachable before the exchange: no request goes to Cognito.
func TestCycleSecretsManagerUnreachableSpendsNothing(t *testing.T) {
	pool, client, rt := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", rt)
	pool.InjectSecretsManagerFault(cognitotest.SMGetSecretValue, cognitotest.Fault{ResetConnection: true, Times: 2})
	_, err := Cycle(context.Background(), smStore(pool, "x", 2), cognitoExchange(pool, client.ID), isReuse)
	if e := reasonOf(t, err); e.Reason != Unreachable || e.Op != opRead {
		t.Fatalf("%+v", e)
	}
	if n := pool.RequestCount(); n != 0 {
		t.Errorf("%d Cognito requests; the token must not be spent", n)
	}
}

func TestCycleSecretsManagerNoRotationNoWrite(t *testing.T) {
	pool, client, rt := rotatingPool(t, false)
	smEnv(t, pool)
	pool.CreateSecret("x", rt)
	s := smStore(pool, "x", 1)
	for range 3 {
		if out, err := Cycle(context.Background(), s, cognitoExchange(pool, client.ID), isReuse); err != nil || out.Rotated {
			t.Fatalf("%v %+v", err, out)
		}
	}
	if n := pool.SecretsManagerCalls(cognitotest.SMPutSecretValue) + pool.SecretsManagerCalls(cognitotest.SMUpdateSecretVersionStage); n != 0 {
		t.Errorf("%d writes without rotation", n)
	}
}

// The write after rotation fails on every attempt: the token is lost and
// the error says so.
func TestCycleSecretsManagerWriteFailureLosesToken(t *testing.T) {
	pool, client, rt := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", rt)
	pool.InjectSecretsManagerFault(cognitotest.SMPutSecretValue, cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService, Times: 3})
	out, err := Cycle(context.Background(), smStore(pool, "x", 3), cognitoExchange(pool, client.ID), isReuse)
	e := reasonOf(t, err)
	if !e.TokenLost || e.Reason != Unreachable || e.Attempts != 3 || !out.Rotated || out.WriteSpan <= 0 {
		t.Fatalf("%+v %+v", e, out)
	}
	if !strings.Contains(e.Error(), "not stored") {
		t.Errorf("message %q does not say the token was lost", e.Error())
	}
	// The same faults fewer times than the policy's attempts are survived.
	pool2, client2, rt2 := rotatingPool(t, true)
	smEnv(t, pool2)
	pool2.CreateSecret("x", rt2)
	pool2.InjectSecretsManagerFault(cognitotest.SMPutSecretValue, cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService, Times: 2})
	if out, err := Cycle(context.Background(), smStore(pool2, "x", 3), cognitoExchange(pool2, client2.ID), isReuse); err != nil || !out.Written {
		t.Fatalf("retried write: %v %+v", err, out)
	}
}

func TestCycleConcurrentSecretsManagerGraceZero(t *testing.T) {
	pool, client, rt := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", rt)
	concurrentRuns(t, smStore(pool, "x", 3), cognitoExchange(pool, client.ID), 8)
}

func TestClassifyAWS(t *testing.T) {
	cases := []struct {
		err  error
		want Reason
		code string
	}{
		{&smithy.GenericAPIError{Code: "ExpiredTokenException"}, InvalidCredentials, "ExpiredTokenException"},
		{&smithy.GenericAPIError{Code: "DecryptionFailure"}, AccessDenied, "DecryptionFailure"},
		{&smithy.GenericAPIError{Code: "Weird"}, Other, "Weird"},
		{errors.New("get identity: x"), NoCredentials, ""},
		{errors.New("failed to refresh cached credentials, no provider"), NoCredentials, ""},
		{&net.DNSError{IsTimeout: true}, Timeout, ""},
		{&net.DNSError{IsNotFound: true}, Unreachable, ""},
		{errors.New("x"), Other, ""},
	}
	for _, c := range cases {
		r, code := classifyAWS(c.err)
		if r != c.want || code != c.code {
			t.Errorf("%v: %v %q", c.err, r, code)
		}
	}
	if n := attempts(&retry.MaxAttemptsError{Attempt: 4}); n != 4 {
		t.Errorf("attempts %d", n)
	}
}

// The zero Policy resolves like the provider's defaults, AWS_MAX_ATTEMPTS
// included.
func TestSecretsManagerZeroPolicyHonoursEnvironment(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	pool.CreateSecret("x", "t0")
	pool.InjectSecretsManagerFault("", cognitotest.Fault{ErrorType: cognitotest.SMErrInternalService, Times: 5})
	s := NewSecretsManager("x", SecretsManagerOptions{Region: pool.Region()})
	_, err := s.Read(context.Background())
	if e := reasonOf(t, err); e.Attempts != 2 {
		t.Errorf("%d attempts, want AWS_MAX_ATTEMPTS=2", e.Attempts)
	}
	// An explicit policy wins over the variable.
	_, err = smStore(pool, "x", 3).Read(context.Background())
	if e := reasonOf(t, err); e.Attempts != 3 {
		t.Errorf("%d attempts, want the policy's 3", e.Attempts)
	}
}

// smStoreAt is smStore measuring the versions' ages on the double's clock.
func smStoreAt(s *cognitotest.Server, id string, attempts int) Store {
	return NewSecretsManager(id, SecretsManagerOptions{
		Region: s.Region(), HTTPClient: &http.Client{Timeout: 10 * time.Second}, Policy: policy(attempts), Now: s.Now,
	})
}

// With no room for the reserve and one more version, the cycle stops
// before the exchange: Cognito never sees the token, which stays valid.
func TestCycleSecretsManagerQuotaRefusesBeforeSpending(t *testing.T) {
	pool, client, rt := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", rt)
	// Old unlabeled versions are removable and do not count.
	pool.AddSecretVersions("x", 10, VersionMinAge+time.Minute)
	pool.AddSecretVersions("x", SecretVersionQuota-VersionReserve-2, time.Hour)
	s := smStoreAt(pool, "x", 1)
	exchange := cognitoExchange(pool, client.ID)
	// 89 held: room for this write.
	if out, err := Cycle(context.Background(), s, exchange, isReuse); err != nil || !out.Written {
		t.Fatalf("with room: %v %+v", err, out)
	}
	// 90 held (the 89, and the write's): refused, nothing spent.
	before := pool.RequestCount()
	_, err := Cycle(context.Background(), s, exchange, isReuse)
	e := reasonOf(t, err)
	if e.Reason != VersionQuota || e.Op != opCheck || e.TokenLost || e.Versions != SecretVersionQuota-VersionReserve {
		t.Fatalf("%+v", e)
	}
	// The oldest held version (an hour old) frees a slot in 23 hours.
	if want := pool.Now().Add(VersionMinAge - time.Hour); e.VersionsFreeAt.Before(want.Add(-time.Minute)) || e.VersionsFreeAt.After(want.Add(time.Minute)) {
		t.Errorf("frees at %v, want about %v", e.VersionsFreeAt, want)
	}
	if n := pool.RequestCount(); n != before {
		t.Errorf("%d Cognito requests after the refusal; nothing may be spent", n-before)
	}
	// After 23 hours the run goes on with the same, unspent token.
	pool.Advance(VersionMinAge - time.Hour)
	if out, err := Cycle(context.Background(), s, exchange, isReuse); err != nil || !out.Written {
		t.Fatalf("a day later: %v %+v", err, out)
	}
}

func TestHeldVersions(t *testing.T) {
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	at := func(age time.Duration) *time.Time { t := now.Add(-age); return &t }
	var all []smtypes.SecretVersionsListEntry
	all = append(all, smtypes.SecretVersionsListEntry{VersionStages: []string{"AWSCURRENT"}, CreatedDate: at(48 * time.Hour)})
	for i := range SecretVersionQuota - VersionReserve {
		all = append(all, smtypes.SecretVersionsListEntry{CreatedDate: at(time.Duration(i) * time.Minute)})
	}
	all = append(all, smtypes.SecretVersionsListEntry{CreatedDate: at(VersionMinAge)})
	held, freeAt := heldVersions(all, now)
	// The labelled one counts whatever its age, the 24-hour-old one not;
	// two of the 90 young ones must age out: the second oldest decides.
	if held != SecretVersionQuota-VersionReserve+1 {
		t.Errorf("held %d", held)
	}
	if want := now.Add(VersionMinAge - time.Duration(SecretVersionQuota-VersionReserve-2)*time.Minute); !freeAt.Equal(want) {
		t.Errorf("free at %v, want %v", freeAt, want)
	}
	// Labelled versions alone can fill it: no date to give.
	labelled := make([]smtypes.SecretVersionsListEntry, SecretVersionQuota)
	for i := range labelled {
		labelled[i] = smtypes.SecretVersionsListEntry{VersionStages: []string{"L"}, CreatedDate: at(0)}
	}
	if _, freeAt := heldVersions(labelled, now); !freeAt.IsZero() {
		t.Errorf("free at %v for labelled versions", freeAt)
	}
}

// LimitExceededException is final: one request, not the throttle retries
// the SDK would make, and a reason of its own.
func TestSecretsManagerLimitExceededIsFinal(t *testing.T) {
	pool, client, rt := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", rt)
	// Full, as only concurrent runs past the check (or another writer)
	// could make it: the write after rotation meets the quota.
	pool.AddSecretVersions("x", SecretVersionQuota-1, time.Hour)
	s := NewSecretsManager("x", SecretsManagerOptions{Region: pool.Region(), Policy: policy(5), Now: pool.Now})
	snap, err := s.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Replace(context.Background(), snap, "t1")
	e := reasonOf(t, err)
	if e.Reason != VersionQuota || e.Code != "LimitExceededException" || e.Attempts != 1 || e.Op != opWrite {
		t.Errorf("%+v", e)
	}
	if n := pool.SecretsManagerCalls(cognitotest.SMPutSecretValue); n != 1 {
		t.Errorf("%d PutSecretValue requests, want 1", n)
	}
	// Through a cycle whose check is passed (a concurrent writer filled
	// it): the token is lost, and the error says the quota.
	_, err = Cycle(context.Background(), skipPreflight{s}, cognitoExchange(pool, client.ID), isReuse)
	if e := reasonOf(t, err); e.Reason != VersionQuota || !e.TokenLost {
		t.Errorf("cycle: %+v", e)
	}
}

// skipPreflight hides a store's Preflight, as a run whose check passed
// before other runs filled the quota.
type skipPreflight struct{ Store }

// A run whose check passed, and whose write meets the quota after another
// run's token became current, lost a race: nothing is lost.
func TestSecretsManagerLimitExceededAfterLostRace(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", "t0")
	winner, loser := smStore(pool, "x", 1), smStore(pool, "x", 1)
	snap, _ := loser.Read(context.Background())
	hold := make(chan struct{})
	pool.InjectSecretsManagerFault(cognitotest.SMPutSecretValue, cognitotest.Fault{Hold: hold})
	done := make(chan error)
	go func() {
		ok, err := loser.Replace(context.Background(), snap, "t-loser")
		if ok {
			err = errors.New("the loser swapped")
		}
		done <- err
	}()
	awaitCalls(t, pool, cognitotest.SMPutSecretValue, 1)
	wsnap, _ := winner.Read(context.Background())
	if ok, err := winner.Replace(context.Background(), wsnap, "t-winner"); !ok || err != nil {
		t.Fatalf("winner: %v %v", ok, err)
	}
	pool.AddSecretVersions("x", SecretVersionQuota, time.Hour)
	close(hold)
	if err := <-done; err != nil {
		t.Errorf("loser: %v", err)
	}
	if v, _ := pool.SecretValue("x"); v != "t-winner" {
		t.Errorf("current %q", v)
	}
}

// awaitCalls waits until the double has seen n requests for op.
func awaitCalls(t *testing.T, pool *cognitotest.Server, op string, n int) {
	t.Helper()
	ctx := ctxTimeout(t, 10*time.Second)
	for pool.SecretsManagerCalls(op) < n {
		select {
		case <-ctx.Done():
			t.Fatalf("%s never reached the double", op)
		case <-time.After(time.Millisecond):
		}
	}
}

// Two runs pass the pre-write check together and write in the order W, L,
// then W's move wins: L's version carries the pending label and is the
// newest. The loser takes its label back, so no later Read promotes its
// version over the winner's.
func TestSecretsManagerLoserDropsPendingLabel(t *testing.T) {
	pool, _, _ := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", "t0")
	winner, loser := smStore(pool, "x", 1), smStore(pool, "x", 1)
	wsnap, _ := winner.Read(context.Background())
	lsnap, _ := loser.Read(context.Background())
	replace := func(s Store, snap Snapshot, next string, hold chan struct{}, moves int) chan bool {
		pool.InjectSecretsManagerFault(cognitotest.SMUpdateSecretVersionStage, cognitotest.Fault{Hold: hold})
		done := make(chan bool, 1)
		go func() {
			ok, err := s.Replace(context.Background(), snap, next)
			if err != nil {
				t.Errorf("%s: %v", next, err)
			}
			done <- ok
		}()
		awaitCalls(t, pool, cognitotest.SMUpdateSecretVersionStage, moves)
		return done
	}
	wHold, lHold := make(chan struct{}), make(chan struct{})
	wDone := replace(winner, wsnap, "t-winner", wHold, 1)
	pool.Advance(time.Second)
	lDone := replace(loser, lsnap, "t-loser", lHold, 2)
	close(wHold)
	if !<-wDone {
		t.Fatal("the first move lost")
	}
	close(lHold)
	if <-lDone {
		t.Fatal("the second move won")
	}
	st := pool.SecretStages("x")
	if p, ok := st[PendingStage]; ok && p != st[cognitotest.StageCurrent] {
		t.Errorf("the pending label stays on a version that is not current: %v", st)
	}
	if snap, err := winner.Read(context.Background()); err != nil || snap.Token != "t-winner" {
		t.Errorf("read after the race: %q %v", snap.Token, err)
	}
}

// A swap that failed after the write leaves the only valid token in the
// pending version; the next Read promotes it by compare-and-swap, and the
// chain goes on (grace 0: the current version's token is spent).
func TestSecretsManagerReadPromotesNewerPending(t *testing.T) {
	pool, client, rt := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", rt)
	pool.Advance(time.Second)
	s := smStore(pool, "x", 1)
	exchange := cognitoExchange(pool, client.ID)
	first := pool.SecretStages("x")[cognitotest.StageCurrent]
	pool.DenySecretsManager(cognitotest.SMUpdateSecretVersionStage)
	_, err := Cycle(ctxTimeout(t, 5*time.Second), s, exchange, isReuse)
	e := reasonOf(t, err)
	pending := pool.SecretStages("x")[PendingStage]
	if e.PendingVersion != pending || e.CurrentVersion != first || pending == first {
		t.Fatalf("failed swap: %+v, stages %v", e, pool.SecretStages("x"))
	}
	// The promotion is refused too: named, and nothing spent.
	before := pool.RequestCount()
	_, err = Cycle(ctxTimeout(t, 5*time.Second), s, exchange, isReuse)
	if e := reasonOf(t, err); e.Op != opRead || e.Reason != AccessDenied || e.PendingVersion != pending || e.CurrentVersion != first {
		t.Errorf("failed promotion: %+v", e)
	}
	if pool.RequestCount() != before {
		t.Error("Cognito was called after a failed promotion")
	}
	pool.DenySecretsManager()
	out, err := Cycle(ctxTimeout(t, 5*time.Second), s, exchange, isReuse)
	if err != nil || !out.Written || out.Exchanges != 1 {
		t.Fatalf("after the promotion: %v %+v", err, out)
	}
	if st := pool.SecretStages("x"); st[cognitotest.StagePrevious] != pending {
		t.Errorf("the pending version was not promoted before the write: %v", st)
	}
}

// A run that read the spent token before another run's swap failed meets
// a reuse error; its re-read promotes the pending version and it retries.
func TestCycleSecretsManagerReuseFindsPendingVersion(t *testing.T) {
	pool, client, rt := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", rt)
	pool.Advance(time.Second)
	s := smStore(pool, "x", 1)
	cognitoEx := cognitoExchange(pool, client.ID)
	other := true
	exchange := func(ctx context.Context, tok string) (string, error) {
		if other { // another run rotates first, and its swap fails
			other = false
			pool.DenySecretsManager(cognitotest.SMUpdateSecretVersionStage)
			if _, err := Cycle(ctx, smStore(pool, "x", 1), cognitoEx, isReuse); reasonOf(t, err).PendingVersion == "" {
				t.Fatalf("the other run's swap did not fail: %v", err)
			}
			pool.DenySecretsManager()
		}
		return cognitoEx(ctx, tok)
	}
	out, err := Cycle(ctxTimeout(t, 10*time.Second), s, exchange, isReuse)
	if err != nil || !out.Written || out.Exchanges != 2 {
		t.Fatalf("%v %+v", err, out)
	}
}

// busyDay runs a day of pipelines on one secret, on the double's clock:
// every interval a run plans then applies, and each phase opens the
// resource for instances instances at once, each open rotating the token.
// It reports what the day cost and fails on any lost token, on any
// failure that is not the quota check's, and if the token in the store
// does not work at the end.
type busyDay struct {
	interval  time.Duration
	instances int
	// reuse: the stores keep whole sets and an open reuses one with half
	// its lifetime left (FreshAt without min_remaining_validity), on the
	// double's clock, as the provider does by default.
	reuse bool
}

type busyDayReport struct {
	opens, refused, cognitoCalls, versions int
	firstRefusal                           time.Duration // into the day; 0: none
	longestWrite                           time.Duration
}

func (d busyDay) run(t *testing.T) busyDayReport {
	t.Helper()
	pool, client, rt := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("day", rt)
	s := smStoreAt(pool, "day", 3)
	exchange := cognitoExchange(pool, client.ID)
	cycle := func(ctx context.Context) (Outcome, error) { return Cycle(ctx, s, exchange, isReuse) }
	if d.reuse {
		setExchange := cognitoSetExchange(pool, client.ID)
		fresh := func(set TokenSet) bool { return set.FreshAt(pool.Now(), 0) }
		cycle = func(ctx context.Context) (Outcome, error) { return CycleSet(ctx, s, setExchange, isReuse, fresh) }
	}
	var r busyDayReport
	var mu sync.Mutex
	for elapsed := time.Duration(0); elapsed < 24*time.Hour; elapsed += d.interval {
		for range 2 { // plan, then apply
			var wg sync.WaitGroup
			for range d.instances {
				wg.Go(func() {
					out, err := cycle(ctxTimeout(t, 20*time.Second))
					mu.Lock()
					defer mu.Unlock()
					r.opens++
					r.longestWrite = max(r.longestWrite, out.WriteSpan)
					if err == nil {
						return
					}
					// Refused before its first exchange, or before the retry
					// after a reuse answer: either way this open rotated
					// nothing, and the store's token is unspent.
					var se *Error
					if !errors.As(err, &se) || se.Reason != VersionQuota || se.Op != opCheck || se.TokenLost || out.Rotated {
						t.Errorf("at %v: %v (%+v)", elapsed, err, out)
						return
					}
					r.refused++
					if r.firstRefusal == 0 {
						r.firstRefusal = elapsed
					}
				})
			}
			wg.Wait()
			pool.Advance(time.Minute)
		}
		pool.Advance(d.interval - 2*time.Minute)
	}
	r.cognitoCalls = pool.RequestCount()
	r.versions = pool.SecretsManagerCalls(cognitotest.SMPutSecretValue)
	if _, err := Cycle(ctxTimeout(t, 10*time.Second), smStoreAt(pool, "day", 3), exchange, nil); err != nil && reasonOf(t, err).Reason != VersionQuota {
		t.Errorf("the stored token no longer works: %v", err)
	}
	// The check refused, but the token it guards is good: present it.
	if v, _ := pool.SecretValue("day"); v != "" {
		if _, err := exchange(context.Background(), decodeSet(v).RefreshToken); err != nil {
			t.Errorf("the token in the store does not work: %v", err)
		}
	}
	first := ""
	if r.refused > 0 {
		first = fmt.Sprintf(" (the first %v into the day)", r.firstRefusal)
	}
	reuse := "rotating at every open"
	if d.reuse {
		reuse = "reusing sets with half their life left"
	}
	t.Logf("a day every %v, %d instances at once, %s: %d opens, %d refused before spending%s, %d Cognito calls, %d versions written, longest write window %v, 0 tokens lost",
		d.interval, d.instances, reuse, r.opens, r.refused, first, r.cognitoCalls, r.versions, r.longestWrite)
	return r
}

// A busy day on one secret, with rotation at every open and the version
// quota enforced: hourly runs fit; runs every 10 minutes with three
// instances at once reach the check, which refuses before spending, and
// no token is lost either way. With one-hour tokens and the default reuse,
// runs every 10 minutes with five instances stay under the quota.
func TestSecretsManagerBusyDay(t *testing.T) {
	hourly := busyDay{interval: time.Hour, instances: 1}.run(t)
	if hourly.refused != 0 || hourly.versions != 48 {
		t.Errorf("hourly runs: %+v, want 48 versions and no refusal", hourly)
	}
	busy := busyDay{interval: 10 * time.Minute, instances: 3}.run(t)
	if busy.refused == 0 || busy.versions > SecretVersionQuota {
		t.Errorf("busy runs: %+v, want refusals and at most %d versions", busy, SecretVersionQuota)
	}
	// One-hour tokens and the default reuse: the same busy day, with more
	// instances, rotates at most once per half-hour and stays under the
	// quota. Cognito sees at most one call per instance at each rotation:
	// the instances that read the old set with it (grace 0: the losers'
	// reuse answers), which then reuse the winner's set.
	const instances = 5
	shared := busyDay{interval: 10 * time.Minute, instances: instances, reuse: true}.run(t)
	if shared.refused != 0 || shared.versions > 48 || shared.cognitoCalls > instances*48 {
		t.Errorf("busy runs with the default reuse: %+v, want no refusal and at most 48 versions", shared)
	}
}

// A store that cannot list the versions (for the pending version or the
// quota count) stops the cycle before the exchange: without the count, a
// write could meet the quota.
func TestCycleSecretsManagerCheckFailureSpendsNothing(t *testing.T) {
	pool, client, rt := rotatingPool(t, true)
	smEnv(t, pool)
	pool.CreateSecret("x", rt)
	s := smStore(pool, "x", 1)
	pf, ok := s.(Preflighter)
	if !ok {
		t.Fatal("the Secrets Manager store has no Preflight")
	}
	if err := pf.Preflight(context.Background(), Snapshot{}); err != nil {
		t.Fatalf("a secret with one version: %v", err)
	}
	pool.InjectSecretsManagerFault(cognitotest.SMListSecretVersionIds, cognitotest.Fault{ErrorType: cognitotest.SMErrAccessDenied, Times: 2})
	_, err := Cycle(context.Background(), s, cognitoExchange(pool, client.ID), isReuse)
	if e := reasonOf(t, err); e.Reason != AccessDenied || e.TokenLost {
		t.Fatalf("%+v", e)
	}
	if n := pool.RequestCount(); n != 0 {
		t.Errorf("%d Cognito requests", n)
	}
}
