package cognitotest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
)

func TestHappyPath(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := newTestServer(t, PoolConfig{Region: "eu-west-1", Now: func() time.Time { return now }})
	c := s.AddClient(AppClient{AccessTokenValidity: 15 * time.Minute, IDTokenValidity: 20 * time.Minute, Scopes: []string{"openid", "email"}})
	u := s.AddUser(User{Username: "alice", Email: "alice@example.com", Groups: []string{"admins", "dev"},
		Attributes: map[string]string{"custom:team": "blue", "sub": "spoofed"}})
	rt := s.IssueRefreshToken(c.ID, "alice")

	if !regexp.MustCompile(`^eu-west-1_[A-Za-z0-9]{9}$`).MatchString(s.PoolID()) {
		t.Errorf("pool id %q", s.PoolID())
	}
	if !regexp.MustCompile(`^[a-z0-9]{26}$`).MatchString(c.ID) {
		t.Errorf("client id %q", c.ID)
	}
	if parts := strings.Split(rt, "."); len(parts) != 5 || len(rt) < 500 ||
		!regexp.MustCompile(`^[A-Za-z0-9\-_=.]+$`).MatchString(rt) {
		t.Errorf("refresh token shape: %d parts, %d chars", len(parts), len(rt))
	}

	out := mustRefresh(t, s, input(c.ID, rt))
	res := out.AuthenticationResult
	if res.ExpiresIn != 900 || *res.TokenType != "Bearer" || res.RefreshToken != nil || res.NewDeviceMetadata != nil {
		t.Errorf("result: ExpiresIn=%d TokenType=%q RefreshToken=%v NewDeviceMetadata=%v",
			res.ExpiresIn, *res.TokenType, res.RefreshToken, res.NewDeviceMetadata)
	}
	if id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata); !ok || id != s.Requests()[0].RequestID {
		t.Errorf("request id %q, recorded %q", id, s.Requests()[0].RequestID)
	}

	// Verify against the JWKS as served over HTTP, like a resource server would.
	resp, err := http.Get(s.JWKSURL())
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	access := mustVerify(t, *res.AccessToken, jwks)
	id := mustVerify(t, *res.IdToken, jwks)
	iat, exp, idExp := float64(now.Unix()), float64(now.Add(15*time.Minute).Unix()), float64(now.Add(20*time.Minute).Unix())
	wantAccess := map[string]any{
		"sub": u.Sub, "iss": s.Issuer(), "version": 2.0, "client_id": c.ID, "token_use": "access",
		"scope": "openid email", "auth_time": iat, "iat": iat, "exp": exp, "username": "alice",
		"cognito:groups": []any{"admins", "dev"},
	}
	wantID := map[string]any{
		"sub": u.Sub, "aud": c.ID, "cognito:username": "alice", "email": "alice@example.com",
		"email_verified": true, "custom:team": "blue", "token_use": "id", "iss": s.Issuer(),
		"auth_time": iat, "iat": iat, "exp": idExp, "cognito:groups": []any{"admins", "dev"},
	}
	for name, tc := range map[string]struct{ got, want map[string]any }{"access": {access, wantAccess}, "id": {id, wantID}} {
		for k, v := range tc.want {
			if g, _ := json.Marshal(tc.got[k]); string(g) != mustJSON(v) {
				t.Errorf("%s token %s = %s, want %s", name, k, g, mustJSON(v))
			}
		}
		for _, k := range []string{"jti", "origin_jti", "event_id"} {
			if v, _ := tc.got[k].(string); len(v) != 36 {
				t.Errorf("%s token %s = %v, want uuid", name, k, tc.got[k])
			}
		}
	}
	if access["origin_jti"] != id["origin_jti"] || access["jti"] == id["jti"] {
		t.Error("origin_jti must be shared and jti distinct")
	}
	if _, ok := access["device_key"]; ok {
		t.Error("device_key without device tracking")
	}

	// Header: kid + RS256, no typ; access and ID tokens use different keys as in Cognito.
	hdr := func(tok string) map[string]string {
		b, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
		var h map[string]string
		_ = json.Unmarshal(b, &h)
		return h
	}
	ha, hi := hdr(*res.AccessToken), hdr(*res.IdToken)
	if len(ha) != 2 || ha["alg"] != "RS256" || ha["kid"] == "" || ha["kid"] == hi["kid"] {
		t.Errorf("headers %v %v", ha, hi)
	}
	if s.PublicKey(ha["kid"]) == nil || s.PublicKey("nope") != nil {
		t.Error("PublicKey lookup")
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestVerifyJWTRejects(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	other := newTestServer(t, PoolConfig{})
	c := s.AddClient(AppClient{})
	s.AddUser(User{Username: "bob"})
	tok := *mustRefresh(t, s, input(c.ID, s.IssueRefreshToken(c.ID, "bob"))).AuthenticationResult.AccessToken
	parts := strings.Split(tok, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"evil"}`)) + "." + parts[2]
	noneAlg := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."
	// 256 signature bytes leave 4 unused bits in the last character (zero
	// when canonical); setting one decodes to the same bytes unless decoding
	// is strict. FuzzVerifyJWT's second opinion rejects such a token.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, parts[2][len(parts[2])-1])
	nonCanonical := parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-1] + string(alphabet[last|1])
	for name, tc := range map[string]struct{ tok, jwks string }{
		"tampered":                {tampered, string(s.JWKS())},
		"other key":               {tok, string(other.JWKS())},
		"alg none":                {noneAlg, string(s.JWKS())},
		"non-canonical signature": {nonCanonical, string(s.JWKS())},
		"garbage":                 {"a.b", string(s.JWKS())},
		"bad jwks":                {tok, "{"},
	} {
		if _, err := VerifyJWT(tc.tok, []byte(tc.jwks)); err == nil {
			t.Errorf("%s: VerifyJWT accepted", name)
		}
	}
}
