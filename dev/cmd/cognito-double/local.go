package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// localAccessKey is the dummy credential the env file exports: the double
// checks only that a request is signed, and a real key must never reach it.
const localAccessKey = "local-cognito-double"

// envScript is the environment for a shell to export: `source` the file or
// `eval` it. The names are those the guides use (CLIENT_ID, USER_POOL_ID,
// ...), so their commands run unchanged against the double.
func envScript(s seed) string {
	var b strings.Builder
	b.WriteString("# The local Cognito double: source this file (or eval it) in your shell.\n")
	set := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, "export %s=%s\n", name, shellQuote(value))
		}
	}
	set("AWS_REGION", s.Region)
	set("AWS_DEFAULT_REGION", s.Region)
	set("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", s.Endpoint)
	set("AWS_ENDPOINT_URL_SECRETS_MANAGER", s.Endpoint)
	b.WriteString("# Dummy credentials, for the Secrets Manager store only (Cognito needs none).\n")
	set("AWS_ACCESS_KEY_ID", localAccessKey)
	set("AWS_SECRET_ACCESS_KEY", localAccessKey)
	b.WriteString("unset AWS_SESSION_TOKEN AWS_PROFILE\n")
	set("USER_POOL_ID", s.PoolID)
	set("CLIENT_ID", s.ClientID)
	set("CLIENT_SECRET", s.ClientSecret)
	set("COGNITO_USERNAME", s.Username)
	b.WriteString("# A service user who signs in with a password (cognito_sign_in), on CLIENT_ID.\n")
	set("SERVICE_USERNAME", s.ServiceUsername)
	set("SERVICE_PASSWORD", s.ServicePassword)
	b.WriteString("# Machine tokens: the token endpoint's app client, and GetClientToken's.\n")
	set("TOKEN_URL", s.TokenURL)
	set("M2M_CLIENT_ID", s.M2MClientID)
	set("M2M_CLIENT_SECRET", s.M2MClientSecret)
	set("API_CLIENT_ID", s.M2MAPIClientID)
	set("API_CLIENT_SECRET", s.M2MAPIClientSecret)
	return b.String()
}

// shellQuote quotes v for a POSIX shell.
func shellQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// writePrivate writes a file only its owner can read, whatever was there.
func writePrivate(path string, b []byte) error {
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return err
	}
	return os.Chmod(path, 0o600) // WriteFile keeps the mode of an existing file
}

// secretCommands are the AWS CLI's `secretsmanager` commands the double's
// binary can stand in for, with the same flags.
var secretCommands = map[string]func(context.Context, *sm.Client, string, string) error{
	"create-secret": func(ctx context.Context, c *sm.Client, name, value string) error {
		out, err := c.CreateSecret(ctx, &sm.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)})
		if err == nil {
			fmt.Println(aws.ToString(out.ARN))
		}
		return err
	},
	"put-secret-value": func(ctx context.Context, c *sm.Client, id, value string) error {
		out, err := c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(id), SecretString: aws.String(value)})
		if err == nil {
			fmt.Println(aws.ToString(out.VersionId))
		}
		return err
	},
}

// runSecretCommand calls Secrets Manager with the SDK's default
// configuration (region, credentials, AWS_ENDPOINT_URL_SECRETS_MANAGER), as
// the AWS CLI would. --secret-string takes a value or file://PATH, as the
// AWS CLI does; the file is read as is, so a trailing newline stays (the
// provider's store ignores it).
func runSecretCommand(command string, args []string) error {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	name := fs.String("name", "", "create-secret: the secret's name")
	id := fs.String("secret-id", "", "put-secret-value: the secret's name or ARN")
	value := fs.String("secret-string", "", "the value, or file://PATH to read it from a file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	target := *name
	if command == "put-secret-value" {
		target = *id
	}
	if target == "" || *value == "" {
		return errors.New("need --" + map[bool]string{true: "secret-id", false: "name"}[command == "put-secret-value"] + " and --secret-string")
	}
	v := *value
	if path, ok := strings.CutPrefix(v, "file://"); ok {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		v = string(b)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	return secretCommands[command](ctx, sm.NewFromConfig(cfg), target, v)
}
