package cognitotest

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
)

var deviceKeyRE = regexp.MustCompile(`^ap-south-1_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// A pool that remembers devices refuses the refresh flow without a confirmed
// device key of the token's user, with the answer Cognito gives for a bad
// token; once confirmed, the key works and names the device in the access
// token. Device remembering is the pool's setting: every client of the pool
// is affected.
func TestRememberedDevicesNeedAConfirmedKey(t *testing.T) {
	s := newTestServer(t, PoolConfig{Region: "ap-south-1", RememberDevices: true})
	s.AddUser(User{Username: "alice"})
	s.AddUser(User{Username: "mallory"})
	c := s.AddClient(AppClient{})
	token, key := s.IssueRefreshTokenWithDevice(c.ID, "alice")
	if !deviceKeyRE.MatchString(key) {
		t.Fatalf("device key %q is not <region>_<uuid>", key)
	}
	_, mallorysKey := s.IssueRefreshTokenWithDevice(c.ID, "mallory")
	s.ConfirmDevice(mallorysKey)

	refused := map[string]string{
		"no device key":         "",
		"unconfirmed device":    key,
		"unknown device":        "ap-south-1_" + newUUID(),
		"someone else's device": mallorysKey,
	}
	for name, deviceKey := range refused {
		t.Run(name, func(t *testing.T) {
			in := input(c.ID, token)
			if deviceKey != "" {
				in.DeviceKey = aws.String(deviceKey)
			}
			_, err := refresh(t, s, in)
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != ErrNotAuthorized || api.ErrorMessage() != "Invalid Refresh Token." {
				t.Errorf("got %v, want NotAuthorizedException %q", err, "Invalid Refresh Token.")
			}
		})
	}

	if !s.ConfirmDevice(key) || s.ConfirmDevice("ap-south-1_"+newUUID()) {
		t.Fatal("ConfirmDevice must report whether it knew the key")
	}
	in := input(c.ID, token)
	in.DeviceKey = aws.String(key)
	res := mustRefresh(t, s, in).AuthenticationResult
	if res.NewDeviceMetadata != nil {
		t.Errorf("NewDeviceMetadata %+v: GetTokensFromRefreshToken doesn't return it", res.NewDeviceMetadata)
	}
	if got := mustVerify(t, *res.AccessToken, s.JWKS())["device_key"]; got != key {
		t.Errorf("access token device_key %v, want %v", got, key)
	}
}

// A pool that does not remember devices issues none at sign-in, needs no key
// and ignores one given; it never answers with NewDeviceMetadata.
func TestPoolWithoutDeviceRemembering(t *testing.T) {
	s := newTestServer(t, PoolConfig{Region: "ap-south-1"})
	s.AddUser(User{Username: "alice"})
	c := s.AddClient(AppClient{})
	token, key := s.IssueRefreshTokenWithDevice(c.ID, "alice")
	if key != "" {
		t.Errorf("device key %q from a pool that does not remember devices", key)
	}
	for _, deviceKey := range []string{"", "ap-south-1_" + newUUID()} {
		in := input(c.ID, token)
		if deviceKey != "" {
			in.DeviceKey = aws.String(deviceKey)
		}
		res := mustRefresh(t, s, in).AuthenticationResult
		if res.NewDeviceMetadata != nil {
			t.Errorf("device key %q: NewDeviceMetadata %+v", deviceKey, res.NewDeviceMetadata)
		}
		if claim, ok := mustVerify(t, *res.AccessToken, s.JWKS())["device_key"]; ok {
			t.Errorf("device key %q: access token names device %v", deviceKey, claim)
		}
	}
}

// ExpiresIn is the access token's lifetime; the ID token expires after its
// own validity. Both default to one hour and stay within 5 minutes to 1 day.
func TestAccessAndIDTokenValidities(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := newTestServer(t, PoolConfig{Now: func() time.Time { return now }})
	s.AddUser(User{Username: "alice"})
	cases := []struct {
		name             string
		client           AppClient
		wantAccess, want time.Duration
	}{
		{"defaults", AppClient{}, time.Hour, time.Hour},
		{"separate", AppClient{AccessTokenValidity: 10 * time.Minute, IDTokenValidity: 3 * time.Hour}, 10 * time.Minute, 3 * time.Hour},
		{"only ID set", AppClient{IDTokenValidity: 5 * time.Minute}, time.Hour, 5 * time.Minute},
		{"clamped", AppClient{AccessTokenValidity: time.Minute, IDTokenValidity: 48 * time.Hour}, 5 * time.Minute, 24 * time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := s.AddClient(tc.client)
			res := mustRefresh(t, s, input(c.ID, s.IssueRefreshToken(c.ID, "alice"))).AuthenticationResult
			if got := time.Duration(res.ExpiresIn) * time.Second; got != tc.wantAccess {
				t.Errorf("ExpiresIn %v, want the access token's %v", got, tc.wantAccess)
			}
			access := mustVerify(t, *res.AccessToken, s.JWKS())
			id := mustVerify(t, *res.IdToken, s.JWKS())
			if got, want := access["exp"], float64(now.Add(tc.wantAccess).Unix()); got != want {
				t.Errorf("access exp %v, want %v", got, want)
			}
			if got, want := id["exp"], float64(now.Add(tc.want).Unix()); got != want {
				t.Errorf("ID exp %v, want %v", got, want)
			}
		})
	}
}
