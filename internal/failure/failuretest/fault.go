package failuretest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// SanityLimit is no timing assertion: a call that takes longer than this
// hangs, whatever the machine's load.
const SanityLimit = 90 * time.Second

// FaultCase is a fault injected into the Cognito double and the outcome a
// wire client must reach through it.
type FaultCase struct {
	Name    string
	Faults  []cognitotest.Fault
	Retries int           // attempts = Retries + 1
	Timeout time.Duration // default 30s
	// CancelAfter cancels the context (Ctrl-C) after this long.
	CancelAfter time.Duration
	// Fails says whether the call fails; Want then holds the reason, the
	// input and the facts checked (Code, Message, Status, Missing,
	// Attempts, Timeout when set; NeverReached always).
	Fails bool
	Want  failure.Error
	// WantRequests is what the double must have seen (-1: don't check).
	WantRequests int
}

// Call is one wire request under test, bounded by timeout. On success it
// reports whether every output came back and how many attempts it took.
type Call func(ctx context.Context, timeout time.Duration) (complete bool, attempts int, err error)

// RunFault injects tc's faults into srv, makes the call and checks its
// outcome and the requests the double saw.
func RunFault(t *testing.T, srv *cognitotest.Server, tc FaultCase, call Call) {
	t.Helper()
	for _, f := range tc.Faults {
		srv.InjectFault(f)
	}
	timeout := tc.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), SanityLimit)
	defer cancel()
	if tc.CancelAfter > 0 {
		time.AfterFunc(tc.CancelAfter, cancel)
	}
	complete, attempts, err := call(ctx, timeout)
	if ctx.Err() != nil && tc.CancelAfter == 0 {
		t.Fatalf("the call hung for %s", SanityLimit)
	}
	var e *failure.Error
	switch {
	case !tc.Fails && err != nil:
		t.Fatalf("want success, got %v", err)
	case !tc.Fails:
		if !complete || attempts != tc.WantRequests {
			t.Errorf("complete %v after %d attempts, want %d", complete, attempts, tc.WantRequests)
		}
	case !errors.As(err, &e):
		t.Fatalf("want a %s failure, got %v", tc.Want.Reason, err)
	default:
		CheckFacts(t, e, tc.Want)
	}
	if tc.WantRequests >= 0 {
		if got := settledRequestCount(srv, tc.WantRequests); got != tc.WantRequests {
			t.Errorf("the double saw %d requests, want %d", got, tc.WantRequests)
		}
	}
}

// CheckFacts compares the reason, the input, NeverReached and every other
// fact want sets.
func CheckFacts(t testing.TB, got *failure.Error, want failure.Error) {
	t.Helper()
	if got.Reason != want.Reason || got.Input != want.Input ||
		want.Code != "" && got.Code != want.Code ||
		want.Message != "" && got.Message != want.Message ||
		want.Status != 0 && got.Status != want.Status ||
		want.Missing != failure.NoPart && got.Missing != want.Missing ||
		want.Attempts != 0 && got.Attempts != want.Attempts ||
		want.Timeout != 0 && got.Timeout != want.Timeout ||
		got.NeverReached != want.NeverReached {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// settledRequestCount is the double's request count once it reaches want
// or stops changing: the double records a reset connection after the reset,
// which the client may see first.
func settledRequestCount(srv *cognitotest.Server, want int) int {
	got := srv.RequestCount()
	for deadline := time.Now().Add(5 * time.Second); got < want && time.Now().Before(deadline); got = srv.RequestCount() {
		time.Sleep(10 * time.Millisecond)
	}
	return got
}
