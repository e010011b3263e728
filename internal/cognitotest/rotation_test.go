package cognitotest

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestRotationWithGracePeriod(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	c := s.AddClient(AppClient{Rotation: true, GracePeriod: 10 * time.Second, RefreshTokenValidity: time.Hour})
	s.AddUser(User{Username: "alice"})
	rt0 := s.IssueRefreshToken(c.ID, "alice")

	first := mustRefresh(t, s, input(c.ID, rt0)).AuthenticationResult
	if first.RefreshToken == nil || *first.RefreshToken == rt0 {
		t.Fatal("rotation must return a new refresh token")
	}
	rt1 := *first.RefreshToken
	origin := mustVerify(t, *first.AccessToken, s.JWKS())["origin_jti"]

	// Inside the grace period the old token still works (a client retry) and
	// yields another token of the same family.
	s.Advance(9 * time.Second)
	retry := mustRefresh(t, s, input(c.ID, rt0)).AuthenticationResult
	if retry.RefreshToken == nil || *retry.RefreshToken == rt1 {
		t.Fatal("grace-period reuse must mint a fresh token")
	}
	if got := mustVerify(t, *retry.IdToken, s.JWKS())["origin_jti"]; got != origin {
		t.Errorf("origin_jti %v, want %v", got, origin)
	}

	// The grace period counts from the first rotation, not from the retry.
	s.Advance(time.Second)
	if _, err := refresh(t, s, input(c.ID, rt0)); !isA[*types.RefreshTokenReuseException](err) {
		t.Fatalf("after grace: %v", err)
	}
	// Both children stay usable.
	for _, rt := range []string{rt1, *retry.RefreshToken} {
		mustRefresh(t, s, input(c.ID, rt))
	}

	// Rotation never extends the session: the absolute expiry is the original one.
	s.Advance(time.Hour)
	if _, err := refresh(t, s, input(c.ID, rt1)); !isA[*types.NotAuthorizedException](err) {
		t.Fatalf("past absolute expiry: %v", err)
	}
}

func TestRotationGraceZeroAndNoRotation(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	rot := s.AddClient(AppClient{Rotation: true})
	plain := s.AddClient(AppClient{})
	s.AddUser(User{Username: "alice"})

	rt := s.IssueRefreshToken(rot.ID, "alice")
	mustRefresh(t, s, input(rot.ID, rt))
	if _, err := refresh(t, s, input(rot.ID, rt)); !isA[*types.RefreshTokenReuseException](err) {
		t.Fatalf("grace 0 reuse: %v", err)
	}

	rt = s.IssueRefreshToken(plain.ID, "alice")
	for range 3 {
		if res := mustRefresh(t, s, input(plain.ID, rt)).AuthenticationResult; res.RefreshToken != nil {
			t.Fatal("no RefreshToken without rotation")
		}
	}
}

func TestRevokeRevokesFamily(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	c := s.AddClient(AppClient{Rotation: true, GracePeriod: time.Minute})
	s.AddUser(User{Username: "alice"})
	rt0 := s.IssueRefreshToken(c.ID, "alice")
	rt1 := *mustRefresh(t, s, input(c.ID, rt0)).AuthenticationResult.RefreshToken
	s.RevokeRefreshToken(rt0)
	_, err := refresh(t, s, input(c.ID, rt1))
	if !isA[*types.NotAuthorizedException](err) {
		t.Fatalf("child of revoked token: %v", err)
	}
}

// With a grace period of 0 the old token fails at once: in the same instant
// (a frozen clock) and after the clock steps back (NTP), and under
// concurrent reuse exactly one caller gets through.
func TestRotationGraceZeroIsExact(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var step time.Duration
	s := newTestServer(t, PoolConfig{Now: func() time.Time { return base.Add(step) }})
	c := s.AddClient(AppClient{Rotation: true})
	s.AddUser(User{Username: "alice"})

	rt := s.IssueRefreshToken(c.ID, "alice")
	mustRefresh(t, s, input(c.ID, rt))
	if _, err := refresh(t, s, input(c.ID, rt)); !isA[*types.RefreshTokenReuseException](err) {
		t.Fatalf("same instant: %v", err)
	}
	step = -time.Second
	if _, err := refresh(t, s, input(c.ID, rt)); !isA[*types.RefreshTokenReuseException](err) {
		t.Fatalf("clock stepped back: %v", err)
	}

	rt = s.IssueRefreshToken(c.ID, "alice")
	const callers = 8
	errs := make(chan error, callers)
	for range callers {
		go func() { _, err := refresh(t, s, input(c.ID, rt)); errs <- err }()
	}
	ok := 0
	for range callers {
		err := <-errs
		switch {
		case err == nil:
			ok++
		case !isA[*types.RefreshTokenReuseException](err):
			t.Errorf("concurrent reuse: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d concurrent callers got through, want exactly 1", ok, callers)
	}
}
