package bench

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/tokenstore"
)

// BenchmarkStoreWriteWindow measures the one window in which a rotated
// refresh token lives only in the provider's memory: from Cognito's answer
// to the end of the store's compare-and-swap write (tokenstore.Outcome's
// WriteSpan), per store kind, against the double on loopback with rotation
// and a grace period of 0. ns/op is the whole cycle (read, exchange, write);
// window-µs/op is the window alone. A real Secrets Manager adds two
// round trips to it (PutSecretValue, UpdateSecretVersionStage).
func BenchmarkStoreWriteWindow(b *testing.B) {
	for _, kind := range []string{"file", "secretsmanager"} {
		b.Run(kind, func(b *testing.B) {
			pool := cognitotest.NewServer(cognitotest.PoolConfig{})
			b.Cleanup(pool.Close)
			app := pool.AddClient(cognitotest.AppClient{Rotation: true})
			pool.AddUser(cognitotest.User{Username: "alice"})
			first := pool.IssueRefreshToken(app.ID, "alice")
			store := newBenchStore(b, pool, kind, first)
			env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: pool.Region(), RetryMode: aws.RetryModeStandard})
			if err != nil {
				b.Fatal(err)
			}
			client := cognito.New(env, pool.URL)
			exchange := func(ctx context.Context, rt string) (string, error) {
				tokens, err := client.Refresh(ctx, cognito.Request{ClientID: app.ID, RefreshToken: rt})
				return tokens.NewRefreshToken, err
			}
			var window time.Duration
			b.ResetTimer()
			for range b.N {
				out, err := tokenstore.Cycle(context.Background(), store, exchange, nil)
				if err != nil || !out.Written {
					b.Fatalf("cycle: written %v, %v", out.Written, err)
				}
				window += out.WriteSpan
			}
			b.ReportMetric(float64(window.Microseconds())/float64(b.N), "window-µs/op")
		})
	}
}

func newBenchStore(b *testing.B, pool *cognitotest.Server, kind, first string) tokenstore.Store {
	b.Helper()
	if kind == "file" {
		path := filepath.Join(b.TempDir(), "token")
		if err := os.WriteFile(path, []byte(first), 0o600); err != nil {
			b.Fatal(err)
		}
		return tokenstore.NewFile(path)
	}
	b.Setenv("AWS_ACCESS_KEY_ID", "AKIDBENCH")
	b.Setenv("AWS_SECRET_ACCESS_KEY", "bench")
	b.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", pool.URL)
	b.Setenv("AWS_CONFIG_FILE", filepath.Join(b.TempDir(), "none"))
	b.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(b.TempDir(), "none"))
	pool.CreateSecret("bench/refresh-token", first)
	return tokenstore.NewSecretsManager("bench/refresh-token", tokenstore.SecretsManagerOptions{
		Region: pool.Region(), HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Policy: retrypolicy.Policy{MaxAttempts: 3, Mode: aws.RetryModeStandard, Timeout: 30 * time.Second},
	})
}
