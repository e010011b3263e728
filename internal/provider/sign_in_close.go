package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

// revoke_on_close: cognito_sign_in's ephemeral resource revokes its
// refresh token when Terraform closes it. The refresh token stays in this
// provider process's memory, under a random handle; the CLI keeps only the
// handle in the resource's private data. Terraform and OpenTofu close an
// ephemeral resource in the run, and so the provider process, that opened
// it (TestAccSignInRevokeOnCloseCLI proves it on both CLIs, each command
// a provider process of its own).

// signInEphemeralResource is the backbone's ephemeral resource, which runs
// the close hook below (tokenCloser), with revoke_on_close in its schema.
type signInEphemeralResource struct {
	tokenEphemeral
}

func (r *signInEphemeralResource) Schema(ctx context.Context, req ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	r.tokenEphemeral.Schema(ctx, req, resp)
	resp.Schema.Attributes["revoke_on_close"] = revokeOnCloseAttribute
}

// revocation is what closing one sign-in needs.
type revocation struct {
	region, userPoolID, username         string
	clientID, clientSecret, refreshToken string
	// accessExpiresAt is the access token's expires_at, for the warning.
	accessExpiresAt string
}

// openSignIns holds the revocations of the open ephemeral resources of
// this provider process, by handle.
var openSignIns = struct {
	sync.Mutex
	byHandle map[string]revocation
}{byHandle: map[string]revocation{}}

// closeHandle keeps what Close needs in memory and returns its handle
// (JSON, for the private data); nil when nothing is to be revoked.
func (signInEphemeralType) closeHandle(_ context.Context, model *signInEphemeralModel) ([]byte, diag.Diagnostics) {
	if revokeOff := !model.RevokeOnClose.IsNull() && !model.RevokeOnClose.ValueBool(); revokeOff || model.RefreshToken.ValueString() == "" {
		return nil, nil
	}
	var diags diag.Diagnostics
	random := make([]byte, 16)
	_, _ = rand.Read(random) // never fails (crypto/rand)
	handle := hex.EncodeToString(random)
	req := signInRequest(&model.signInModel)
	openSignIns.Lock()
	openSignIns.byHandle[handle] = revocation{
		region: req.TargetRegion(), userPoolID: req.UserPoolID, username: req.Username,
		clientID: req.ClientID, clientSecret: req.ClientSecret, refreshToken: model.RefreshToken.ValueString(),
		accessExpiresAt: model.ExpiresAt.ValueString(),
	}
	openSignIns.Unlock()
	encoded, err := json.Marshal(handle)
	if err != nil {
		diags.AddError("Unexpected failure keeping the close handle", "Please report this issue to the provider developers.")
	}
	return encoded, diags
}

// close revokes the refresh token of the handle's sign-in. Every failure
// is a warning: the tokens were issued and used, and the run succeeded.
func (signInEphemeralType) close(ctx context.Context, data *providerData, handle []byte) diag.Diagnostics {
	var diags diag.Diagnostics
	var key string
	_ = json.Unmarshal(handle, &key)
	openSignIns.Lock()
	rev, ok := openSignIns.byHandle[key]
	delete(openSignIns.byHandle, key)
	openSignIns.Unlock()
	at := path.Root("revoke_on_close")
	if !ok {
		addNotRevokedWarning(&diags, at, "the provider process that signed in is no longer running, and only it held the refresh token", revocation{})
		return diags
	}
	if !data.configured() {
		addNotRevokedWarning(&diags, at, "the provider is not configured", rev)
		return diags
	}
	ctx = maskSecrets(ctx, redact.NonEmpty(rev.clientID, rev.clientSecret, rev.refreshToken))
	logDebug(ctx, "Revoking the sign-in's refresh token", map[string]any{"region": rev.region})
	if err := data.client.RevokeToken(ctx, rev.region, rev.clientID, rev.clientSecret, rev.refreshToken); err != nil {
		logDebug(ctx, "Revoking the refresh token failed", map[string]any{"error": causeText(err)})
		addRevokeWarning(&diags, at, err, rev)
		return diags
	}
	logDebug(ctx, "Revoked the sign-in's refresh token", nil)
	return diags
}
