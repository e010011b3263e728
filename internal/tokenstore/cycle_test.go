package tokenstore

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// memStore is a Store in memory with hooks to fail or delay.
type memStore struct {
	mu       sync.Mutex
	token    string
	reads    int
	replaces int
	readErr  error
	writeErr error
	onRead   func(n int) // called after each read, unlocked
	writeCtx error       // ctx.Err() seen by the last Replace
}

func (m *memStore) Name() string { return "memory" }

func (m *memStore) Read(ctx context.Context) (Snapshot, error) {
	m.mu.Lock()
	m.reads++
	n, tok, err := m.reads, m.token, m.readErr
	m.mu.Unlock()
	if m.onRead != nil {
		m.onRead(n)
	}
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{Token: tok, version: tok}, nil
}

func (m *memStore) Replace(ctx context.Context, prev Snapshot, next string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.replaces++
	m.writeCtx = ctx.Err()
	if m.writeErr != nil {
		return false, m.writeErr
	}
	if m.token != prev.version {
		return false, nil
	}
	m.token = next
	return true, nil
}

func (m *memStore) set(tok string) {
	m.mu.Lock()
	m.token = tok
	m.mu.Unlock()
}

var errReuse = errors.New("reuse")

func reuse(err error) bool { return errors.Is(err, errReuse) }

func TestCycleNoRotationOnlyReads(t *testing.T) {
	m := &memStore{token: "t0"}
	var got string
	out, err := Cycle(context.Background(), m, func(_ context.Context, rt string) (string, error) {
		got = rt
		return "", nil
	}, reuse)
	if err != nil || got != "t0" {
		t.Fatalf("%v, exchanged %q", err, got)
	}
	if m.replaces != 0 || out.Rotated || out.Written || out.Reads != 1 || out.Exchanges != 1 {
		t.Errorf("outcome %+v, %d writes", out, m.replaces)
	}
	// Cognito answering with the same token is no rotation either.
	if out, _ := Cycle(context.Background(), m, func(context.Context, string) (string, error) { return "t0", nil }, nil); out.Rotated || m.replaces != 0 {
		t.Errorf("same token: %+v", out)
	}
}

func TestCycleRotationWritesBack(t *testing.T) {
	m := &memStore{token: "t0"}
	out, err := Cycle(context.Background(), m, func(context.Context, string) (string, error) { return "t1", nil }, reuse)
	if err != nil || !out.Rotated || !out.Written || out.LostRace || m.token != "t1" {
		t.Fatalf("%+v %v, store %q", out, err, m.token)
	}
}

func TestCycleLostRaceSucceeds(t *testing.T) {
	m := &memStore{token: "t0"}
	out, err := Cycle(context.Background(), m, func(context.Context, string) (string, error) {
		m.set("winner") // another run wrote while we exchanged
		return "t1", nil
	}, reuse)
	if err != nil || !out.Rotated || out.Written || !out.LostRace || m.token != "winner" {
		t.Fatalf("%+v %v, store %q", out, err, m.token)
	}
}

func TestCycleStoreFailureBeforeExchange(t *testing.T) {
	want := &Error{Reason: Unreachable, Op: opRead, Store: "memory"}
	m := &memStore{readErr: want}
	exchanged := false
	out, err := Cycle(context.Background(), m, func(context.Context, string) (string, error) {
		exchanged = true
		return "", nil
	}, reuse)
	if !errors.Is(err, want) || exchanged || out.Exchanges != 0 {
		t.Fatalf("%v, exchanged %v", err, exchanged)
	}
}

func TestCycleExchangeErrorUnchanged(t *testing.T) {
	m := &memStore{token: "t0"}
	boom := errors.New("NotAuthorizedException")
	_, err := Cycle(context.Background(), m, func(context.Context, string) (string, error) { return "", boom }, reuse)
	if err != boom || m.reads != 1 {
		t.Fatalf("%v after %d reads", err, m.reads)
	}
	// Without isReuse a reuse error is just an error.
	_, err = Cycle(context.Background(), m, func(context.Context, string) (string, error) { return "", errReuse }, nil)
	if err != errReuse || m.reads != 2 {
		t.Fatalf("%v after %d reads", err, m.reads)
	}
}

func TestCycleReuseRetriesWithStoredToken(t *testing.T) {
	m := &memStore{token: "t0"}
	var presented []string
	out, err := Cycle(context.Background(), m, func(_ context.Context, rt string) (string, error) {
		presented = append(presented, rt)
		if rt == "t0" {
			m.set("t1") // another run rotated t0 and stored t1
			return "", errReuse
		}
		return "t2", nil
	}, reuse)
	if err != nil || len(presented) != 2 || presented[1] != "t1" || m.token != "t2" || out.Exchanges != 2 || out.Reads != 2 {
		t.Fatalf("%v: presented %v, store %q, %+v", err, presented, m.token, out)
	}
}

// The winner rotated but has not written yet: the loser polls until it has.
func TestCycleReusePollsForSlowWinner(t *testing.T) {
	m := &memStore{token: "t0"}
	m.onRead = func(n int) {
		if n == 4 {
			m.set("t1")
		}
	}
	start := time.Now()
	out, err := Cycle(ctxTimeout(t, 10*time.Second), m, func(_ context.Context, rt string) (string, error) {
		if rt == "t0" {
			return "", errReuse
		}
		return "", nil
	}, reuse)
	if err != nil || out.Exchanges != 2 || out.Reads != 5 {
		t.Fatalf("%v %+v", err, out)
	}
	// Backoff 100, 200, 400 ms before the reads 3, 4 and 5.
	if d := time.Since(start); d < 700*time.Millisecond {
		t.Errorf("polled too fast: %v", d)
	}
}

func TestCycleReusePollingEndsAtDeadline(t *testing.T) {
	m := &memStore{token: "t0"}
	out, err := Cycle(ctxTimeout(t, 2500*time.Millisecond), m, func(context.Context, string) (string, error) {
		return "", errReuse
	}, reuse)
	if !errors.Is(err, errReuse) || out.Exchanges != 1 {
		t.Fatalf("%v %+v", err, out)
	}
	// 100+200+400+800 ms then 1 s steps (capped): 6 polls fit in 2.5 s, not
	// the 25 an uncapped 100 ms step would make, nor 4 of a doubling with
	// no cap.
	if out.Reads < 5 || out.Reads > 8 {
		t.Errorf("%d reads in 2.5 s", out.Reads)
	}
	// Read failures while polling do not end the wait early.
	m = &memStore{token: "t0"}
	m.onRead = func(n int) {
		m.mu.Lock()
		defer m.mu.Unlock()
		switch n {
		case 2:
			m.readErr = errors.New("blip")
		case 3:
			m.readErr, m.token = nil, "t1"
		}
	}
	out, err = Cycle(ctxTimeout(t, 5*time.Second), m, func(_ context.Context, rt string) (string, error) {
		if rt == "t0" {
			return "", errReuse
		}
		return "", nil
	}, reuse)
	if err != nil || out.Exchanges != 2 {
		t.Fatalf("after a failed poll: %v %+v", err, out)
	}
	// A context that ends during a read stops polling.
	m = &memStore{token: "t0"}
	ctx, cancel := context.WithCancel(context.Background())
	m.onRead = func(n int) {
		if n == 2 {
			cancel()
		}
	}
	if _, err := Cycle(ctx, m, func(context.Context, string) (string, error) { return "", errReuse }, reuse); !errors.Is(err, errReuse) || m.reads != 2 {
		t.Fatalf("canceled while polling: %v after %d reads", err, m.reads)
	}
}

func TestCycleWriteFailureLosesToken(t *testing.T) {
	storeErr := &Error{Reason: AccessDenied, Op: opWrite, Store: "memory", Code: "AccessDeniedException", Attempts: 3}
	m := &memStore{token: "t0", writeErr: storeErr}
	out, err := Cycle(context.Background(), m, func(context.Context, string) (string, error) {
		time.Sleep(time.Millisecond)
		return "t1", nil
	}, reuse)
	e := reasonOf(t, err)
	if !e.TokenLost || e.Reason != AccessDenied || e.Attempts != 3 || e.Code != "AccessDeniedException" || storeErr.TokenLost {
		t.Fatalf("%+v (the store's own error must stay unchanged: %v)", e, storeErr.TokenLost)
	}
	if !out.Rotated || out.Written || out.WriteSpan <= 0 {
		t.Errorf("outcome %+v", out)
	}
	// A foreign error is wrapped as a lost-token *Error naming the store.
	m = &memStore{token: "t0", writeErr: errors.New("disk")}
	_, err = Cycle(context.Background(), m, func(context.Context, string) (string, error) { return "t1", nil }, reuse)
	if e := reasonOf(t, err); !e.TokenLost || e.Op != opWrite || e.Store != "memory" || e.Reason != Other {
		t.Fatalf("%+v", e)
	}
}

// The write-back runs even when the caller's context ended during the
// exchange: Cognito has spent the old token already.
func TestCycleWriteSurvivesCanceledContext(t *testing.T) {
	m := &memStore{token: "t0"}
	ctx, cancel := context.WithCancel(context.Background())
	out, err := Cycle(ctx, m, func(context.Context, string) (string, error) {
		cancel()
		return "t1", nil
	}, reuse)
	if err != nil || !out.Written || m.token != "t1" || m.writeCtx != nil {
		t.Fatalf("%v %+v, store %q, write ctx %v", err, out, m.token, m.writeCtx)
	}
}

// Eight runs share one file and a client that rotates with grace 0: all
// succeed and the file holds a token that works afterwards.
func TestCycleConcurrentFileStoreGraceZero(t *testing.T) {
	pool, client, rt := rotatingPool(t, true)
	path := filepath.Join(t.TempDir(), "token")
	writeFile(t, path, rt+"\n")
	concurrentRuns(t, NewFile(path), cognitoExchange(pool, client.ID), 8)
}

func concurrentRuns(t *testing.T, s Store, exchange Exchange, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	outs := make([]Outcome, n)
	for i := range n {
		wg.Go(func() { outs[i], errs[i] = Cycle(ctxTimeout(t, 20*time.Second), s, exchange, isReuse) })
	}
	wg.Wait()
	written := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
		if outs[i].Written {
			written++
		}
	}
	if written != n {
		t.Errorf("%d of %d runs stored their token; with grace 0 each rotation must be stored", written, n)
	}
	// The stored token still works.
	if _, err := Cycle(ctxTimeout(t, 10*time.Second), s, exchange, nil); err != nil {
		t.Fatalf("the stored token no longer works: %v", err)
	}
}

// A dead token (the store never changes after the reuse answer) is
// reported after WinnerWait, not at the caller's far deadline.
func TestCycleDeadTokenFailsFast(t *testing.T) {
	clock := time.Unix(0, 0)
	var paused time.Duration
	now = func() time.Time { return clock }
	pause = func(_ context.Context, d time.Duration) bool { clock = clock.Add(d); paused += d; return true }
	t.Cleanup(func() { now, pause = time.Now, defaultPause })
	m := &memStore{token: "t0"}
	out, err := Cycle(ctxTimeout(t, 10*time.Minute), m, func(context.Context, string) (string, error) {
		return "", errReuse
	}, reuse)
	if !errors.Is(err, errReuse) || out.Exchanges != 1 {
		t.Fatalf("%v %+v", err, out)
	}
	// The first read, an immediate poll, then pauses of 0.1+0.2+0.4+0.8 s
	// and 1+1+1+0.5 s (the last cut to end at 5 s), each followed by a poll.
	if paused != WinnerWait || out.Reads != 10 {
		t.Errorf("waited %v over %d reads, want %v over 10", paused, out.Reads, WinnerWait)
	}
}

// A Ctrl-C while Cognito is answering does not drop the answer: the
// exchange's context outlives the caller's cancellation, and the rotated
// token is written back.
func TestCycleInterruptKeepsAnswer(t *testing.T) {
	m := &memStore{token: "t0"}
	ctx, cancel := context.WithCancel(context.Background())
	out, err := Cycle(ctx, m, func(exCtx context.Context, _ string) (string, error) {
		cancel()
		if exCtx.Err() != nil {
			return "", exCtx.Err() // the answer would be dropped
		}
		return "t1", nil
	}, reuse)
	if err != nil || !out.Written || m.token != "t1" {
		t.Fatalf("%v %+v, store %q", err, out, m.token)
	}
	// Canceled before the exchange: nothing is sent.
	exchanges := 0
	_, err = Cycle(ctx, m, func(context.Context, string) (string, error) { exchanges++; return "t2", nil }, reuse)
	if e := reasonOf(t, err); e.Reason != Canceled || exchanges != 0 || m.token != "t1" {
		t.Fatalf("%+v after %d exchanges", e, exchanges)
	}
	// The caller's deadline still bounds the exchange.
	dl, stop := context.WithDeadline(context.Background(), time.Now().Add(time.Hour))
	defer stop()
	_, _ = Cycle(dl, m, func(exCtx context.Context, _ string) (string, error) {
		if got, ok := exCtx.Deadline(); !ok || !got.Equal(func() time.Time { d, _ := dl.Deadline(); return d }()) {
			t.Errorf("exchange deadline %v %v", got, ok)
		}
		return "", nil
	}, reuse)
}
