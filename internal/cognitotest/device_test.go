package cognitotest

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestDeviceTracking(t *testing.T) {
	s := newTestServer(t, PoolConfig{Region: "ap-south-1"})
	c := s.AddClient(AppClient{DeviceTracking: true})
	off := s.AddClient(AppClient{})
	s.AddUser(User{Username: "alice"})
	keyRE := regexp.MustCompile(`^ap-south-1_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

	// No device key: Cognito issues a new device, and the token names it.
	res := mustRefresh(t, s, input(c.ID, s.IssueRefreshToken(c.ID, "alice"))).AuthenticationResult
	if res.NewDeviceMetadata == nil || !keyRE.MatchString(*res.NewDeviceMetadata.DeviceKey) ||
		!regexp.MustCompile(`^-[A-Za-z0-9]{9}$`).MatchString(*res.NewDeviceMetadata.DeviceGroupKey) {
		t.Fatalf("NewDeviceMetadata %+v", res.NewDeviceMetadata)
	}
	newKey := *res.NewDeviceMetadata.DeviceKey
	if got := mustVerify(t, *res.AccessToken, s.JWKS())["device_key"]; got != newKey {
		t.Errorf("device_key %v, want %v", got, newKey)
	}

	tests := []struct {
		name, client, key, wantClaim string
	}{
		{"issued device", c.ID, newKey, newKey},
		{"registered device", c.ID, s.RegisterDevice("alice"), ""},
		{"tracking off ignores key", off.ID, s.RegisterDevice("alice"), "-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := input(tc.client, s.IssueRefreshToken(tc.client, "alice"))
			in.DeviceKey = aws.String(tc.key)
			res := mustRefresh(t, s, in).AuthenticationResult
			if res.NewDeviceMetadata != nil {
				t.Error("no new device expected")
			}
			claim, ok := mustVerify(t, *res.AccessToken, s.JWKS())["device_key"]
			switch {
			case tc.wantClaim == "-" && ok:
				t.Errorf("unexpected device_key %v", claim)
			case tc.wantClaim != "-" && claim != tc.key:
				t.Errorf("device_key %v, want %v", claim, tc.key)
			}
			if !keyRE.MatchString(tc.key) {
				t.Errorf("RegisterDevice key %q", tc.key)
			}
		})
	}
}
