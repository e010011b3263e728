package clientcredentials

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"golang.org/x/oauth2"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// Error is a failed token request, classified: a failure.Reason and
// scrubbed facts. internal/provider words it.
type Error = failure.Error

// isRetryable is the token endpoint's addition to the SDK's retryable
// checks: throttling, server faults and answers cut short are retried, an
// OAuth error answer is final. Other transport failures are left to the
// SDK's connection checks.
var isRetryable = retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
	if cutShort(err) {
		// Unlike a refresh with rotation, asking again cannot spend anything.
		return aws.TrueTernary
	}
	var retrieve *oauth2.RetrieveError
	if !errors.As(err, &retrieve) || retrieve.Response == nil {
		return aws.UnknownTernary
	}
	status := retrieve.Response.StatusCode
	return aws.BoolTernary(status == http.StatusTooManyRequests || status >= 500)
})

// cutShort tells an answer whose body ended early (the connection closed
// before Content-Length bytes came). x/oauth2 formats the read error with
// %v ("oauth2: cannot fetch token: unexpected EOF", internal/token.go), so
// only its text tells; errors.Is covers a chain that keeps the error.
func cutShort(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.HasSuffix(err.Error(), "cannot fetch token: "+io.ErrUnexpectedEOF.Error())
}

// unreachable tells transport failures (the request or the answer got lost)
// from answers x/oauth2 could not read: the former are *url.Error values,
// or, while reading the body, errors the SDK counts as connection errors.
func unreachable(err error) bool {
	var urlErr *url.Error
	return errors.As(err, &urlErr) || cutShort(err) || retry.RetryableConnectionError{}.IsErrorRetryable(err) == aws.TrueTernary
}

// failedCall is what describe needs to know about the request that failed.
type failedCall struct {
	ctx      context.Context
	req      Request
	policy   retrypolicy.Policy
	attempts int
	// lastAnswer is the last error answer (with an HTTP status) of the
	// request, nil when none came.
	lastAnswer error
}

// answeredWith tells an error that carries the endpoint's answer.
func answeredWith(err error) bool {
	var retrieve *oauth2.RetrieveError
	return errors.As(err, &retrieve) && retrieve.Response != nil
}

func describe(err error, f failedCall) *Error {
	e := failure.New(err, f.req.Secrets())
	e.Attempts, e.MaxAttempts, e.Timeout = f.attempts, f.policy.MaxAttempts, f.policy.Timeout
	e.Endpoint = redact.URL(f.req.TokenURL)
	var retrieve *oauth2.RetrieveError
	switch {
	case errors.Is(f.ctx.Err(), context.DeadlineExceeded) && f.lastAnswer != nil:
		// The endpoint kept answering (429, 5xx) until the timeout ended
		// the backoff: that answer is the reason, not the network.
		errors.As(f.lastAnswer, &retrieve)
		classifyAnswer(e, retrieve, f)
		e.Persisted = true
	case errors.Is(f.ctx.Err(), context.DeadlineExceeded):
		e.Reason = failure.Timeout
	case errors.Is(f.ctx.Err(), context.Canceled):
		e.Reason = failure.Canceled
	case errors.As(err, &retrieve) && retrieve.Response != nil:
		classifyAnswer(e, retrieve, f)
	case !unreachable(err):
		// x/oauth2 could not read the answer as a token (not JSON, no
		// access_token): the endpoint spoke, but not OAuth.
		e.Reason = failure.Unreadable
		e.RootCause = redact.Wire(redact.RootCause(err).Error(), f.req.Secrets(), maxMessageLength)
	case errors.Is(err, context.DeadlineExceeded):
		// Only an attempt's own deadline: the request's is handled above.
		e.Reason, e.AttemptTimeout = failure.AttemptTimeout, f.policy.AttemptTimeout
	default:
		e.Reason = failure.Unreachable
		e.RootCause = redact.Wire(redact.RootCause(err).Error(), f.req.Secrets(), maxMessageLength)
		e.NeverReached = retrypolicy.NeverReached(err)
	}
	return e
}

// Caps on wire text: OAuth error codes are short, descriptions a sentence.
const (
	maxCodeLength    = 64
	maxMessageLength = 300
)

// reasonOf maps the OAuth 2.0 error codes of Cognito's token endpoint (AWS
// developer guide, "The token issuer endpoint", and RFC 6749 §5.2).
var reasonOf = map[string]struct {
	reason failure.Reason
	input  failure.Input
}{
	"invalid_client":         {failure.ClientRejected, failure.ClientSecret},
	"unauthorized_client":    {failure.GrantNotAllowed, failure.ClientID},
	"invalid_scope":          {failure.ScopeNotAllowed, failure.Scopes},
	"invalid_grant":          {failure.GrantRefused, failure.Scopes},
	"unsupported_grant_type": {failure.GrantUnsupported, failure.TokenURL},
	"invalid_request":        {failure.RequestMalformed, failure.TokenURL},
}

// classifyAnswer classifies an error answer by its OAuth error code, or
// its HTTP status without one.
func classifyAnswer(e *Error, retrieve *oauth2.RetrieveError, f failedCall) {
	e.Status, e.BodyLength = retrieve.Response.StatusCode, len(retrieve.Body)
	e.Code = redact.Wire(retrieve.ErrorCode, f.req.Secrets(), maxCodeLength)
	e.Message = redact.Wire(retrieve.ErrorDescription, f.req.Secrets(), maxMessageLength)
	known, ok := reasonOf[e.Code]
	switch {
	case ok:
		e.Reason, e.Input = known.reason, known.input
	case e.Code != "":
		e.Reason = failure.Other
	case e.Status == http.StatusTooManyRequests:
		e.Reason = failure.Throttled
	case e.Status >= 500:
		e.Reason = failure.Unavailable
	case e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed:
		e.Reason, e.Input = failure.NoTokenEndpoint, failure.TokenURL
	default:
		e.Reason = failure.UnexpectedStatus
	}
}
