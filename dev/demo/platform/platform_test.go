package platform

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// tokens signs a user in on a local Cognito double and refreshes, returning
// the access and ID tokens.
func tokens(t *testing.T, s *cognitotest.Server) (access, id string) {
	t.Helper()
	c := s.AddClient(cognitotest.AppClient{Scopes: []string{"openid", "platform/read"}})
	s.AddUser(cognitotest.User{Username: "alice"})
	body, _ := json.Marshal(map[string]string{"ClientId": c.ID, "RefreshToken": s.IssueRefreshToken(c.ID, "alice")})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AuthenticationResult struct{ AccessToken, IdToken string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("refresh: HTTP %d, %v", resp.StatusCode, err)
	}
	return out.AuthenticationResult.AccessToken, out.AuthenticationResult.IdToken
}

func TestVerify(t *testing.T) {
	s := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	defer s.Close()
	access, id := tokens(t, s)
	now := time.Now()

	claims, err := Verify(t.Context(), access, s.Issuer(), s.JWKSURL(), now)
	if err != nil {
		t.Fatalf("valid token rejected: %v", err)
	}
	if claims["username"] != "alice" || claims["scope"] != "openid platform/read" {
		t.Errorf("claims = %v", claims)
	}
	// Issuer taken from the token's own (Cognito-shaped) iss.
	if _, err := Verify(t.Context(), access, "", s.JWKSURL(), now); err != nil {
		t.Errorf("derived issuer: %v", err)
	}

	parts := strings.Split(access, ".")
	other, _ := tokens(t, s)
	forged := parts[0] + "." + strings.Split(other, ".")[1] + "." + parts[2]
	for name, tc := range map[string]struct {
		token, issuer, want string
		now                 time.Time
	}{
		"tampered":     {forged, s.Issuer(), "bad signature", now},
		"wrong issuer": {access, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other", "issuer", now},
		"expired":      {access, s.Issuer(), "expired", now.Add(2 * time.Hour)},
		"id token":     {id, s.Issuer(), "token_use", now},
		"not a JWT":    {"abc", s.Issuer(), "not a JWT", now},
	} {
		_, err := Verify(t.Context(), tc.token, tc.issuer, s.JWKSURL(), tc.now)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
		if err != nil && len(tc.token) > 20 && strings.Contains(err.Error(), tc.token) {
			t.Errorf("%s: error leaks the token", name)
		}
	}
	// Keys of another pool do not verify it.
	other2 := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	defer other2.Close()
	if _, err := Verify(t.Context(), access, s.Issuer(), other2.JWKSURL(), now); err == nil || !strings.Contains(err.Error(), "no RSA key") {
		t.Errorf("other pool's JWKS: err = %v", err)
	}
}

// TestVerifyClientCredentialsToken: a machine token from the double's token
// endpoint verifies like a user's; it names no user.
func TestVerifyClientCredentialsToken(t *testing.T) {
	s := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	defer s.Close()
	s.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy"}})
	c := s.AddClientCredentialsClient(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy"}})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.TokenURL(), strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.ID, c.Secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("token endpoint: HTTP %d, %v", resp.StatusCode, err)
	}
	claims, err := Verify(t.Context(), out.AccessToken, s.Issuer(), s.JWKSURL(), time.Now())
	if err != nil {
		t.Fatalf("machine token rejected: %v", err)
	}
	if claims["sub"] != c.ID || claims["scope"] != "platform/deploy" || claims["username"] != nil {
		t.Errorf("claims = %v", claims)
	}
}
