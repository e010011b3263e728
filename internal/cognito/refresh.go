package cognito

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

// Request is one GetTokensFromRefreshToken call.
type Request struct {
	// Region overrides the client's region for this call.
	Region         string
	RefreshToken   string
	ClientID       string
	ClientSecret   string
	DeviceKey      string
	ClientMetadata map[string]string
}

// Secrets lists the request's sensitive values, for log masking and
// scrubbing. A device key is one: with the refresh token, it is what a pool
// that remembers devices asks for.
func (r Request) Secrets() []string {
	return redact.NonEmpty(r.RefreshToken, r.ClientID, r.ClientSecret, r.DeviceKey)
}

// Tokens is what Cognito issued.
type Tokens struct {
	AccessToken string
	IDToken     string
	// NewRefreshToken is set only when the app client rotates refresh tokens.
	NewRefreshToken string
	TokenType       string
	ExpiresIn       int64
	// ExpiresAt is when the access token expires, in UTC (ExpiresIn is the
	// access token's; the ID token has its own validity, see its exp).
	ExpiresAt         time.Time
	NewDeviceKey      string
	NewDeviceGroupKey string

	RequestID string
	Attempts  int
}

// Secrets lists the issued tokens and device keys, for log masking.
func (t Tokens) Secrets() []string {
	return redact.NonEmpty(t.AccessToken, t.IDToken, t.NewRefreshToken, t.NewDeviceKey, t.NewDeviceGroupKey)
}

// Refresh calls GetTokensFromRefreshToken, retrying throttling and server
// faults, within the client's timeout. Errors are *Error values whose text
// never contains a secret from the request.
func (c *Client) Refresh(ctx context.Context, req Request) (Tokens, error) {
	call := operation{region: req.Region, secrets: req.Secrets(), deviceKeySet: req.DeviceKey != ""}
	out, started, attempts, err := invoke(ctx, c, call, func(ctx context.Context, client *cip.Client) (*cip.GetTokensFromRefreshTokenOutput, error) {
		return client.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{
			RefreshToken:   aws.String(req.RefreshToken),
			ClientId:       aws.String(req.ClientID),
			ClientSecret:   optional(req.ClientSecret),
			DeviceKey:      optional(req.DeviceKey),
			ClientMetadata: req.ClientMetadata,
		})
	})
	if err != nil {
		return Tokens{}, err
	}
	tokens, err := tokensFrom(out, started)
	if e := (*Error)(nil); errors.As(err, &e) {
		e.Attempts = attempts
	}
	if err != nil {
		return Tokens{}, err
	}
	tokens.Attempts = attempts
	return tokens, nil
}

// operation is what describes one call's failure besides the SDK's error.
type operation struct {
	// region is the request's region override ("" = the client's).
	region  string
	secrets []string
	// deviceKeySet: the request carried a DeviceKey (never its value).
	deviceKeySet bool
	// classifyAPI classifies the operation's error answers; nil:
	// GetTokensFromRefreshToken's.
	classifyAPI func(code, message string) (failure.Reason, failure.Input)
}

// invoke runs one Cognito operation the way every operation runs: the
// SDK client of the request's region, the policy's timeout over all
// attempts, the attempts counted, and a failure described with every
// secret of the request and the endpoints scrubbed. It returns when the
// call started, for the tokens' expiry, and how many attempts it took.
func invoke[Out any](ctx context.Context, c *Client, call operation, send func(context.Context, *cip.Client) (Out, error)) (out Out, started time.Time, attempts int, err error) {
	client, region, err := c.sdkClient(call.region)
	if err != nil {
		e := failure.New(err, nil)
		e.Reason = failure.NoRegion
		return out, started, 0, e
	}

	ctx, cancel := context.WithTimeout(ctx, c.policy.Timeout)
	defer cancel()
	log := &attemptLog{}
	ctx = context.WithValue(ctx, attemptsKey{}, log)
	started = c.now()

	out, err = send(ctx, client)
	if err != nil {
		endpoint, endpointSource := c.Endpoint(region)
		return out, started, log.count, describe(err, failedCall{
			ctx:            ctx,
			region:         region,
			endpoint:       endpoint,
			endpointSource: endpointSource,
			timeout:        c.policy.Timeout,
			attempts:       log.count,
			maxAttempts:    c.policy.MaxAttempts,
			lastErr:        log.lastErr,
			secrets:        append(append(call.secrets, redact.URLSecrets(c.endpoint)...), redact.URLSecrets(c.envEndpoint)...),
			deviceKeySet:   call.deviceKeySet,
			classifyAPI:    call.classifyAPI,
		})
	}
	return out, started, log.count, nil
}

// tokensFrom checks the response before anything is handed out, so a
// malformed answer never yields half-set results.
func tokensFrom(out *cip.GetTokensFromRefreshTokenOutput, issuedAt time.Time) (Tokens, error) {
	requestID, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	malformed := func(what failure.Part) error {
		return &Error{Reason: failure.Incomplete, Missing: what, RequestID: requestID}
	}

	result := out.AuthenticationResult
	switch {
	case result == nil:
		return Tokens{}, malformed(failure.AuthenticationResult)
	case aws.ToString(result.AccessToken) == "":
		return Tokens{}, malformed(failure.AccessToken)
	case aws.ToString(result.IdToken) == "":
		return Tokens{}, malformed(failure.IDToken)
	case result.ExpiresIn <= 0:
		return Tokens{}, malformed(failure.ExpiresIn)
	}

	tokens := Tokens{
		AccessToken:     aws.ToString(result.AccessToken),
		IDToken:         aws.ToString(result.IdToken),
		NewRefreshToken: aws.ToString(result.RefreshToken),
		TokenType:       aws.ToString(result.TokenType),
		ExpiresIn:       int64(result.ExpiresIn),
		ExpiresAt:       issuedAt.UTC().Add(time.Duration(result.ExpiresIn) * time.Second).Truncate(time.Second),
		RequestID:       requestID,
	}
	if device := result.NewDeviceMetadata; device != nil {
		tokens.NewDeviceKey = aws.ToString(device.DeviceKey)
		tokens.NewDeviceGroupKey = aws.ToString(device.DeviceGroupKey)
	}
	return tokens, nil
}

type attemptsKey struct{}

// attemptLog is what the attempts of one refresh (which run one after the
// other) left behind.
type attemptLog struct {
	count int
	// lastErr is the last attempt's error: when the timeout ends the
	// backoff, the SDK reports only the cancellation, not what was retried.
	lastErr error
}

// countAttempts sits after the retry middleware, so it runs once per attempt.
func countAttempts(stack *middleware.Stack) error {
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("CountAttempts",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			log, ok := ctx.Value(attemptsKey{}).(*attemptLog)
			if ok {
				log.count++
			}
			out, metadata, err := next.HandleFinalize(ctx, in)
			// An attempt the timeout cut off in flight says less than the
			// answer before it: keep the last answer once there is one.
			if ok && err != nil && (answered(err) || !answered(log.lastErr)) {
				log.lastErr = err
			}
			return out, metadata, err
		}), "Retry", middleware.After)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
