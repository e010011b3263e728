// Package platform is a DEMO-ONLY Terraform provider used by `make demo`
// (scripts/demo.sh, examples/demo). It stands for "your internal platform API
// behind Cognito": its configuration takes a Cognito access token, as a real
// API provider would send it in `Authorization: Bearer`, and its data source
// platform_caller answers "who am I" the way such an API would, by verifying
// the token's RS256 signature against the user pool's JWKS and reading its
// claims. It is never released and has no stability promise.
package platform

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// New returns the demo provider, as providerserver expects.
func New() provider.Provider { return &platformProvider{} }

type platformProvider struct{}

type config struct {
	Token   types.String `tfsdk:"token"`
	Issuer  types.String `tfsdk:"issuer"`
	JWKSURL types.String `tfsdk:"jwks_url"`
}

func (p *platformProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "platform"
}

func (p *platformProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "DEMO ONLY: an API behind Cognito that accepts a bearer access token.",
		Attributes: map[string]schema.Attribute{
			"token": schema.StringAttribute{Required: true, Sensitive: true,
				Description: "Cognito access token, e.g. ephemeral.cognito_refreshed_tokens.x.access_token."},
			"issuer": schema.StringAttribute{Optional: true,
				Description: "Expected iss, https://cognito-idp.<region>.amazonaws.com/<user pool id>. " +
					"Default (a demo convenience; a real API pins its pool): the token's own iss, accepted only " +
					"in that form, so the keys always come from Cognito."},
			"jwks_url": schema.StringAttribute{Optional: true,
				Description: "Where to fetch the signing keys. Default: <issuer>/.well-known/jwks.json."},
		},
	}
}

func (p *platformProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var c config
	resp.Diagnostics.Append(req.Config.Get(ctx, &c)...)
	if !resp.Diagnostics.HasError() && !c.Token.IsUnknown() && !c.Issuer.IsUnknown() && !c.JWKSURL.IsUnknown() {
		resp.DataSourceData = &c
	}
}

func (p *platformProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *platformProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return &callerDataSource{} }}
}

type callerDataSource struct{ cfg *config }

type callerModel struct {
	Username  types.String `tfsdk:"username"`
	Sub       types.String `tfsdk:"sub"`
	ClientID  types.String `tfsdk:"client_id"`
	Scopes    types.List   `tfsdk:"scopes"`
	TokenUse  types.String `tfsdk:"token_use"`
	Issuer    types.String `tfsdk:"issuer"`
	ExpiresAt types.String `tfsdk:"expires_at"`
}

func (d *callerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_caller"
}

func (d *callerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) dsschema.Attribute {
		return dsschema.StringAttribute{Computed: true, Description: desc}
	}
	resp.Schema = dsschema.Schema{
		Description: "DEMO ONLY: who the platform thinks is calling, from the verified bearer token (never the token itself).",
		Attributes: map[string]dsschema.Attribute{
			"username": str("Cognito username."), "sub": str("User's sub (UUID)."),
			"client_id": dsschema.StringAttribute{Computed: true, Sensitive: true, Description: "App client the token was issued to (sensitive, as in the cognito provider)."}, "token_use": str("Always `access`."),
			"issuer": str("Verified iss."), "expires_at": str("Token expiry, RFC 3339 UTC."),
			"scopes": dsschema.ListAttribute{Computed: true, ElementType: types.StringType, Description: "OAuth scopes."},
		},
	}
}

func (d *callerDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	d.cfg, _ = req.ProviderData.(*config)
}

func (d *callerDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.cfg == nil {
		resp.Diagnostics.AddError("Platform token not known", "The provider's token, issuer or jwks_url is not known yet.")
		return
	}
	claims, err := Verify(ctx, d.cfg.Token.ValueString(), d.cfg.Issuer.ValueString(), d.cfg.JWKSURL.ValueString(), time.Now())
	if err != nil {
		resp.Diagnostics.AddError("Platform rejected the bearer token", err.Error())
		return
	}
	str := func(k string) types.String { s, _ := claims[k].(string); return types.StringValue(s) }
	scopes, diags := types.ListValueFrom(ctx, types.StringType, strings.Fields(str("scope").ValueString()))
	resp.Diagnostics.Append(diags...)
	exp, _ := claims["exp"].(float64)
	resp.Diagnostics.Append(resp.State.Set(ctx, &callerModel{
		Username: str("username"), Sub: str("sub"), ClientID: str("client_id"), Scopes: scopes,
		TokenUse: str("token_use"), Issuer: str("iss"),
		ExpiresAt: types.StringValue(time.Unix(int64(exp), 0).UTC().Format(time.RFC3339)),
	})...)
}

var cognitoIssuer = regexp.MustCompile(`^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/[a-z0-9-]+_[0-9A-Za-z]+$`)

// Verify checks an access token like an API behind Cognito must: RS256
// signature by a key of the pool's JWKS, iss, token_use and exp. golang-jwt
// does the JWS part; errors never contain the token.
func Verify(ctx context.Context, token, issuer, jwksURL string, now time.Time) (map[string]any, error) {
	// The keys' URL comes from the issuer, which without configuration comes
	// from the token itself: read iss before anything is verified, and accept
	// it only in Cognito's form so the keys always come from Cognito.
	var unverified jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &unverified); err != nil {
		return nil, errors.New("not a JWT")
	}
	iss, _ := unverified["iss"].(string)
	if issuer == "" && !cognitoIssuer.MatchString(iss) {
		return nil, errors.New("no issuer configured and the token's iss is not a Cognito user pool URL")
	} else if issuer == "" {
		issuer = iss
	}
	if jwksURL == "" {
		jwksURL = strings.TrimSuffix(issuer, "/") + "/.well-known/jwks.json"
	}
	var keyErr error
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		key, err := fetchKey(ctx, jwksURL, kid)
		keyErr = err
		return key, err
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	// The demo's own short wording for golang-jwt's failures.
	switch {
	case keyErr != nil:
		return nil, keyErr
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenMalformed):
		return nil, errors.New("bad signature")
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return nil, fmt.Errorf("issuer is %q, want %q", iss, issuer)
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return nil, errors.New("token expired")
	case err != nil:
		return nil, fmt.Errorf("token rejected: %w", err)
	case claims["token_use"] != "access":
		return nil, fmt.Errorf("token_use is %v, want access", claims["token_use"])
	}
	return claims, nil
}

// fetchKey finds kid's RSA key in the JWKS at url (RFC 7517: n and e are
// unpadded base64url big-endian integers); golang-jwt reads no JWKS.
func fetchKey(ctx context.Context, url, kid string) (*rsa.PublicKey, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("JWKS URL: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching JWKS: %w", err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct{ Kid, Kty, N, E string }
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching JWKS from %s: HTTP %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, fmt.Errorf("JWKS from %s: %w", url, err)
	}
	for _, k := range set.Keys {
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if k.Kid == kid && k.Kty == "RSA" && err1 == nil && err2 == nil && len(e) <= 4 {
			return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
		}
	}
	return nil, fmt.Errorf("no RSA key with the token's kid in the JWKS at %s", url)
}
