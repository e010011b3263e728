package provider

import (
	"fmt"
	"regexp"
	"strings"
)

// storeBadInputs are the bad configurations of refresh_token_store, for
// TestBadInput: each is refused before any request, scoped to the store.
func storeBadInputs() []badInput {
	const (
		combination = `(?s)Invalid Attribute Combination\n%s when one \(and only one\) of \[refresh_token,refresh_token_store\] is required\. Use .refresh_token. for a token you pass in`
		kinds       = `(?s)Invalid Attribute Combination\n%s when one \(and only one\) of \[refresh_token_store\.secretsmanager_secret_id,refresh_token_store\.file\] is required\. Use .file. for a file on this machine`
		filePath    = `(?s)Invalid file path.*must be the path of a file`
		secretName  = `(?s)Invalid secret name.*must be a Secrets Manager secret name`
		secretARN   = `(?s)Invalid secret ARN.*not a Secrets Manager secret ARN`
	)
	// store replaces refresh_token with refresh_token_store = members.
	store := func(name string, members map[string]any, want string) badInput {
		return badInput{name: name, resource: map[string]any{"refresh_token": nil, storeAttribute: members},
			attribute: storeAttribute, want: regexp.MustCompile(want)}
	}
	file := func(name, value, want string) badInput {
		return store(name, map[string]any{storeFileAttr: value}, want)
	}
	secret := func(name, value, want string) badInput {
		return store(name, map[string]any{storeSecretIDAttr: value}, want)
	}
	return []badInput{
		{name: "refresh_token and refresh_token_store both set", resource: map[string]any{storeAttribute: map[string]any{storeFileAttr: "token"}},
			attribute: storeAttribute, want: regexp.MustCompile(fmt.Sprintf(combination, "2 attributes specified"))},
		{name: "neither refresh_token nor refresh_token_store", resource: map[string]any{"refresh_token": nil},
			attribute: storeAttribute, want: regexp.MustCompile(fmt.Sprintf(combination, "No attribute specified"))},
		store("store with file and secret", map[string]any{storeFileAttr: "token", storeSecretIDAttr: "terraform/token"}, fmt.Sprintf(kinds, "2 attributes specified")),
		store("store with neither file nor secret", map[string]any{}, fmt.Sprintf(kinds, "No attribute specified")),
		file("file empty", "", `(?s)Invalid Attribute Value Length.*file string length must be at least 1`),
		file("file whitespace only", "   ", filePath),
		file("file with a trailing space", "token ", filePath),
		file("file is a directory", "tokens/", filePath),
		file("file is the current directory", ".", filePath),
		file("file is the parent directory", "tokens/..", filePath),
		file("file with a NUL byte", "tok\x00en", filePath),
		secret("secret id empty", "", `(?s)Invalid Attribute Value Length.*secretsmanager_secret_id string length must be between 1 and 2048`),
		secret("secret id whitespace only", "  ", secretName),
		secret("secret id with a space", "terraform/cognito token", secretName),
		secret("secret id with a trailing newline", "terraform/cognito-token\n", secretName),
		secret("secret id quoted", `"terraform/cognito-token"`, secretName),
		secret("secret name too long", strings.Repeat("n", 513), secretName),
		secret("secret id too long", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:"+strings.Repeat("n", 2000), `(?s)Invalid Attribute Value Length`),
		secret("secret ARN of another service", "arn:aws:s3:::bucket/token", secretARN),
		secret("secret ARN with a short account", "arn:aws:secretsmanager:eu-west-1:1234:secret:token-AbCdEf", secretARN),
		secret("secret ARN without the secret part", "arn:aws:secretsmanager:eu-west-1:123456789012:token", secretARN),
		{name: "refresh_token_store not known yet", resource: map[string]any{"refresh_token": nil, storeAttribute: unknown}, attribute: storeAttribute,
			want: regexp.MustCompile(`(?s)Value not known yet.*refresh_token_store is not known yet.*Use a value known at plan time`)},
		store("store file not known yet", map[string]any{storeFileAttr: unknown},
			`(?s)Value not known yet.*refresh_token_store is not known yet`),
	}
}
