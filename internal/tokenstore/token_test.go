package tokenstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func sampleSet(refresh string, expires time.Time) TokenSet {
	return TokenSet{RefreshToken: refresh, AccessToken: "a.b.c", IDToken: "d.e.f", TokenType: "Bearer",
		IssuedAt: expires.Add(-time.Hour), ExpiresAt: expires}
}

// A set is stored as one JSON document; a bare refresh token stays a valid
// seed; nothing but a whole set passes as a document.
func TestTokenSetCodec(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	set := sampleSet("r1", exp)
	doc := set.encode()
	if !strings.HasPrefix(doc, "{") {
		t.Fatalf("a whole set is stored as a document, got %q", doc)
	}
	if got, err := checkToken(" "+doc+"\n", opRead, "s"); err != nil || decodeSet(got) != set {
		t.Fatalf("round trip: %v %v", decodeSet(got), err)
	}
	if bare := (TokenSet{RefreshToken: "r1"}).encode(); bare != "r1" || decodeSet(bare) != (TokenSet{RefreshToken: "r1"}) {
		t.Errorf("a bare token: %q", bare)
	}
	for _, bad := range []string{`{"refresh_token":"x"}`, `{"refresh_token":"a b","access_token":"t","expires_at":"2030-01-01T00:00:00Z"}`, `{"access_token":"t","expires_at":"2030-01-01T00:00:00Z"}`, `{`} {
		if _, err := checkToken(bad, opRead, "s"); reasonOf(t, err).Reason != Malformed {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if s := fmt.Sprintf("%v %#v %s", set, set, set); strings.Contains(s, "a.b.c") || strings.Contains(s, "r1") {
		t.Errorf("a set prints its tokens: %s", s)
	}
}

// A fresh stored set is returned without calling Cognito; a stale one is
// refreshed and the new set stored; a bare seed is refreshed.
func TestCycleSetReusesFreshSet(t *testing.T) {
	exp := time.Now().Add(time.Hour).UTC().Round(0)
	calls := 0
	exchange := func(_ context.Context, rt string) (TokenSet, error) {
		calls++
		return sampleSet(rt+"x", exp), nil
	}
	m := &memStore{token: "r0"}
	fresh := func(s TokenSet) bool { return s.ExpiresAt.After(time.Now()) }
	out, err := CycleSet(context.Background(), m, exchange, reuse, fresh)
	if err != nil || out.Reused || !out.Written || calls != 1 || decodeSet(m.token) != sampleSet("r0x", exp) {
		t.Fatalf("seed: %v %+v, %d calls", err, out, calls)
	}
	out, err = CycleSet(context.Background(), m, exchange, reuse, fresh)
	if err != nil || !out.Reused || out.Set != sampleSet("r0x", exp) || calls != 1 || out.Exchanges != 0 {
		t.Fatalf("fresh set: %v %+v, %d calls", err, out, calls)
	}
	stale := func(TokenSet) bool { return false }
	out, err = CycleSet(context.Background(), m, exchange, reuse, stale)
	if err != nil || out.Reused || calls != 2 || decodeSet(m.token).RefreshToken != "r0xx" {
		t.Fatalf("stale set: %v %+v, %d calls", err, out, calls)
	}
	// Without rotation nothing is written, whatever the store holds.
	before := m.token
	out, err = CycleSet(context.Background(), m, func(context.Context, string) (TokenSet, error) {
		return TokenSet{}, nil
	}, reuse, stale)
	if err != nil || out.Written || m.token != before {
		t.Fatalf("no rotation: %v %+v", err, out)
	}
}

// Without min_remaining_validity a set is reused while at least half its
// lifetime is left; with it, while it lasts that long. A set that is not
// whole, or has no issue time, is never reused by default.
func TestTokenSetFreshAt(t *testing.T) {
	issued := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	set := sampleSet("r1", issued.Add(time.Hour))
	set.IssuedAt = issued
	noIssue := set
	noIssue.IssuedAt = time.Time{}
	cases := []struct {
		name    string
		set     TokenSet
		at      time.Time
		min     time.Duration
		reusing bool
	}{
		{"just issued", set, issued, 0, true},
		{"exactly half left", set, issued.Add(30 * time.Minute), 0, true},
		{"past half its life", set, issued.Add(30*time.Minute + time.Second), 0, false},
		{"expired", set, issued.Add(2 * time.Hour), 0, false},
		{"no issue time", noIssue, issued, 0, false},
		{"bare refresh token", TokenSet{RefreshToken: "r1"}, issued, 0, false},
		{"issued after expiry", TokenSet{RefreshToken: "r1", AccessToken: "a", IssuedAt: issued.Add(2 * time.Hour), ExpiresAt: issued.Add(time.Hour)}, issued, 0, false},
		{"lasts min_remaining_validity past half-life", set, issued.Add(45 * time.Minute), 10 * time.Minute, true},
		{"min_remaining_validity not met", set, issued.Add(55 * time.Minute), 10 * time.Minute, false},
		{"min_remaining_validity exactly met", set, issued.Add(50 * time.Minute), 10 * time.Minute, true},
		{"min_remaining_validity without issue time", noIssue, issued, 10 * time.Minute, true},
	}
	for _, c := range cases {
		if got := c.set.FreshAt(c.at, c.min); got != c.reusing {
			t.Errorf("%s: FreshAt = %v, want %v", c.name, got, c.reusing)
		}
	}
}
