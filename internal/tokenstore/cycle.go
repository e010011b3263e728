package tokenstore

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Exchange trades a refresh token at Cognito. It returns the rotated refresh
// token, or "" when Cognito issued none (no rotation). The caller's closure
// keeps the other issued tokens.
type Exchange func(ctx context.Context, refreshToken string) (rotated string, err error)

// SetExchange trades a refresh token at Cognito and returns what Cognito
// issued; issued.RefreshToken is "" when Cognito did not rotate.
type SetExchange func(ctx context.Context, refreshToken string) (issued TokenSet, err error)

// Outcome reports what one Cycle did.
type Outcome struct {
	// Rotated: Cognito issued a new refresh token.
	Rotated bool
	// Written: this run stored the new token.
	Written bool
	// LostRace: another run replaced the token first; the store keeps
	// that run's token, which is as valid as this run's.
	LostRace bool
	// Reused: the stored set was fresh enough and is returned as Set;
	// Cognito was not called.
	Reused bool
	Set    TokenSet
	// Exposed: the store can be read by others than its owner (see
	// Snapshot.Exposed).
	Exposed bool
	// Reads counts store reads, Exchanges calls to Cognito.
	Reads, Exchanges int
	// WriteSpan is the window in which a rotated token lived only in
	// memory: from Cognito's answer to the end of the store's write.
	WriteSpan time.Duration
}

// WriteBackTimeout bounds the write of a rotated token. The write runs even
// when ctx is canceled or past its deadline: Cognito has already spent the
// old token, so abandoning the write would lose the chain.
const WriteBackTimeout = 2 * time.Minute

// AnswerWait bounds how long an exchange already sent still waits for
// Cognito's answer after the caller's context is canceled (Ctrl-C): the
// answer may carry the only copy of a rotated token, so the cycle takes it
// and writes it back rather than dropping it. The caller's deadline still
// applies.
const AnswerWait = 30 * time.Second

// WinnerWait bounds the wait, after a reuse answer, for another run that
// rotated the token to store it. That run writes right after Cognito's
// answer (milliseconds; a few retried store requests at worst), so a store
// whose token does not change within WinnerWait holds a dead token, and
// the cycle says so then, whatever the caller's deadline.
const WinnerWait = 5 * time.Second

// Reuse polling: how long to wait between store reads while another run
// that rotated the token has not written it yet.
const (
	pollFirst = 100 * time.Millisecond
	pollMax   = time.Second
)

// Seams for tests of the polling without a real clock.
var (
	now   = time.Now
	pause = defaultPause
)

// defaultPause waits d; false when ctx ended first.
func defaultPause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Cycle runs one read, exchange and write-back:
//  1. read the token from s;
//  2. exchange it;
//  3. when Cognito rotated it, write the new token back before returning,
//     as a compare-and-swap against what was read;
//  4. if another run won that race, keep its token and still succeed;
//  5. if the exchange fails with a reuse error (isReuse) and the store now
//     holds another token, retry with it; if it holds the same one, poll
//     for a winner that has not written yet, for WinnerWait at most.
//
// Store failures are *Error; the exchange's own errors are returned
// unchanged. A failed write after rotation is an *Error with TokenLost set.
func Cycle(ctx context.Context, s Store, exchange Exchange, isReuse func(error) bool) (Outcome, error) {
	return CycleSet(ctx, s, func(ctx context.Context, rt string) (TokenSet, error) {
		rotated, err := exchange(ctx, rt)
		return TokenSet{RefreshToken: rotated}, err
	}, isReuse, nil)
}

// CycleSet is Cycle keeping whole token sets: after a rotation it stores
// what Cognito issued (refresh, access and ID tokens, expiry), and when the
// store holds a set that fresh accepts (fresh may be nil: never), it
// returns that set without calling Cognito (Outcome.Reused).
func CycleSet(ctx context.Context, s Store, exchange SetExchange, isReuse func(error) bool, fresh func(TokenSet) bool) (Outcome, error) {
	var out Outcome
	if l, ok := s.(Locker); ok {
		locked, unlock, err := l.Lock(ctx)
		if err != nil {
			return out, err
		}
		defer unlock()
		s = locked
	}
	snap, err := s.Read(ctx)
	out.Reads++
	if err != nil {
		return out, err
	}
	out.Exposed = snap.Exposed
	for {
		set := decodeSet(snap.Token)
		if fresh != nil && set.Reusable() && fresh(set) {
			out.Reused, out.Set = true, set
			return out, nil
		}
		if pf, ok := s.(Preflighter); ok {
			if err := pf.Preflight(ctx, snap); err != nil {
				return out, err
			}
		}
		if err := ctx.Err(); err != nil {
			return out, ctxFail(s.Name(), err) // before the exchange: nothing spent
		}
		out.Exchanges++
		exCtx, release := detach(ctx)
		issued, err := exchange(exCtx, set.RefreshToken)
		release()
		answered := time.Now()
		if err != nil {
			if isReuse == nil || !isReuse(err) {
				return out, err
			}
			next, ok := awaitNewToken(ctx, s, snap, &out)
			if !ok {
				return out, err
			}
			snap = next
			continue
		}
		if issued.RefreshToken == "" || issued.RefreshToken == set.RefreshToken {
			return out, nil
		}
		out.Rotated = true
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), WriteBackTimeout)
		swapped, werr := s.Replace(wctx, snap, issued.encode())
		cancel()
		out.WriteSpan = time.Since(answered)
		if werr != nil {
			var se *Error
			if !errors.As(werr, &se) {
				se = fail(opWrite, s.Name(), werr)
			}
			lost := *se
			// A store that kept the new token elsewhere did not lose it.
			lost.TokenLost = se.SavedIn == ""
			return out, &lost
		}
		out.Written, out.LostRace = swapped, !swapped
		return out, nil
	}
}

// ctxFail classifies the end of the caller's context before an exchange.
func ctxFail(store string, err error) *Error {
	e := fail(opRead, store, err)
	e.Reason = Canceled
	if errors.Is(err, context.DeadlineExceeded) {
		e.Reason = Timeout
	}
	return e
}

// detach returns a context for an exchange that ignores ctx's cancellation
// for AnswerWait but keeps its deadline and values.
func detach(ctx context.Context) (context.Context, func()) {
	var d context.Context
	var cancel context.CancelFunc
	if deadline, ok := ctx.Deadline(); ok {
		d, cancel = context.WithDeadline(context.WithoutCancel(ctx), deadline)
	} else {
		d, cancel = context.WithCancel(context.WithoutCancel(ctx))
	}
	var mu sync.Mutex
	var grace *time.Timer
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		grace = time.AfterFunc(AnswerWait, cancel)
	})
	return d, func() {
		stop()
		mu.Lock()
		defer mu.Unlock()
		if grace != nil {
			grace.Stop()
		}
		cancel()
	}
}

// awaitNewToken polls s with bounded backoff until it holds a token other
// than prev's, WinnerWait has passed, or ctx ends. Read failures while
// polling count as "not yet": the reuse error that started the wait is the
// one worth reporting.
func awaitNewToken(ctx context.Context, s Store, prev Snapshot, out *Outcome) (Snapshot, bool) {
	delay := pollFirst
	deadline := now().Add(WinnerWait)
	first := true
	for {
		if !first {
			left := deadline.Sub(now())
			if left <= 0 || !pause(ctx, min(delay, left)) {
				return Snapshot{}, false
			}
			delay = min(2*delay, pollMax)
		}
		first = false
		snap, err := s.Read(ctx)
		out.Reads++
		if err == nil && snap.Token != prev.Token {
			return snap, true
		}
		if ctx.Err() != nil {
			return Snapshot{}, false
		}
	}
}
