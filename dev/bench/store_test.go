package bench

import (
	"context"
	"fmt"
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
// window-µs/op is the window alone. A real Secrets Manager adds three
// round trips to it (ListSecretVersionIds, PutSecretValue,
// UpdateSecretVersionStage). Each Secrets Manager iteration writes a
// version, so the benchmark moves to a fresh secret before the store's
// quota check would refuse (tokenstore.VersionReserve).
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
			const writesPerSecret = tokenstore.SecretVersionQuota - tokenstore.VersionReserve - 1
			b.ResetTimer()
			for i := range b.N {
				if kind == "secretsmanager" && i > 0 && i%writesPerSecret == 0 {
					b.StopTimer()
					store = nextBenchSecret(b, pool, i/writesPerSecret)
					b.StartTimer()
				}
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
	pool.CreateSecret(benchSecret(0), first)
	return benchSecretStore(pool, benchSecret(0))
}

func benchSecret(n int) string { return fmt.Sprintf("bench/refresh-token-%d", n) }

// nextBenchSecret seeds secret n with the token of secret n-1.
func nextBenchSecret(b *testing.B, pool *cognitotest.Server, n int) tokenstore.Store {
	b.Helper()
	token, ok := pool.SecretValue(benchSecret(n - 1))
	if !ok {
		b.Fatalf("secret %s has no value", benchSecret(n-1))
	}
	pool.CreateSecret(benchSecret(n), token)
	return benchSecretStore(pool, benchSecret(n))
}

func benchSecretStore(pool *cognitotest.Server, name string) tokenstore.Store {
	return tokenstore.NewSecretsManager(name, tokenstore.SecretsManagerOptions{
		Region: pool.Region(), HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Policy: retrypolicy.Policy{MaxAttempts: 3, Mode: aws.RetryModeStandard, Timeout: 30 * time.Second},
	})
}
