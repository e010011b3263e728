package main

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
)

// revokeInput is the part of a RevokeToken request that presents the
// token again.
type revokeInput struct {
	Token        string `json:"Token"`
	ClientID     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret"`
}

// presentAgain sends each revoked refresh token to GetTokensFromRefreshToken
// at endpoint, unsigned like any client, and counts the refusals; the first
// one is returned as "<error type>: <message>". The tokens stay in this
// process.
func presentAgain(endpoint string, revoked []revokeInput) (int, string) {
	if len(revoked) == 0 {
		return 0, ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(aws.AnonymousCredentials{}), config.WithRetryMaxAttempts(1))
	if err != nil {
		return 0, ""
	}
	client := cip.NewFromConfig(cfg, func(o *cip.Options) { o.BaseEndpoint = aws.String(endpoint) })
	refused, first := 0, ""
	for _, in := range revoked {
		var secret *string
		if in.ClientSecret != "" {
			secret = aws.String(in.ClientSecret)
		}
		_, err := client.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{
			RefreshToken: aws.String(in.Token), ClientId: aws.String(in.ClientID), ClientSecret: secret,
		})
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) {
			continue // accepted, or no answer: not a refusal
		}
		refused++
		if first == "" {
			first = apiErr.ErrorCode() + ": " + apiErr.ErrorMessage()
		}
	}
	return refused, first
}

// localPassword is a password for the local service user that meets
// Cognito's default password policy (a lowercase and an uppercase letter,
// a digit and a symbol; at least 8 characters).
func localPassword() string {
	const letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return "Local-" + string(b) + "9!"
}
