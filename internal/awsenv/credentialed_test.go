package awsenv

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The store's configuration signs with the default chain (the token
// requests' never does), in the region it names, through the environment's
// one HTTP client and under its retry policy.
func TestCredentialedSharesClientAndPolicy(t *testing.T) {
	isolate(t, "")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI")
	retries := 2
	env := load(t, Settings{Region: "eu-west-1", MaxRetries: &retries})
	cfg, err := env.Credentialed(context.Background(), "us-east-2")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "us-east-2" || cfg.HTTPClient != env.HTTPClient() || cfg.Retryer().MaxAttempts() != 3 || cfg.RetryMaxAttempts != 0 {
		t.Errorf("region %q, shared client %v, %d attempts (RetryMaxAttempts %d)", cfg.Region, cfg.HTTPClient == env.HTTPClient(), cfg.Retryer().MaxAttempts(), cfg.RetryMaxAttempts)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "AKIDEXAMPLE" {
		t.Errorf("credentials %q, %v: want the default chain's", creds.AccessKeyID, err)
	}
	if !aws.IsCredentialsProvider(env.Config().Credentials, aws.AnonymousCredentials{}) {
		t.Error("the token requests' configuration is no longer anonymous")
	}
	// Without a region, the chain's.
	t.Setenv("AWS_REGION", "ap-south-1")
	if cfg, err := env.Credentialed(context.Background(), ""); err != nil || cfg.Region != "ap-south-1" {
		t.Errorf("region %q, %v: want the chain's", cfg.Region, err)
	}
}
