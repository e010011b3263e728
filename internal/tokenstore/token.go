package tokenstore

import (
	"encoding/json"
	"strings"
	"time"
)

// TokenSet is what a store keeps once Cognito has rotated the token: the
// whole answer, so a later run can reuse the access and ID tokens while
// they last instead of spending a rotation. A store seeded by hand holds a
// bare refresh token, which decodes as a set with only RefreshToken.
type TokenSet struct {
	RefreshToken string `json:"refresh_token"`
	AccessToken  string `json:"access_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	// IssuedAt and ExpiresAt bound the set's life: the earlier of the
	// access and ID tokens' expiries.
	IssuedAt  time.Time `json:"issued_at,omitzero"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// String never shows a token.
func (s TokenSet) String() string { return "tokenstore.TokenSet{redacted}" }

// GoString is String for %#v.
func (s TokenSet) GoString() string { return s.String() }

// Reusable: the set carries tokens besides the refresh token.
func (s TokenSet) Reusable() bool { return s.AccessToken != "" && !s.ExpiresAt.IsZero() }

// FreshAt says whether the set, at time at, may be returned instead of a
// refresh: it still lasts minRemaining or, with minRemaining 0 (not
// asked), it has at least half its lifetime (ExpiresAt - IssuedAt) left,
// so runs in quick succession share one set and a rotation happens at most
// twice per token lifetime. A set without IssuedAt never passes the default.
func (s TokenSet) FreshAt(at time.Time, minRemaining time.Duration) bool {
	if !s.Reusable() {
		return false
	}
	left := s.ExpiresAt.Sub(at)
	if minRemaining > 0 {
		return left >= minRemaining
	}
	if s.IssuedAt.IsZero() || !s.IssuedAt.Before(s.ExpiresAt) {
		return false
	}
	return 2*left >= s.ExpiresAt.Sub(s.IssuedAt)
}

// encode is the stored form: a bare refresh token when that is all the set
// holds, else a JSON document.
func (s TokenSet) encode() string {
	if !s.Reusable() {
		return s.RefreshToken
	}
	b, _ := json.Marshal(s) // strings and times only: cannot fail
	return string(b)
}

// decodeSet reads what checkToken accepted.
func decodeSet(stored string) TokenSet {
	if !strings.HasPrefix(stored, "{") {
		return TokenSet{RefreshToken: stored}
	}
	var s TokenSet
	_ = json.Unmarshal([]byte(stored), &s)
	return s
}

// checkToken trims what editors and `echo` add around a stored value and
// checks it is a refresh token of the shape Cognito's API accepts for
// RefreshToken (pattern [A-Za-z0-9-_=.]+, see the GetTokensFromRefreshToken
// API reference) or a whole token set whose refresh_token has that shape, so a
// store holding something else fails here and not as a confusing Cognito
// error. The value never reaches the error.
func checkToken(raw string, op Operation, store string) (string, error) {
	tok := strings.TrimSpace(raw)
	if tok == "" {
		return "", &Error{Reason: Empty, Op: op, Store: store}
	}
	refresh := tok
	if strings.HasPrefix(tok, "{") {
		// Only a whole set, as CycleSet writes it.
		var s TokenSet
		if json.Unmarshal([]byte(tok), &s) != nil || !s.Reusable() {
			return "", &Error{Reason: Malformed, Op: op, Store: store}
		}
		refresh = s.RefreshToken
	}
	if refresh == "" {
		return "", &Error{Reason: Malformed, Op: op, Store: store}
	}
	for i := 0; i < len(refresh); i++ {
		if !tokenByte(refresh[i]) {
			return "", &Error{Reason: Malformed, Op: op, Store: store}
		}
	}
	return tok, nil
}

func tokenByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '=' || c == '.'
}
