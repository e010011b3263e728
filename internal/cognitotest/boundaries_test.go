package cognitotest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestValidationLengthBounds: the model's length limits (clientId 1-128,
// clientSecret 24-64, deviceKey 1-55) accept their bounds and reject one
// past them.
func TestValidationLengthBounds(t *testing.T) {
	str := func(s string) *string { return &s }
	device := func(n int) *string { return str("eu-west-1_" + strings.Repeat("a", n-len("eu-west-1_"))) }
	for _, tc := range []struct {
		name  string
		in    wireInput
		valid bool
	}{
		{"clientId 128", wireInput{ClientId: str(strings.Repeat("c", 128))}, true},
		{"clientId 129", wireInput{ClientId: str(strings.Repeat("c", 129))}, false},
		{"clientSecret 24", wireInput{ClientSecret: str(strings.Repeat("s", 24))}, true},
		{"clientSecret 23", wireInput{ClientSecret: str(strings.Repeat("s", 23))}, false},
		{"clientSecret 64", wireInput{ClientSecret: str(strings.Repeat("s", 64))}, true},
		{"clientSecret 65", wireInput{ClientSecret: str(strings.Repeat("s", 65))}, false},
		{"deviceKey 55", wireInput{DeviceKey: device(55)}, true},
		{"deviceKey 56", wireInput{DeviceKey: device(56)}, false},
	} {
		in := tc.in
		in.RefreshToken = str("token")
		if in.ClientId == nil {
			in.ClientId = str("client")
		}
		if err := validate(in); (err == nil) != tc.valid {
			t.Errorf("%s: validate = %v, want valid: %v", tc.name, err, tc.valid)
		}
	}
}

// TestNoGroupsClaimWithoutGroups: Cognito adds cognito:groups only for a
// user in at least one group.
func TestNoGroupsClaimWithoutGroups(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	s.AddUser(User{Username: "bob"})
	client := s.AddClient(AppClient{})
	out := mustRefresh(t, s, input(client.ID, s.IssueRefreshToken(client.ID, "bob")))
	for _, token := range []*string{out.AuthenticationResult.AccessToken, out.AuthenticationResult.IdToken} {
		claims, err := VerifyJWT(*token, s.JWKS())
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := claims["cognito:groups"]; ok {
			t.Errorf("%s token of a user without groups has cognito:groups: %v", claims["token_use"], claims["cognito:groups"])
		}
	}
}

// TestRawFaultDefaults: a raw 5xx fault without a body answers with a load
// balancer's HTML page, from 500 up; any other raw answer keeps its body and
// defaults to Cognito's JSON content type.
func TestRawFaultDefaults(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	for _, tc := range []struct {
		fault             Fault
		wantType, wantHas string
	}{
		{Fault{Status: 500}, "text/html", "<h1>500 Internal Server Error</h1>"},
		{Fault{Status: 499}, jsonContentType, ""},
		{Fault{Status: 200, Body: `{"x":1}`}, jsonContentType, `{"x":1}`},
		{Fault{Status: 502, Body: "gone"}, jsonContentType, "gone"},
	} {
		s.InjectFault(tc.fault)
		resp, err := http.Post(s.URL, jsonContentType, strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.fault.Status || resp.Header.Get("Content-Type") != tc.wantType || !strings.Contains(string(body), tc.wantHas) ||
			tc.wantHas == "" && len(body) != 0 {
			t.Errorf("%+v: got %d %q %q", tc.fault, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}
