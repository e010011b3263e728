package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/provider"
)

// Per-refresh overhead, one refresh per op, sequentially:
//
//	sdk     the bare aws-sdk-go-v2 GetTokensFromRefreshToken call, warmed client
//	client  the provider's internal/cognito Client.Refresh (the SDK call plus
//	        timeout, attempt counting and response checks)
//	open    tfprotov6 OpenEphemeralResource through the framework's provider server
//	read    tfprotov6 ReadDataSource through the framework's provider server
//
// and beside them the client-credentials (machine) path, one token per op:
//
//	cc-oauth2  the bare golang.org/x/oauth2/clientcredentials Token call
//	cc-open    tfprotov6 OpenEphemeralResource of cognito_client_credentials_token
//
// and the same machine token from the GetClientToken API operation:
//
//	gct-sdk    the bare aws-sdk-go-v2 GetClientToken call, warmed client
//	gct-open   tfprotov6 OpenEphemeralResource of cognito_client_credentials_token
//	           without domain or token_url
//
// and a user's sign-in with SRP, one whole sign-in per op (sign_in_test.go):
//
//	signin-sdk, signin-client, signin-open
//
// against two backends on loopback, both in this process (so B/op and
// allocs/op include the server's side, equally for every path):
//
//	double  the cognitotest Cognito double: validates, signs two RS256 JWTs
//	stub    a canned response of the same size: isolates the client-side cost
//
// The app client does not rotate, so one refresh token serves every op.
func BenchmarkRefresh(b *testing.B) {
	for _, backend := range []string{"double", "stub"} {
		b.Run(backend, func(b *testing.B) {
			t := newTarget(b, backend == "stub")
			b.Run("sdk", t.benchSDK)
			b.Run("client", t.benchClient)
			b.Run("open", t.benchOpen)
			b.Run("read", t.benchRead)
			b.Run("cc-oauth2", t.benchOAuth2)
			b.Run("cc-open", t.benchClientCredentialsOpen)
			b.Run("gct-sdk", t.benchGetClientTokenSDK)
			b.Run("gct-open", t.benchGetClientTokenOpen)
			b.Run("signin-sdk", t.benchSignInSDK)
			b.Run("signin-client", t.benchSignInClient)
			b.Run("signin-open", t.benchSignInOpen)
		})
	}
}

// TestRefreshPaths runs each benchmarked path once, so `go test ./...`
// checks that the benchmarks still work (no timing is asserted).
func TestRefreshPaths(t *testing.T) {
	for _, stub := range []bool{false, true} {
		tg := newTarget(t, stub)
		if _, err := tg.sdkCall(t.Context()); err != nil {
			t.Fatalf("sdk (stub=%v): %v", stub, err)
		}
		if _, err := tg.client.Refresh(t.Context(), tg.request()); err != nil {
			t.Fatalf("client (stub=%v): %v", stub, err)
		}
		if err := tg.open(t.Context()); err != nil {
			t.Fatalf("open (stub=%v): %v", stub, err)
		}
		if err := tg.read(t.Context()); err != nil {
			t.Fatalf("read (stub=%v): %v", stub, err)
		}
		if _, err := tg.cc.Token(t.Context()); err != nil {
			t.Fatalf("cc-oauth2 (stub=%v): %v", stub, err)
		}
		if err := tg.ccOpen(t.Context()); err != nil {
			t.Fatalf("cc-open (stub=%v): %v", stub, err)
		}
		if _, err := tg.gctCall(t.Context()); err != nil {
			t.Fatalf("gct-sdk (stub=%v): %v", stub, err)
		}
		if err := tg.gctOpen(t.Context()); err != nil {
			t.Fatalf("gct-open (stub=%v): %v", stub, err)
		}
	}
}

const region = "us-east-1"

type target struct {
	endpoint, refreshToken, clientID string

	sdk    *cip.Client
	client *cognito.Client
	server tfprotov6.ProviderServer

	openReq *tfprotov6.OpenEphemeralResourceRequest
	readReq *tfprotov6.ReadDataSourceRequest

	// The client-credentials path: the token endpoint and an M2M client.
	cc        *clientcredentials.Config
	ccOpenReq *tfprotov6.OpenEphemeralResourceRequest

	// GetClientToken: an app client whose only flow is ALLOW_CLIENT_TOKEN_AUTH.
	gctID, gctSecret string
	gctOpenReq       *tfprotov6.OpenEphemeralResourceRequest

	// Signing a user in with SRP (sign_in_test.go).
	signIn *signInTarget
}

func newTarget(tb testing.TB, stub bool) *target {
	tb.Helper()
	// The SDK must see only what the benchmark sets.
	for _, name := range []string{"AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"} {
		tb.Setenv(name, "")
	}
	tb.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	tb.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")

	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: region})
	tb.Cleanup(srv.Close)
	c := srv.AddClient(cognitotest.AppClient{}) // no secret, no rotation
	srv.AddUser(cognitotest.User{Username: "bench", Email: "bench@example.com"})
	t := &target{endpoint: srv.URL, clientID: c.ID, refreshToken: srv.IssueRefreshToken(c.ID, "bench")}
	t.sdk = newSDKClient(tb, t.endpoint)
	srv.AddResourceServer(cognitotest.ResourceServer{Identifier: "bench", Scopes: []string{"run"}})
	m2m := srv.AddClientCredentialsClient(cognitotest.ClientCredentialsClient{Scopes: []string{"bench/run"}})
	t.cc = &clientcredentials.Config{ClientID: m2m.ID, ClientSecret: m2m.Secret, TokenURL: srv.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
	gct := srv.AddClientCredentialsClient(cognitotest.ClientCredentialsClient{
		ExplicitAuthFlows: []string{cognitotest.AllowClientTokenAuth}, Scopes: []string{"bench/run"},
	})
	t.gctID, t.gctSecret = gct.ID, gct.Secret
	t.signIn = addSignInUser(srv, c.ID)

	if stub {
		// Answer like the double did once, without its work per request.
		out, err := t.sdkCall(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		body, _ := json.Marshal(map[string]any{"AuthenticationResult": map[string]any{
			"AccessToken": aws.ToString(out.AuthenticationResult.AccessToken),
			"IdToken":     aws.ToString(out.AuthenticationResult.IdToken),
			"ExpiresIn":   out.AuthenticationResult.ExpiresIn,
			"TokenType":   aws.ToString(out.AuthenticationResult.TokenType),
		}})
		issued, err := t.cc.Token(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		ccBody, _ := json.Marshal(map[string]any{"access_token": issued.AccessToken, "expires_in": 3600, "token_type": "Bearer"})
		gctOut, err := t.gctCall(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		t.recordSignIn(tb)
		gctBody, _ := json.Marshal(map[string]any{"ClientAuthenticationResult": map[string]any{
			"AccessToken": aws.ToString(gctOut.ClientAuthenticationResult.AccessToken), "ExpiresIn": 3600, "TokenType": "Bearer",
		}})
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == cognitotest.TokenPath {
				w.Header().Set("Content-Type", "application/json;charset=UTF-8")
				_, _ = w.Write(ccBody)
				return
			}
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.Header().Set("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
			if r.Header.Get("X-Amz-Target") == cognitotest.TargetGetClientToken {
				_, _ = w.Write(gctBody)
				return
			}
			if answer := t.signIn.stubAnswer(r.Header.Get("X-Amz-Target")); answer != nil {
				_, _ = w.Write(answer)
				return
			}
			_, _ = w.Write(body)
		}))
		tb.Cleanup(ts.Close)
		t.endpoint = ts.URL
		t.sdk = newSDKClient(tb, t.endpoint)
		t.cc.TokenURL = ts.URL + cognitotest.TokenPath
	}

	var err error
	env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: region})
	if err != nil {
		tb.Fatal(err)
	}
	t.client = cognito.New(env, t.endpoint)
	t.server, err = providerserver.NewProtocol6WithError(provider.New("bench")())()
	if err != nil {
		tb.Fatal(err)
	}
	t.configure(tb)
	// Warm every path: connections, the framework's schema caches.
	if _, err := t.client.Refresh(context.Background(), t.request()); err != nil {
		tb.Fatal(err)
	}
	if err := t.open(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if err := t.read(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if _, err := t.cc.Token(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if err := t.ccOpen(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if _, err := t.gctCall(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if err := t.gctOpen(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if _, err := t.client.SignIn(context.Background(), t.signInRequest()); err != nil {
		tb.Fatal(err)
	}
	if t.signIn.openReq != nil {
		if err := t.signInOpen(context.Background()); err != nil {
			tb.Fatal(err)
		}
	}
	return t
}

func newSDKClient(tb testing.TB, endpoint string) *cip.Client {
	tb.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region), config.WithCredentialsProvider(aws.AnonymousCredentials{}))
	if err != nil {
		tb.Fatal(err)
	}
	return cip.NewFromConfig(cfg, func(o *cip.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

// gctCall is GetClientToken as a bare SDK user would call it.
func (t *target) gctCall(ctx context.Context) (*cip.GetClientTokenOutput, error) {
	return t.sdk.GetClientToken(ctx, &cip.GetClientTokenInput{ClientId: aws.String(t.gctID), Secret: aws.String(t.gctSecret)})
}

func (t *target) request() cognito.Request {
	return cognito.Request{RefreshToken: t.refreshToken, ClientID: t.clientID}
}

func (t *target) sdkCall(ctx context.Context) (*cip.GetTokensFromRefreshTokenOutput, error) {
	return t.sdk.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{
		RefreshToken: aws.String(t.refreshToken),
		ClientId:     aws.String(t.clientID),
	})
}

// configure does what Terraform does before the first refresh:
// GetProviderSchema, then ConfigureProvider; it prepares the per-op requests.
func (t *target) configure(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	schemas, err := t.server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(schemas.Diagnostics) {
		tb.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	providerConfig := dynamicValue(tb, schemas.Provider, map[string]tftypes.Value{
		"region":   tftypes.NewValue(tftypes.String, region),
		"endpoint": tftypes.NewValue(tftypes.String, t.endpoint),
	})
	configured, err := t.server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "bench", Config: providerConfig,
	})
	if err != nil || hasError(configured.Diagnostics) {
		tb.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}

	inputs := map[string]tftypes.Value{
		"refresh_token": tftypes.NewValue(tftypes.String, t.refreshToken),
		"client_id":     tftypes.NewValue(tftypes.String, t.clientID),
	}
	const typeName = "cognito_refreshed_tokens"
	t.openReq = &tfprotov6.OpenEphemeralResourceRequest{
		TypeName:           typeName,
		Config:             dynamicValue(tb, schemas.EphemeralResourceSchemas[typeName], inputs),
		ClientCapabilities: &tfprotov6.OpenEphemeralResourceClientCapabilities{DeferralAllowed: true},
	}
	t.readReq = &tfprotov6.ReadDataSourceRequest{
		TypeName:           typeName,
		Config:             dynamicValue(tb, schemas.DataSourceSchemas[typeName], inputs),
		ClientCapabilities: &tfprotov6.ReadDataSourceClientCapabilities{DeferralAllowed: true},
	}
	const ccTypeName = "cognito_client_credentials_token"
	t.ccOpenReq = &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: ccTypeName,
		Config: dynamicValue(tb, schemas.EphemeralResourceSchemas[ccTypeName], map[string]tftypes.Value{
			"token_url":     tftypes.NewValue(tftypes.String, t.cc.TokenURL),
			"client_id":     tftypes.NewValue(tftypes.String, t.cc.ClientID),
			"client_secret": tftypes.NewValue(tftypes.String, t.cc.ClientSecret),
		}),
		ClientCapabilities: &tfprotov6.OpenEphemeralResourceClientCapabilities{DeferralAllowed: true},
	}
	t.gctOpenReq = &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: ccTypeName,
		Config: dynamicValue(tb, schemas.EphemeralResourceSchemas[ccTypeName], map[string]tftypes.Value{
			"client_id":     tftypes.NewValue(tftypes.String, t.gctID),
			"client_secret": tftypes.NewValue(tftypes.String, t.gctSecret),
		}),
		ClientCapabilities: &tfprotov6.OpenEphemeralResourceClientCapabilities{DeferralAllowed: true},
	}
	t.configureSignIn(tb, schemas)
}

// dynamicValue encodes a configuration as Terraform sends it (msgpack):
// every schema attribute present, null unless given.
func dynamicValue(tb testing.TB, schema *tfprotov6.Schema, given map[string]tftypes.Value) *tfprotov6.DynamicValue {
	tb.Helper()
	if schema == nil {
		tb.Fatal("schema missing")
	}
	typ, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		tb.Fatalf("schema type %T is not an object", schema.ValueType())
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
		if v, ok := given[name]; ok {
			values[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		tb.Fatal(err)
	}
	return &dv
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

type diagError []*tfprotov6.Diagnostic

func (d diagError) Error() string {
	msg := ""
	for _, diag := range d {
		msg += diag.Summary + ": " + diag.Detail + "; "
	}
	return msg
}

func (t *target) open(ctx context.Context) error {
	resp, err := t.server.OpenEphemeralResource(ctx, t.openReq)
	if err != nil {
		return err
	}
	if hasError(resp.Diagnostics) || resp.Result == nil {
		return diagError(resp.Diagnostics)
	}
	return nil
}

func (t *target) read(ctx context.Context) error {
	resp, err := t.server.ReadDataSource(ctx, t.readReq)
	if err != nil {
		return err
	}
	if hasError(resp.Diagnostics) || resp.State == nil {
		return diagError(resp.Diagnostics)
	}
	return nil
}

func (t *target) benchSDK(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.sdkCall(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *target) benchClient(b *testing.B) {
	ctx := context.Background()
	req := t.request()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.client.Refresh(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *target) benchOpen(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := t.open(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *target) benchRead(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := t.read(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *target) ccOpen(ctx context.Context) error {
	resp, err := t.server.OpenEphemeralResource(ctx, t.ccOpenReq)
	if err != nil {
		return err
	}
	if hasError(resp.Diagnostics) || resp.Result == nil {
		return diagError(resp.Diagnostics)
	}
	return nil
}

func (t *target) benchOAuth2(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.cc.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *target) benchClientCredentialsOpen(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := t.ccOpen(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *target) gctOpen(ctx context.Context) error {
	resp, err := t.server.OpenEphemeralResource(ctx, t.gctOpenReq)
	if err != nil {
		return err
	}
	if hasError(resp.Diagnostics) || resp.Result == nil {
		return diagError(resp.Diagnostics)
	}
	return nil
}

func (t *target) benchGetClientTokenSDK(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.gctCall(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *target) benchGetClientTokenOpen(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := t.gctOpen(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
