package bench

// The sign-in rows of BenchmarkRefresh, one whole sign-in per op (SRP
// included: A, then the PASSWORD_VERIFIER answer):
//
//	signin-sdk     the bare aws-sdk-go-v2 InitiateAuth + RespondToAuthChallenge,
//	               warmed client, with the same SRP math (internal/srp)
//	signin-client  internal/cognito Client.SignIn
//	signin-open    tfprotov6 OpenEphemeralResource of cognito_sign_in
//	               (revoke_on_close false: the op is the open alone)
//
// Against the double, each op is a real SRP exchange: the double derives
// the verifier from the password and checks the claim. The stub answers
// with a challenge and tokens the double gave once, so only the client's
// side (its SRP math included) is measured.

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/srp"
)

const (
	signInUser     = "bench-bot"
	signInPassword = "Bench-passw0rd!"
	signInTypeName = "cognito_sign_in"
)

// signInTarget is what the sign-in rows need beside the refresh target.
type signInTarget struct {
	poolID, clientID string
	// The stub's canned answers, taken from one exchange with the double.
	challengeBody, tokensBody []byte
	openReq                   *tfprotov6.OpenEphemeralResourceRequest
}

// addSignInUser declares the user the sign-in rows sign in, on the
// refresh rows' app client (whose default flows allow USER_SRP_AUTH).
func addSignInUser(srv *cognitotest.Server, clientID string) *signInTarget {
	srv.AddUser(cognitotest.User{Username: signInUser, Email: signInUser + "@example.com", Password: signInPassword})
	return &signInTarget{poolID: srv.PoolID(), clientID: clientID}
}

func (t *target) signInRequest() cognito.SignInRequest {
	return cognito.SignInRequest{UserPoolID: t.signIn.poolID, ClientID: t.signIn.clientID, Username: signInUser, Password: signInPassword}
}

// signInSDK is a sign-in as a bare SDK user would write it: InitiateAuth
// with SRP_A, then the PASSWORD_VERIFIER answer.
func (t *target) signInSDK(ctx context.Context) (*cip.InitiateAuthOutput, *cip.RespondToAuthChallengeOutput, error) {
	client, err := srp.NewClient(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	started, err := t.sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserSrpAuth,
		ClientId: aws.String(t.signIn.clientID),
		AuthParameters: map[string]string{
			"USERNAME": signInUser,
			"SRP_A":    client.SRPA(),
		},
	})
	if err != nil {
		return nil, nil, err
	}
	if started.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		return nil, nil, fmt.Errorf("challenge %q, want PASSWORD_VERIFIER", started.ChallengeName)
	}
	p := started.ChallengeParameters
	poolName, err := srp.PoolName(t.signIn.poolID)
	if err != nil {
		return nil, nil, err
	}
	claim, err := client.PasswordClaim(poolName, p["USER_ID_FOR_SRP"], signInPassword, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], time.Now())
	if err != nil {
		return nil, nil, err
	}
	done, err := t.sdk.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ClientId:      aws.String(t.signIn.clientID),
		ChallengeName: types.ChallengeNameTypePasswordVerifier,
		Session:       started.Session,
		ChallengeResponses: map[string]string{
			"USERNAME":                    p["USER_ID_FOR_SRP"],
			"PASSWORD_CLAIM_SIGNATURE":    claim.Signature,
			"PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
			"TIMESTAMP":                   claim.Timestamp,
		},
	})
	if err != nil {
		return nil, nil, err
	}
	if done.AuthenticationResult == nil {
		return nil, nil, fmt.Errorf("challenge %q instead of tokens", done.ChallengeName)
	}
	return started, done, nil
}

// recordSignIn keeps one exchange with the double as the stub's answers.
func (t *target) recordSignIn(tb testing.TB) {
	tb.Helper()
	started, done, err := t.signInSDK(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	t.signIn.challengeBody, _ = json.Marshal(map[string]any{
		"ChallengeName": started.ChallengeName, "ChallengeParameters": started.ChallengeParameters,
		"Session": aws.ToString(started.Session),
	})
	r := done.AuthenticationResult
	t.signIn.tokensBody, _ = json.Marshal(map[string]any{"AuthenticationResult": map[string]any{
		"AccessToken": aws.ToString(r.AccessToken), "IdToken": aws.ToString(r.IdToken),
		"RefreshToken": aws.ToString(r.RefreshToken), "ExpiresIn": r.ExpiresIn, "TokenType": aws.ToString(r.TokenType),
	}})
}

// stubAnswer is the stub's body for a sign-in target, or nil.
func (s *signInTarget) stubAnswer(target string) []byte {
	switch target {
	case cognitotest.TargetInitiateAuth:
		return s.challengeBody
	case cognitotest.TargetRespondToAuthChallenge:
		return s.tokensBody
	}
	return nil
}

// configureSignIn prepares the open request, if the provider has the type.
func (t *target) configureSignIn(tb testing.TB, schemas *tfprotov6.GetProviderSchemaResponse) {
	tb.Helper()
	schema, ok := schemas.EphemeralResourceSchemas[signInTypeName]
	if !ok {
		return
	}
	t.signIn.openReq = &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: signInTypeName,
		Config: dynamicValue(tb, schema, map[string]tftypes.Value{
			"user_pool_id":    tftypes.NewValue(tftypes.String, t.signIn.poolID),
			"client_id":       tftypes.NewValue(tftypes.String, t.signIn.clientID),
			"username":        tftypes.NewValue(tftypes.String, signInUser),
			"password":        tftypes.NewValue(tftypes.String, signInPassword),
			"revoke_on_close": tftypes.NewValue(tftypes.Bool, false),
		}),
		ClientCapabilities: &tfprotov6.OpenEphemeralResourceClientCapabilities{DeferralAllowed: true},
	}
}

func (t *target) signInOpen(ctx context.Context) error {
	resp, err := t.server.OpenEphemeralResource(ctx, t.signIn.openReq)
	if err != nil {
		return err
	}
	if hasError(resp.Diagnostics) || resp.Result == nil {
		return diagError(resp.Diagnostics)
	}
	return nil
}

func (t *target) benchSignInSDK(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := t.signInSDK(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *target) benchSignInClient(b *testing.B) {
	ctx := context.Background()
	req := t.signInRequest()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.client.SignIn(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *target) benchSignInOpen(b *testing.B) {
	if t.signIn.openReq == nil {
		b.Skip("the provider has no " + signInTypeName + " ephemeral resource")
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := t.signInOpen(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSignInPaths runs each sign-in path once on both backends (no timing
// is asserted), so `go test ./...` checks the rows still work.
func TestSignInPaths(t *testing.T) {
	for _, stub := range []bool{false, true} {
		tg := newTarget(t, stub)
		if _, _, err := tg.signInSDK(t.Context()); err != nil {
			t.Fatalf("signin-sdk (stub=%v): %v", stub, err)
		}
		if _, err := tg.client.SignIn(t.Context(), tg.signInRequest()); err != nil {
			t.Fatalf("signin-client (stub=%v): %v", stub, err)
		}
		if tg.signIn.openReq == nil {
			continue // until the provider registers the type
		}
		if err := tg.signInOpen(t.Context()); err != nil {
			t.Fatalf("signin-open (stub=%v): %v", stub, err)
		}
	}
}
