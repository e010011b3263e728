package cognito

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// In a pool that remembers devices, Cognito answers a missing or unconfirmed
// device key with "Invalid Refresh Token." like a bad token; the diagnostic
// says so, tailored to whether device_key was set, and tells where a
// confirmed key comes from.
func TestNotAuthorizedNamesTheDeviceCase(t *testing.T) {
	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1", RememberDevices: true})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{GenerateSecret: true})
	token, deviceKey := srv.IssueRefreshTokenWithDevice(client.ID, "alice")
	c := newTestClient(t, srv, 0)

	cases := []struct {
		name, deviceKey string
		want, notWant   string
	}{
		{"no device key", "", "no device key is sent: set `device_key`", "is not a device confirmed"},
		{"unconfirmed device key", deviceKey, "`device_key` is not a device confirmed (ConfirmDevice)", "no device key is sent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Refresh(context.Background(), Request{RefreshToken: token, ClientID: client.ID, ClientSecret: client.Secret, DeviceKey: tc.deviceKey})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if e.Code != cognitotest.ErrNotAuthorized || e.Summary != "Refresh token not accepted" || e.Attribute != "refresh_token" {
				t.Errorf("code %q summary %q attribute %q", e.Code, e.Summary, e.Attribute)
			}
			for _, want := range []string{"Invalid Refresh Token.", "Sign in again", tc.want, "NewDeviceMetadata.DeviceKey"} {
				if !strings.Contains(e.Detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, e.Detail)
				}
			}
			if strings.Contains(e.Detail, tc.notWant) {
				t.Errorf("detail has %q:\n%s", tc.notWant, e.Detail)
			}
			for _, secret := range []string{token, client.ID, client.Secret} {
				if strings.Contains(e.Error(), secret) {
					t.Error("diagnostic leaks a secret")
				}
			}
		})
	}

	// Confirmed, the same key works: the diagnosis above was about the device.
	srv.ConfirmDevice(deviceKey)
	if _, err := c.Refresh(context.Background(), Request{RefreshToken: token, ClientID: client.ID, ClientSecret: client.Secret, DeviceKey: deviceKey}); err != nil {
		t.Fatalf("confirmed device: %v", err)
	}
}

// Other NotAuthorizedException messages keep their own diagnosis, without
// the device paragraph.
func TestNotAuthorizedOtherMessages(t *testing.T) {
	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	srv.AddUser(cognitotest.User{Username: "frozen", Disabled: true})
	client := srv.AddClient(cognitotest.AppClient{})
	c := newTestClient(t, srv, 0)

	expired := srv.IssueRefreshToken(client.ID, "alice")
	srv.ExpireRefreshToken(expired)
	cases := []struct {
		name, token, summary, detail string
	}{
		{"expired", expired, "Refresh token not accepted", "expired, revoked"},
		{"disabled user", srv.IssueRefreshToken(client.ID, "frozen"), "User disabled", "AdminEnableUser"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Refresh(context.Background(), Request{RefreshToken: tc.token, ClientID: client.ID})
			var e *Error
			if !errors.As(err, &e) || e.Summary != tc.summary || e.Attribute != "refresh_token" || !strings.Contains(e.Detail, tc.detail) {
				t.Fatalf("got %v", err)
			}
			if strings.Contains(e.Detail, "device") {
				t.Errorf("detail mentions devices:\n%s", e.Detail)
			}
		})
	}
}

// The API reference says GetTokensFromRefreshToken doesn't return
// NewDeviceMetadata (the double never sends it); should Cognito send it
// anyway, the provider passes it through.
func TestNewDeviceMetadataPassedThrough(t *testing.T) {
	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	defer srv.Close()
	srv.InjectFault(cognitotest.Fault{Body: `{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","ExpiresIn":300,"TokenType":"Bearer",` +
		`"NewDeviceMetadata":{"DeviceKey":"eu-west-1_0b1c2d3e-0000-4000-8000-000000000000","DeviceGroupKey":"-abcDEF123"}}}`})
	tokens, err := newTestClient(t, srv, 0).Refresh(context.Background(), Request{RefreshToken: "r", ClientID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if tokens.NewDeviceKey != "eu-west-1_0b1c2d3e-0000-4000-8000-000000000000" || tokens.NewDeviceGroupKey != "-abcDEF123" {
		t.Errorf("new device %q %q", tokens.NewDeviceKey, tokens.NewDeviceGroupKey)
	}
}
