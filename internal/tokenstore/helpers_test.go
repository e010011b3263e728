package tokenstore

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// rotatingPool is a double with one user on an app client that rotates
// refresh tokens with a grace period of 0, and a first refresh token.
func rotatingPool(t *testing.T, rotation bool) (*cognitotest.Server, cognitotest.AppClient, string) {
	t.Helper()
	s := cognitotest.NewServer(cognitotest.PoolConfig{})
	t.Cleanup(s.Close)
	c := s.AddClient(cognitotest.AppClient{Rotation: rotation})
	s.AddUser(cognitotest.User{Username: "alice"})
	return s, c, s.IssueRefreshToken(c.ID, "alice")
}

// cognitoExchange refreshes at the double through the real SDK (unsigned,
// as the provider does) and returns the rotated token.
func cognitoExchange(s *cognitotest.Server, clientID string) Exchange {
	c := cip.NewFromConfig(aws.Config{
		Region: s.Region(), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1,
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
	}, func(o *cip.Options) { o.BaseEndpoint = aws.String(s.URL) })
	return func(ctx context.Context, rt string) (string, error) {
		out, err := c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{
			ClientId: aws.String(clientID), RefreshToken: aws.String(rt),
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.AuthenticationResult.RefreshToken), nil
	}
}

// cognitoSetExchange is cognitoExchange returning the whole set, issued
// and expiring on the double's clock.
func cognitoSetExchange(s *cognitotest.Server, clientID string) SetExchange {
	c := cip.NewFromConfig(aws.Config{
		Region: s.Region(), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1,
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
	}, func(o *cip.Options) { o.BaseEndpoint = aws.String(s.URL) })
	return func(ctx context.Context, rt string) (TokenSet, error) {
		issued := s.Now()
		out, err := c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{
			ClientId: aws.String(clientID), RefreshToken: aws.String(rt),
		})
		if err != nil {
			return TokenSet{}, err
		}
		res := out.AuthenticationResult
		return TokenSet{
			RefreshToken: aws.ToString(res.RefreshToken), AccessToken: aws.ToString(res.AccessToken),
			IDToken: aws.ToString(res.IdToken), TokenType: aws.ToString(res.TokenType),
			IssuedAt: issued, ExpiresAt: issued.Add(time.Duration(res.ExpiresIn) * time.Second),
		}, nil
	}
}

func isReuse(err error) bool {
	var re *ciptypes.RefreshTokenReuseException
	return errors.As(err, &re)
}

// smEnv points the AWS SDK's default chain at the double: static
// credentials from the environment, no shared files, no instance metadata,
// and the endpoint only through AWS_ENDPOINT_URL_SECRETS_MANAGER.
func smEnv(t *testing.T, s *cognitotest.Server) {
	t.Helper()
	isolateAWSEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", s.URL)
}

// isolateAWSEnv clears what the SDK's default chain would find on this
// machine.
func isolateAWSEnv(t testing.TB) {
	t.Helper()
	for _, k := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
	} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// policy is the shared policy with n attempts and a short timeout.
func policy(n int) retrypolicy.Policy {
	return retrypolicy.Policy{MaxAttempts: n, Mode: aws.RetryModeStandard, Timeout: 30 * time.Second}
}

func smStore(s *cognitotest.Server, id string, attempts int) Store {
	return NewSecretsManager(id, SecretsManagerOptions{
		Region: s.Region(), HTTPClient: &http.Client{Timeout: 10 * time.Second}, Policy: policy(attempts),
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func reasonOf(t *testing.T, err error) *Error {
	t.Helper()
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("error %T %v is not a *tokenstore.Error", err, err)
	}
	return se
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
