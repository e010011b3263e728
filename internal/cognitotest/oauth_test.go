package cognitotest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// tokenCall posts form to the token endpoint with the given Authorization
// header ("" for none) and returns the status and the decoded answer.
func tokenCall(t *testing.T, s *Server, auth string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.TokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("answer is not JSON: %q", body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	return resp.StatusCode, out
}

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

func TestTokenEndpointClientCredentials(t *testing.T) {
	s := newTestServer(t, PoolConfig{Region: "eu-west-1", PreTokenGeneration: func(TriggerEvent) error { return nil }})
	s.AddResourceServer(ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
	s.AddResourceServer(ResourceServer{Identifier: "https://api.example.com", Scopes: []string{"write"}})
	c := s.AddClientCredentialsClient(ClientCredentialsClient{Scopes: []string{"platform/deploy", "https://api.example.com/write"}, AccessTokenValidity: 5 * time.Minute})
	grant := url.Values{"grant_type": {"client_credentials"}}

	t.Run("every allowed scope, Basic auth", func(t *testing.T) {
		status, out := tokenCall(t, s, basic(c.ID, c.Secret), grant)
		if status != 200 || out["token_type"] != "Bearer" || out["expires_in"] != 300.0 || len(out) != 3 {
			t.Fatalf("HTTP %d %v; want access_token, expires_in 300, token_type Bearer only", status, out)
		}
		token, _ := out["access_token"].(string)
		claims, err := VerifyJWT(token, s.JWKS())
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]any{"sub": c.ID, "client_id": c.ID, "token_use": "access", "iss": s.Issuer(),
			"scope": "platform/deploy https://api.example.com/write", "version": 2.0} {
			if claims[k] != v {
				t.Errorf("claim %s = %v, want %v", k, claims[k], v)
			}
		}
		for _, k := range []string{"exp", "iat", "auth_time", "jti"} {
			if claims[k] == nil {
				t.Errorf("claim %s missing", k)
			}
		}
		if claims["username"] != nil || claims["aud"] != nil {
			t.Errorf("a client-credentials token names a user or audience: %v", claims)
		}
	})
	t.Run("requested scope, client_secret_post, metadata to the trigger", func(t *testing.T) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret},
			"scope": {"platform/deploy"}, "aws_client_metadata": {`{"run":"42"}`}}
		status, out := tokenCall(t, s, "", form)
		if status != 200 {
			t.Fatalf("HTTP %d %v", status, out)
		}
		token, _ := out["access_token"].(string)
		claims, _ := VerifyJWT(token, s.JWKS())
		if claims["scope"] != "platform/deploy" {
			t.Errorf("scope = %v", claims["scope"])
		}
		events := s.TriggerEvents()
		last := events[len(events)-1]
		if last.TriggerSource != "TokenGeneration_ClientCredentials" || last.ClientMetadata["run"] != "42" || last.Username != "ClientCredentials" {
			t.Errorf("trigger event = %+v", last)
		}
	})

	other := s.AddClientCredentialsClient(ClientCredentialsClient{Scopes: []string{"platform/read"}, AllowedOAuthFlows: []string{"code"}})
	disabled := s.AddClientCredentialsClient(ClientCredentialsClient{Scopes: []string{"platform/read"}, OAuthDisabled: true})
	public := s.AddClientCredentialsClient(ClientCredentialsClient{NoSecret: true, Scopes: []string{"platform/read"}})
	noScopes := s.AddClientCredentialsClient(ClientCredentialsClient{})
	with := func(k, v string) url.Values {
		f := url.Values{"grant_type": {"client_credentials"}}
		f.Set(k, v)
		return f
	}
	for _, tc := range []struct {
		name, auth string
		form       url.Values
		want       string
	}{
		{"no grant_type", basic(c.ID, c.Secret), url.Values{}, OAuthInvalidRequest},
		{"password grant", basic(c.ID, c.Secret), url.Values{"grant_type": {"password"}}, OAuthUnsupportedGrantType},
		{"authorization code not issued", basic(c.ID, c.Secret), url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, OAuthInvalidGrant},
		{"wrong secret", basic(c.ID, "nope"), grant, OAuthInvalidClient},
		{"unknown client", basic("nosuchclient", c.Secret), grant, OAuthInvalidClient},
		{"no credentials", "", grant, OAuthInvalidClient},
		{"public client", basic(public.ID, "anything"), grant, OAuthInvalidClient},
		{"malformed Basic", "Basic !!!", grant, OAuthInvalidClient},
		{"two authentication methods", basic(c.ID, c.Secret), with("client_secret", c.Secret), OAuthInvalidRequest},
		{"client id mismatch", basic(c.ID, c.Secret), with("client_id", other.ID), OAuthInvalidRequest},
		{"grant not allowed", basic(other.ID, other.Secret), grant, OAuthUnauthorizedClient},
		{"OAuth disabled", basic(disabled.ID, disabled.Secret), grant, OAuthUnauthorizedClient},
		{"scope not allowed", basic(c.ID, c.Secret), with("scope", "platform/read"), OAuthInvalidScope},
		{"scope of no resource server", basic(c.ID, c.Secret), with("scope", "billing/read"), OAuthInvalidScope},
		{"OpenID scope", basic(c.ID, c.Secret), with("scope", "openid"), OAuthInvalidScope},
		{"empty scope", basic(c.ID, c.Secret), with("scope", ""), OAuthInvalidScope},
		{"client with no scopes", basic(noScopes.ID, noScopes.Secret), grant, OAuthInvalidScope},
		{"metadata not JSON", basic(c.ID, c.Secret), with("aws_client_metadata", "run=42"), OAuthInvalidRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := tokenCall(t, s, tc.auth, tc.form)
			if status != http.StatusBadRequest || out["error"] != tc.want || len(out) != 1 {
				t.Errorf("HTTP %d %v, want 400 {\"error\":%q}", status, out, tc.want)
			}
		})
	}
	t.Run("recorded", func(t *testing.T) {
		reqs := s.Requests()
		last := reqs[len(reqs)-1]
		if last.Path != TokenPath || last.Status != 400 || last.ErrorType != OAuthInvalidRequest {
			t.Errorf("last recorded request = %s %d %q", last.Path, last.Status, last.ErrorType)
		}
	})
}

func TestTokenEndpointFaults(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.AddResourceServer(ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
	c := s.AddClientCredentialsClient(ClientCredentialsClient{Scopes: []string{"platform/deploy"}})
	grant := url.Values{"grant_type": {"client_credentials"}}
	s.InjectFault(Fault{ErrorType: OAuthInvalidGrant})
	if status, out := tokenCall(t, s, basic(c.ID, c.Secret), grant); status != 400 || out["error"] != OAuthInvalidGrant {
		t.Errorf("ErrorType fault: HTTP %d %v", status, out)
	}
	s.InjectFault(Fault{Status: 429, Body: `{"message":"Rate exceeded"}`})
	if status, _ := tokenCall(t, s, basic(c.ID, c.Secret), grant); status != 429 {
		t.Errorf("Status fault: HTTP %d", status)
	}
	if status, out := tokenCall(t, s, basic(c.ID, c.Secret), grant); status != 200 || out["access_token"] == nil {
		t.Errorf("after the faults: HTTP %d %v", status, out)
	}
}
