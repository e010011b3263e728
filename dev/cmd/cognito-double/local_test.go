package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// The env file is valid shell whatever the values hold, and exports what
// the guides read.
func TestEnvScriptSourcesInAShell(t *testing.T) {
	s := seed{
		Endpoint: "http://127.0.0.1:1234", Region: "eu-west-1", PoolID: "eu-west-1_abc", ClientID: "cid",
		ClientSecret: `it's "odd" $HOME`, TokenURL: "http://127.0.0.1:1234/oauth2/token",
		ServiceUsername: "terraform-bot", ServicePassword: `Pa$$'w"0rd!`,
	}
	path := filepath.Join(t.TempDir(), "env")
	if err := writePrivate(path, []byte(envScript(s))); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sh", "-c", `. "$1" && printf '%s|%s|%s|%s|%s|%s|%s' "$AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER" "$AWS_ENDPOINT_URL_SECRETS_MANAGER" "$AWS_REGION" "$CLIENT_ID" "$CLIENT_SECRET" "$SERVICE_USERNAME" "$SERVICE_PASSWORD"`, "sh", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{s.Endpoint, s.Endpoint, s.Region, s.ClientID, s.ClientSecret, s.ServiceUsername, s.ServicePassword}, "|")
	if string(out) != want {
		t.Errorf("sourced %q, want %q", out, want)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("env file mode: %v %v", info, err)
	}
}

// create-secret and put-secret-value reach the double's Secrets Manager
// through the SDK's default configuration, as the AWS CLI would, and read
// file:// values.
func TestSecretCommandsAgainstTheDouble(t *testing.T) {
	srv, err := cognitotest.NewServerAt("127.0.0.1:0", cognitotest.PoolConfig{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": srv.URL, "AWS_REGION": "eu-west-1",
		"AWS_ACCESS_KEY_ID": localAccessKey, "AWS_SECRET_ACCESS_KEY": localAccessKey,
		"AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
	} {
		t.Setenv(k, v)
	}
	seedFile := filepath.Join(dir, "refresh-token.txt")
	if err := os.WriteFile(seedFile, []byte("first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := runSecretCommand("create-secret", []string{"--name", "terraform/cognito-refresh-token", "--secret-string", "file://" + seedFile}); err != nil {
		t.Fatalf("create-secret: %v", err)
	}
	if v, _ := srv.SecretValue("terraform/cognito-refresh-token"); v != "first\n" {
		t.Errorf("after create-secret: %q", v)
	}
	if err := runSecretCommand("put-secret-value", []string{"--secret-id", "terraform/cognito-refresh-token", "--secret-string", "second"}); err != nil {
		t.Fatalf("put-secret-value: %v", err)
	}
	if v, _ := srv.SecretValue("terraform/cognito-refresh-token"); v != "second" {
		t.Errorf("after put-secret-value: %q", v)
	}
	if err := runSecretCommand("create-secret", []string{"--name", "terraform/cognito-refresh-token", "--secret-string", "x"}); err == nil ||
		!strings.Contains(err.Error(), "ResourceExistsException") {
		t.Errorf("second create-secret: %v", err)
	}
	if err := runSecretCommand("put-secret-value", []string{"--secret-string", "x"}); err == nil {
		t.Error("put-secret-value without --secret-id succeeded")
	}
}
