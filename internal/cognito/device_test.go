package cognito

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// In a pool that remembers devices, Cognito answers a missing or unconfirmed
// device key with "Invalid Refresh Token." like a bad token: its own reason,
// RefreshTokenInvalid, with whether a device key was sent, so that the
// provider can name both.
func TestNotAuthorizedNamesTheDeviceCase(t *testing.T) {
	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1", RememberDevices: true})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{GenerateSecret: true})
	token, deviceKey := srv.IssueRefreshTokenWithDevice(client.ID, "alice")
	c := newTestClient(t, srv, 0)

	cases := []struct {
		name, deviceKey string
	}{
		{"no device key", ""},
		{"unconfirmed device key", deviceKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Refresh(context.Background(), Request{RefreshToken: token, ClientID: client.ID, ClientSecret: client.Secret, DeviceKey: tc.deviceKey})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			// The provider names both token and device for this reason, by
			// DeviceKeySent (internal/provider/testdata/diagnostics.json).
			if e.Code != cognitotest.ErrNotAuthorized || e.Reason != failure.RefreshTokenInvalid || e.Input != failure.RefreshToken ||
				e.Message != "Invalid Refresh Token." || e.DeviceKeySent != (tc.deviceKey != "") {
				t.Errorf("code %q reason %s input %s message %q device key sent %v", e.Code, e.Reason, e.Input, e.Message, e.DeviceKeySent)
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
		name, token string
		reason      failure.Reason
	}{
		{"expired", expired, failure.RefreshTokenRejected},
		{"disabled user", srv.IssueRefreshToken(client.ID, "frozen"), failure.UserDisabled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Refresh(context.Background(), Request{RefreshToken: tc.token, ClientID: client.ID})
			var e *Error
			// Not RefreshTokenInvalid: its wording blames the device too.
			if !errors.As(err, &e) || e.Reason != tc.reason || e.Input != failure.RefreshToken {
				t.Fatalf("got %v", err)
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
