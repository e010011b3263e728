package main

import (
	"context"
	"regexp"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// A refresh token revoked through the double is refused when presented
// again; one that was not revoked is not counted.
func TestPresentAgainCountsTheDoublesRefusals(t *testing.T) {
	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	t.Cleanup(srv.Close)
	c := srv.AddClient(cognitotest.AppClient{GenerateSecret: true})
	srv.AddUser(cognitotest.User{Username: "u"})
	revoked := srv.IssueRefreshToken(c.ID, "u")
	srv.RevokeRefreshToken(revoked)
	live := srv.IssueRefreshToken(c.ID, "u")

	n, first := presentAgain(srv.URL, []revokeInput{
		{Token: revoked, ClientID: c.ID, ClientSecret: c.Secret},
		{Token: live, ClientID: c.ID, ClientSecret: c.Secret},
	})
	if n != 1 || first != "NotAuthorizedException: "+cognitotest.MsgRefreshTokenRevoked {
		t.Errorf("presentAgain = %d, %q; want 1 refusal of the revoked token", n, first)
	}
	if n, first := presentAgain(srv.URL, nil); n != 0 || first != "" {
		t.Errorf("nothing revoked: %d, %q", n, first)
	}
}

// The local service user can sign in with SRP and with a password on the
// app client the double seeds, with the generated password.
func TestLocalPasswordSignsTheServiceUserIn(t *testing.T) {
	pw := localPassword()
	if !regexp.MustCompile(`^Local-[A-Za-z2-9]{16}9!$`).MatchString(pw) || pw == localPassword() {
		t.Fatalf("localPassword() = %q: not of the expected shape, or not random", pw)
	}
	srv := cognitotest.NewServer(cognitotest.PoolConfig{Region: "eu-west-1"})
	t.Cleanup(srv.Close)
	c := srv.AddClient(cognitotest.AppClient{ExplicitAuthFlows: []string{
		cognitotest.AllowRefreshTokenAuth, cognitotest.AllowUserSRPAuth, cognitotest.AllowUserPasswordAuth,
	}})
	srv.AddUser(cognitotest.User{Username: "terraform-bot", Password: pw})
	client := cognito.New(awsEnv(t), srv.URL)
	for _, flow := range []cognito.SignInFlow{cognito.FlowUserSRP, cognito.FlowUserPassword} {
		tokens, err := client.SignIn(context.Background(), cognito.SignInRequest{
			UserPoolID: srv.PoolID(), ClientID: c.ID, Username: "terraform-bot", Password: pw, Flow: flow,
		})
		if err != nil || tokens.NewRefreshToken == "" {
			t.Errorf("%s: %v", flow, err)
		}
	}
}

// awsEnv is the provider's AWS configuration for the double's region, with
// nothing from this machine's profiles.
func awsEnv(t *testing.T) *awsenv.Env {
	t.Helper()
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	return env
}
