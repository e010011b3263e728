// Package clientcredentials gets machine-to-machine access tokens from a
// Cognito user pool's OAuth 2.0 token endpoint with the client-credentials
// grant (RFC 6749 §4.4), retrying throttling and faults. It is one of the
// provider's two token sources, beside cognito: both are built from one
// awsenv.Env (HTTP client, retry policy) and neither depends on the other.
package clientcredentials

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// Request is one client-credentials token request.
type Request struct {
	// TokenURL is the full URL of the token endpoint,
	// https://<domain>/oauth2/token.
	TokenURL     string
	ClientID     string
	ClientSecret string
	// Scopes requested; none means every custom scope the app client may use.
	Scopes []string
	// ClientMetadata is sent as aws_client_metadata (URL-encoded JSON) for the
	// pool's pre token generation trigger.
	ClientMetadata map[string]string
}

// Secrets lists the request's sensitive values, for log masking and
// scrubbing: the client id, the secret, and the Authorization header's
// credentials as x/oauth2 sends them (basicCredentials), decoded and in
// every base64 variant, which a proxy may echo back in an answer, padded or
// not. redact.Scrub adds the escaped forms and case.
func (r Request) Secrets() []string {
	if r.ClientID == "" || r.ClientSecret == "" {
		return redact.NonEmpty(r.ClientID, r.ClientSecret)
	}
	pair := basicCredentials(r.ClientID, r.ClientSecret)
	return append([]string{r.ClientID, r.ClientSecret, pair}, redact.Base64Forms(pair)...)
}

// basicCredentials is what x/oauth2 base64-encodes into the Basic header:
// id and secret form-escaped (url.QueryEscape, RFC 6749 §2.3.1), so a `+`
// in a Cognito secret goes out as `%2B`. Whether Cognito's token endpoint
// decodes that escaping is not documented (AWS's "The token issuer
// endpoint" page shows only base64(client_id:client_secret)); a secret
// without `+`, `/` or `=` is sent the same either way.
// TestBasicHeaderIsPinned pins the exact header.
func basicCredentials(id, secret string) string {
	return url.QueryEscape(id) + ":" + url.QueryEscape(secret)
}

// Token is what the token endpoint issued.
type Token struct {
	AccessToken string
	TokenType   string
	ExpiresIn   int64
	// ExpiresAt is when the access token expires, in UTC.
	ExpiresAt time.Time
	// GrantedScopes is the access token's scope claim, split.
	GrantedScopes []string
	Attempts      int
}

// Secrets lists the issued token, for log masking.
func (t Token) Secrets() []string { return redact.NonEmpty(t.AccessToken) }

// TokenSource issues client-credentials tokens. Endpoint is the OAuth
// transport; an implementation calling the GetClientToken API operation can
// stand beside it once the AWS SDK has that operation.
type TokenSource interface {
	Token(ctx context.Context, req Request) (Token, error)
}

// Endpoint requests tokens from the OAuth 2.0 token endpoint over HTTP.
type Endpoint struct {
	client *http.Client
	policy retrypolicy.Policy
	// retryer serves every request: adaptive mode's client-side rate
	// limit learns from all of them. The SDK's retryers are safe for
	// concurrent use.
	retryer aws.Retryer
	now     func() time.Time
}

var _ TokenSource = (*Endpoint)(nil)

// New returns an Endpoint sending requests through env's process-wide
// HTTP client (its connections, CA bundle and per-attempt bound) under
// env's retry policy.
func New(env *awsenv.Env) *Endpoint { return newEndpoint(env.HTTPClient(), env.Policy()) }

// newEndpoint sends through a copy of client that never follows a
// redirect: the token endpoint does not redirect, and following one could
// send the request, and with it the client secret, to another URL.
func newEndpoint(client *http.Client, policy retrypolicy.Policy) *Endpoint {
	noRedirects := *client
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Endpoint{client: &noRedirects, policy: policy, retryer: policy.NewRetryer(isRetryable), now: time.Now}
}

// Token requests a token, retrying throttling (HTTP 429), server faults
// (5xx) and transport failures with the SDK's backoff until the policy's
// attempts or timeout run out. An OAuth error answer is never retried: the
// same request gets the same answer. Errors are *Error values whose text
// never contains a secret of the request.
func (e *Endpoint) Token(ctx context.Context, req Request) (Token, error) {
	cancel := context.CancelFunc(func() {})
	if e.policy.Timeout > 0 { // always, from a configured provider
		ctx, cancel = context.WithTimeout(ctx, e.policy.Timeout)
	}
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, e.client)

	config := clientcredentials.Config{
		ClientID:     req.ClientID,
		ClientSecret: req.ClientSecret,
		TokenURL:     req.TokenURL,
		Scopes:       req.Scopes,
		// client_secret_basic, the token endpoint's documented default; never
		// auto-detect, which would send the secret a second time in the body.
		AuthStyle: oauth2.AuthStyleInHeader,
	}
	if len(req.ClientMetadata) > 0 {
		metadata, err := json.Marshal(req.ClientMetadata)
		if err != nil {
			return Token{}, describe(err, failedCall{ctx: ctx, req: req, policy: e.policy})
		}
		config.EndpointParams = url.Values{"aws_client_metadata": {string(metadata)}}
	}

	retryer := e.retryer
	maxAttempts := max(e.policy.MaxAttempts, 1)
	started := e.now()
	// lastAnswer is the last error answer the endpoint gave, for when the
	// timeout ends the backoff (or an attempt) after it.
	var lastAnswer error
	fail := func(err error, attempts int) (Token, error) {
		return Token{}, describe(err, failedCall{ctx: ctx, req: req, policy: e.policy, attempts: attempts, lastAnswer: lastAnswer})
	}
	for attempt := 1; ; attempt++ {
		release, err := attemptToken(ctx, retryer)
		if err != nil {
			return fail(err, attempt-1)
		}
		issued, err := e.attempt(ctx, &config)
		err = withStatus(err)
		_ = release(err)
		if err == nil {
			return tokenFrom(issued, started, attempt)
		}
		if answeredWith(err) {
			lastAnswer = err
		}
		if attempt >= maxAttempts || ctx.Err() != nil || !retryer.IsErrorRetryable(err) {
			return fail(err, attempt)
		}
		delay, delayErr := retryer.RetryDelay(attempt, err)
		if delayErr != nil {
			return fail(err, attempt)
		}
		if !sleep(ctx, delay) {
			return fail(err, attempt)
		}
	}
}

// attempt sends one request. Its own deadline (the policy's
// AttemptTimeout) covers connecting, the answer and its body, so a peer that
// accepts the connection and never answers costs one attempt, not the whole
// timeout; the retryer counts the expiry as a timeout and retries it.
func (e *Endpoint) attempt(ctx context.Context, config *clientcredentials.Config) (*oauth2.Token, error) {
	if e.policy.AttemptTimeout <= 0 {
		return config.Token(ctx)
	}
	attemptCtx, cancel := context.WithTimeout(ctx, e.policy.AttemptTimeout)
	defer cancel()
	return config.Token(attemptCtx)
}

// tokenFrom checks the answer before anything is handed out, so a
// malformed one never yields half-set results.
func tokenFrom(issued *oauth2.Token, issuedAt time.Time, attempts int) (Token, error) {
	malformed := func(what failure.Part) error {
		return &Error{Reason: failure.Incomplete, Missing: what, Attempts: attempts}
	}
	// clientcredentials keeps expires_in only as Expiry (relative to its own
	// clock) and in the raw answer; the raw number is what Cognito said.
	expiresIn, ok := issued.Extra("expires_in").(float64)
	if !ok || expiresIn < 1 || expiresIn > math.MaxInt32 || expiresIn != math.Trunc(expiresIn) {
		return Token{}, malformed(failure.ExpiresIn)
	}
	if !strings.EqualFold(issued.TokenType, "Bearer") {
		return Token{}, malformed(failure.BearerTokenType)
	}
	scopes, err := grantedScopes(issued.AccessToken)
	if err != nil {
		return Token{}, malformed(failure.AccessTokenJWT)
	}
	return Token{
		AccessToken:   issued.AccessToken,
		TokenType:     issued.TokenType,
		ExpiresIn:     int64(expiresIn),
		ExpiresAt:     issuedAt.UTC().Add(time.Duration(expiresIn) * time.Second).Truncate(time.Second),
		GrantedScopes: scopes,
		Attempts:      attempts,
	}, nil
}

// grantedScopes reads the access token's space-separated scope claim. The
// signature is not checked: the token came straight from the token endpoint
// over the connection we opened, and its consumers verify it themselves.
func grantedScopes(accessToken string) ([]string, error) {
	var claims struct {
		jwt.RegisteredClaims
		Scope string `json:"scope"`
	}
	if _, _, err := jwt.NewParser().ParseUnverified(accessToken, &claims); err != nil {
		return nil, err
	}
	scopes := strings.Fields(claims.Scope)
	slices.Sort(scopes)
	return slices.Compact(scopes), nil
}

// attemptToken waits for the retryer's go-ahead (adaptive mode's client-side
// rate limit) and returns what reports the attempt's outcome to it.
func attemptToken(ctx context.Context, retryer aws.Retryer) (func(error) error, error) {
	if v2, ok := retryer.(aws.RetryerV2); ok {
		return v2.GetAttemptToken(ctx)
	}
	return retryer.GetInitialToken(), nil
}

// withStatus lets the SDK's retryer see an HTTP status: its adaptive mode
// counts HTTP 429 as throttling only through an HTTPStatusCode method.
func withStatus(err error) error {
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) && retrieve.Response != nil {
		return &statusError{RetrieveError: retrieve}
	}
	return err
}

type statusError struct{ *oauth2.RetrieveError }

func (e *statusError) HTTPStatusCode() int { return e.Response.StatusCode }
func (e *statusError) Unwrap() error       { return e.RetrieveError }

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
