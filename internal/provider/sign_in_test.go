package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

const (
	testBotPassword = "Xq7-corrhorse-battery-staple-9Lm"
	testBotSeed     = "KRUGS4ZAKNSWKZBAJFZSAU3FMNZGK5BB"
)

// TestSignInSchema: the ephemeral resource alone has revoke_on_close, and
// every secret is sensitive in both forms.
func TestSignInSchema(t *testing.T) {
	ctx := context.Background()
	var eph ephemeral.SchemaResponse
	NewSignInEphemeralResource().Schema(ctx, ephemeral.SchemaRequest{}, &eph)
	var ds datasource.SchemaResponse
	NewSignInDataSource().Schema(ctx, datasource.SchemaRequest{}, &ds)
	if eph.Diagnostics.HasError() || ds.Diagnostics.HasError() {
		t.Fatal(eph.Diagnostics, ds.Diagnostics)
	}
	if _, ok := eph.Schema.Attributes["revoke_on_close"]; !ok {
		t.Error("the ephemeral resource has no revoke_on_close")
	}
	if _, ok := ds.Schema.Attributes["revoke_on_close"]; ok {
		t.Error("the data source has revoke_on_close, but nothing to close")
	}
	for _, name := range []string{"password", "totp_secret", "client_secret", "client_id", "access_token", "id_token", "refresh_token"} {
		if !eph.Schema.Attributes[name].IsSensitive() || !ds.Schema.Attributes[name].IsSensitive() {
			t.Errorf("%s is not sensitive", name)
		}
	}
	for name, attr := range eph.Schema.Attributes {
		if d := attr.GetMarkdownDescription(); d == "" || strings.Count(d, ". ") > 2 {
			t.Errorf("%s: description of one or two sentences wanted, got %q", name, d)
		}
	}
}

// signInProvider is a configured provider against a double with the bot
// and an app client.
func signInProvider(t *testing.T, client cognitotest.AppClient, user cognitotest.User) (*providerData, *cognitotest.Server, *signInEphemeralModel) {
	t.Helper()
	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	t.Cleanup(srv.Close)
	user.Username, user.Password = "deploy-bot", testBotPassword
	srv.AddUser(user)
	c := srv.AddClient(client)
	model := &signInEphemeralModel{signInModel: signInModel{
		UserPoolID: types.StringValue(srv.PoolID()), ClientID: types.StringValue(c.ID), ClientSecret: nullIfEmpty(c.Secret),
		Username: types.StringValue("deploy-bot"), Password: types.StringValue(testBotPassword),
		AuthFlow: types.StringNull(), PreferredChallenge: types.StringNull(), TOTPSecret: types.StringNull(),
		ClientMetadata: types.MapNull(types.StringType), Region: types.StringNull(),
	}, RevokeOnClose: types.BoolNull()}
	return newFaultProvider(t, srv.URL, 0, time.Minute), srv, model
}

// TestSignInCloseRevokes: the handle in private data is random, not the
// token; closing revokes the refresh token and ends the handle.
func TestSignInCloseRevokes(t *testing.T) {
	ctx := context.Background()
	data, srv, model := signInProvider(t, cognitotest.AppClient{GenerateSecret: true}, cognitotest.User{})
	spec := signInEphemeralType{}
	if diags := spec.fetch(ctx, data, model); diags.HasError() {
		t.Fatal(diagText(diags))
	}
	handle, diags := spec.closeHandle(ctx, model)
	if diags.HasError() || handle == nil {
		t.Fatalf("no handle: %s", diagText(diags))
	}
	for _, secret := range []string{model.RefreshToken.ValueString(), model.ClientSecret.ValueString(), model.ClientID.ValueString(), testBotPassword} {
		if strings.Contains(string(handle), secret) {
			t.Fatal("the handle holds a secret")
		}
	}
	if diags := spec.close(ctx, data, handle); len(diags) != 0 {
		t.Fatalf("close: %s", diagText(diags))
	}
	if !srv.AccessTokenRevoked(model.AccessToken.ValueString()) {
		t.Error("the access token issued with the refresh token is not revoked")
	}
	// The handle is spent: a second close finds nothing to revoke.
	if diags := spec.close(ctx, data, handle); len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning {
		t.Errorf("second close: %s", diagText(diags))
	}
}

// TestSignInCloseWarns: a failed revocation is a warning on
// revoke_on_close that says what is left valid, without a secret;
// revoke_on_close = false keeps no handle.
func TestSignInCloseWarns(t *testing.T) {
	ctx := context.Background()
	data, srv, model := signInProvider(t, cognitotest.AppClient{DisableTokenRevocation: true}, cognitotest.User{})
	spec := signInEphemeralType{}
	if diags := spec.fetch(ctx, data, model); diags.HasError() {
		t.Fatal(diagText(diags))
	}
	handle, _ := spec.closeHandle(ctx, model)
	diags := spec.close(ctx, data, handle)
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || diags.HasError() {
		t.Fatalf("want one warning: %s", diagText(diags))
	}
	text := diagText(diags)
	for _, want := range []string{"Refresh token not revoked", "revocation is off", "Left valid: the refresh token", model.ExpiresAt.ValueString(), "admin-user-global-sign-out --user-pool-id " + srv.PoolID() + " --username deploy-bot"} {
		if !strings.Contains(text, want) {
			t.Errorf("warning lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{model.RefreshToken.ValueString(), model.AccessToken.ValueString(), model.ClientID.ValueString(), testBotPassword} {
		if strings.Contains(text, secret) {
			t.Error("the warning holds a secret")
		}
	}
	if wd, ok := diags[0].(diag.DiagnosticWithPath); !ok || !wd.Path().Equal(path.Root("revoke_on_close")) {
		t.Errorf("warning not on revoke_on_close: %v", diags[0])
	}

	model.RevokeOnClose = types.BoolValue(false)
	if handle, diags := spec.closeHandle(ctx, model); handle != nil || diags.HasError() {
		t.Error("revoke_on_close = false keeps a handle")
	}
}

// TestSignInErrorAttributes: each failure lands on the attribute at fault,
// and a wrong username or password on none, so as not to tell which.
func TestSignInErrorAttributes(t *testing.T) {
	for _, row := range []struct {
		e    failure.Error
		want string
	}{
		{failure.Error{Reason: failure.NotAuthorized}, ""},
		{failure.Error{Reason: failure.AuthFlowNotEnabled, Input: failure.AuthFlow, Code: "ALLOW_USER_PASSWORD_AUTH"}, "auth_flow"},
		{failure.Error{Reason: failure.CodeRejected, Input: failure.TOTPSecret}, "totp_secret"},
		{failure.Error{Reason: failure.UserNotConfirmed, Input: failure.Username}, "username"},
		{failure.Error{Reason: failure.NoCredentials}, "auth_flow"},
		{failure.Error{Reason: failure.ClientNotFound, Input: failure.UserPoolID}, "user_pool_id"},
		{failure.Error{Reason: failure.ClientSecretRejected, Input: failure.ClientSecret}, "client_secret"},
	} {
		var diags diag.Diagnostics
		e := row.e
		addSignInError(&diags, &e, signInFacts{poolID: "eu-west-1_Abc", username: "bot", flow: cognito.FlowUserSRP})
		var got string
		if wp, ok := diags[0].(diag.DiagnosticWithPath); ok {
			got = wp.Path().String()
		}
		if got != row.want {
			t.Errorf("%s: on %q, want %q", row.e.Reason, got, row.want)
		}
	}
}

// TestSignInWording: every reason a sign-in can fail with, and every
// challenge, has wording of its own that says what to do; none is the
// generic fallback.
func TestSignInWording(t *testing.T) {
	f := signInFacts{poolID: "eu-west-1_Abc", username: "deploy-bot", flow: cognito.FlowUserPassword}
	seen := map[string]failure.Reason{}
	for _, r := range []failure.Reason{failure.AuthFlowNotEnabled, failure.NotAuthorized, failure.UserNotConfirmed, failure.PasswordResetRequired,
		failure.UserDisabled, failure.AttemptsExceeded, failure.CodeRejected, failure.MFANotSetUp, failure.SessionExpired, failure.PoolMisconfigured,
		failure.NoCredentials, failure.InvalidCredentials, failure.AccessDenied, failure.ClientSecretRejected, failure.InvalidParameter,
		failure.OperationNotEnabled, failure.InternalError, failure.Unavailable, failure.Throttled, failure.ClientNotFound} {
		summary, detail := signInText(&failure.Error{Reason: r, Code: "ALLOW_USER_PASSWORD_AUTH", Attempts: 1}, f)
		if prev, dup := seen[summary]; dup || summary == "Cognito returned an error" || detail == "" {
			t.Errorf("%s: summary %q (also %s)", r, summary, prev)
		}
		seen[summary] = r
	}
	for _, code := range []string{"NEW_PASSWORD_REQUIRED", "SMS_MFA", "EMAIL_OTP", "MFA_SETUP", "SELECT_MFA_TYPE", "CUSTOM_CHALLENGE", "WEB_AUTHN", "DEVICE_SRP_AUTH", "SOFTWARE_TOKEN_MFA", "SOMETHING_NEW"} {
		summary, detail := signInText(&failure.Error{Reason: failure.ChallengeUnsupported, Code: code}, f)
		generic := strings.Contains(detail, "which the provider does not answer")
		if code != "SOFTWARE_TOKEN_MFA" && !strings.Contains(summary, code) || generic != (code == "SOMETHING_NEW") {
			t.Errorf("%s: %q: %q", code, summary, detail)
		}
	}
	// Where running again can count, the wording says so.
	for _, r := range []failure.Reason{failure.NotAuthorized, failure.AttemptsExceeded, failure.InternalError, failure.Timeout} {
		_, detail := signInText(&failure.Error{Reason: r, Attempts: 1}, f)
		if !strings.Contains(detail, "lockout") {
			t.Errorf("%s does not say what running again costs: %s", r, detail)
		}
	}
}

// TestSignInValidators: a bad seed and a misplaced preferred_challenge are
// refused on their attribute, the seed never echoed.
func TestSignInValidators(t *testing.T) {
	ctx := context.Background()
	var resp validator.StringResponse
	bad := "not-a-seed-0189!"
	totpSeedValidator{}.ValidateString(ctx, validator.StringRequest{Path: path.Root("totp_secret"), ConfigValue: types.StringValue(bad)}, &resp)
	if !resp.Diagnostics.HasError() || strings.Contains(diagText(resp.Diagnostics), bad) {
		t.Errorf("bad seed: %s", diagText(resp.Diagnostics))
	}
	resp = validator.StringResponse{}
	totpSeedValidator{}.ValidateString(ctx, validator.StringRequest{Path: path.Root("totp_secret"), ConfigValue: types.StringValue(strings.ToLower(testBotSeed))}, &resp)
	if resp.Diagnostics.HasError() {
		t.Errorf("good seed refused: %s", diagText(resp.Diagnostics))
	}
}
