package clientcredentials

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"golang.org/x/oauth2"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// Attributes an Error can be about. AttributeEndpoint stands for whichever
// of `domain` and `token_url` the configuration sets.
const (
	AttributeClientID     = "client_id"
	AttributeClientSecret = "client_secret"
	AttributeScopes       = "scopes"
	AttributeEndpoint     = "endpoint"
)

// Error is a failed token request, phrased for a Terraform diagnostic:
// Summary names the problem, Detail says what to do. Neither ever contains
// a secret.
type Error struct {
	Summary string
	Detail  string
	// Attribute is the input the problem is about ("" when none is).
	Attribute string
	// Code is the OAuth error code ("invalid_client", ...), "" for faults.
	Code string
	// Status is the HTTP status of the last answer (0 when none came).
	Status int
	// BodyLength is the length of the last answer's body (0 when none
	// came), for logs, which never show the body itself.
	BodyLength int
	Attempts   int

	err error
}

func (e *Error) Error() string { return e.Summary + ": " + e.Detail }

// Unwrap returns the cause. Its text can carry the response body, so it is
// only ever logged through masking.
func (e *Error) Unwrap() error { return e.err }

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

// failure is what describe needs to know about the request that failed.
type failure struct {
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

func describe(err error, f failure) *Error {
	e := &Error{err: err, Attempts: f.attempts}
	var retrieve *oauth2.RetrieveError
	switch {
	case errors.Is(f.ctx.Err(), context.DeadlineExceeded) && f.lastAnswer != nil:
		// The endpoint kept answering (429, 5xx) until the timeout ended
		// the backoff: explain that answer, not the network.
		errors.As(f.lastAnswer, &retrieve)
		e.Status, e.BodyLength = retrieve.Response.StatusCode, len(retrieve.Body)
		e.Code = redact.Wire(retrieve.ErrorCode, f.req.Secrets(), 64)
		explainAnswer(e, redact.Wire(retrieve.ErrorDescription, f.req.Secrets(), 300), f)
		e.Detail += fmt.Sprintf(" This persisted for the provider's whole `timeout` of %s, retries included: raise `timeout` to wait longer.", f.policy.Timeout)
	case errors.Is(f.ctx.Err(), context.DeadlineExceeded):
		e.Summary = "The token endpoint did not answer in time"
		e.Detail = fmt.Sprintf("No token from %s within %s (%s). Check network access to the endpoint, or raise the provider's `timeout`.",
			redact.URL(f.req.TokenURL), f.policy.Timeout, redact.AttemptsMade(f.attempts))
	case errors.Is(f.ctx.Err(), context.Canceled):
		e.Summary = "Token request cancelled"
		e.Detail = "The request to the token endpoint was cancelled before it finished (for example by Ctrl-C)."
	case errors.As(err, &retrieve) && retrieve.Response != nil:
		e.Status, e.BodyLength = retrieve.Response.StatusCode, len(retrieve.Body)
		e.Code = redact.Wire(retrieve.ErrorCode, f.req.Secrets(), 64)
		explainAnswer(e, redact.Wire(retrieve.ErrorDescription, f.req.Secrets(), 300), f)
	case !unreachable(err):
		// x/oauth2 could not read the answer as a token (not JSON, no
		// access_token): the endpoint spoke, but not OAuth.
		e.Summary = "Unexpected response from the token endpoint"
		e.Detail = fmt.Sprintf("The answer from %s could not be read as an OAuth 2.0 token response (%s): %s. Check that `domain` or `token_url` names a Cognito user pool domain; if it points at a proxy, check that it forwards Cognito's responses unchanged.",
			redact.URL(f.req.TokenURL), redact.AttemptsMade(f.attempts), redact.Wire(redact.RootCause(err).Error(), f.req.Secrets(), 300))
	case errors.Is(err, context.DeadlineExceeded):
		// Only an attempt's own deadline: the request's is handled above.
		e.Summary = "The token endpoint did not answer in time"
		e.Detail = fmt.Sprintf("%s sent nothing for %s at a time (%s; an attempt that waits that long is abandoned and retried). Check network access to the endpoint.",
			redact.URL(f.req.TokenURL), f.policy.AttemptTimeout, redact.AttemptsMade(f.attempts))
	default:
		e.Summary = "Could not reach the token endpoint"
		e.Detail = fmt.Sprintf("No usable answer from %s (%s): %s.%s Check `domain` or `token_url` and network access.",
			redact.URL(f.req.TokenURL), redact.AttemptsMade(f.attempts), redact.Wire(redact.RootCause(err).Error(), f.req.Secrets(), 300), shortBudget(err))
	}
	return e
}

// explainAnswer covers the OAuth 2.0 error codes of Cognito's token endpoint
// (AWS developer guide, "The token issuer endpoint", and RFC 6749 §5.2) and
// the HTTP faults seen without one.
func explainAnswer(e *Error, description string, f failure) {
	cognitoSays := fmt.Sprintf("The token endpoint answered HTTP %d %q", e.Status, e.Code)
	if description != "" {
		cognitoSays += fmt.Sprintf(" (%q)", description)
	}
	cognitoSays += "."
	switch e.Code {
	case "invalid_client":
		e.Summary, e.Attribute = "Client credentials not accepted", AttributeClientSecret
		e.Detail = cognitoSays + " Cognito could not authenticate the app client: check that `client_id` names an app client of this user pool and that `client_secret` is its current secret (a rotated or regenerated secret stops working)."
	case "unauthorized_client":
		e.Summary, e.Attribute = "App client may not use the client-credentials grant", AttributeClientID
		e.Detail = cognitoSays + " In the app client's settings, enable the OAuth 2.0 grant type \"Client credentials\" " +
			"(AllowedOAuthFlows = [\"client_credentials\"] with AllowedOAuthFlowsUserPoolClient = true; in the AWS provider `allowed_oauth_flows` and `allowed_oauth_flows_user_pool_client`), " +
			"make sure the client has a client secret, and allow it at least one custom scope of a resource server."
	case "invalid_scope":
		e.Summary, e.Attribute = "Scope not allowed", AttributeScopes
		e.Detail = cognitoSays + " Every entry of `scopes` must be a custom scope `<resource-server-identifier>/<scope-name>` of a resource server of this user pool, and allowed for the app client (AllowedOAuthScopes). " +
			"Without `scopes`, Cognito grants every custom scope the app client is allowed, and fails when it has none."
	case "invalid_grant":
		e.Summary, e.Attribute = "Grant refused", AttributeScopes
		e.Detail = cognitoSays + " Cognito refused to issue a token for this grant. Request only custom scopes of resource servers in `scopes` (OpenID and user-attribute scopes are for users, not machines), and check the app client's settings."
	case "unsupported_grant_type":
		e.Summary, e.Attribute = "Endpoint does not support the client-credentials grant", AttributeEndpoint
		e.Detail = cognitoSays + " The URL does not look like a Cognito user pool's token endpoint: set `domain` to the user pool's domain (`<prefix>.auth.<region>.amazoncognito.com` or its custom domain) or `token_url` to `https://<domain>/oauth2/token`."
	case "invalid_request":
		e.Summary, e.Attribute = "Token request rejected as malformed", AttributeEndpoint
		e.Detail = cognitoSays + " Cognito did not accept the request's form. If `token_url` points at a proxy, check that it forwards the request body and the Authorization header unchanged; otherwise check `client_metadata`."
	case "":
		explainStatus(e, f)
	default:
		e.Summary = "The token endpoint returned an error"
		e.Detail = fmt.Sprintf("%s (%s).", cognitoSays, redact.AttemptsMade(f.attempts))
	}
}

func explainStatus(e *Error, f failure) {
	switch {
	case e.Status == http.StatusTooManyRequests:
		e.Summary = "Cognito throttled the token request"
		e.Detail = fmt.Sprintf("%s answered HTTP 429 (%s). Client-credentials requests share a per-account rate quota: raise the provider's `max_retries`, lower Terraform's `-parallelism`, reuse one token for several providers, or ask AWS to raise the quota.",
			redact.URL(f.req.TokenURL), redact.AttemptsMade(f.attempts))
	case e.Status >= 500:
		e.Summary = "The token endpoint is unavailable"
		e.Detail = fmt.Sprintf("%s answered HTTP %d (%s). Try again later; check the AWS Health Dashboard if it persists.", redact.URL(f.req.TokenURL), e.Status, redact.AttemptsMade(f.attempts))
	case e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed:
		e.Summary, e.Attribute = "No token endpoint at this URL", AttributeEndpoint
		e.Detail = fmt.Sprintf("%s answered HTTP %d. Set `domain` to the user pool's domain, or `token_url` to `https://<domain>/oauth2/token`.", redact.URL(f.req.TokenURL), e.Status)
	default:
		e.Summary = "Unexpected response from the token endpoint"
		e.Detail = fmt.Sprintf("%s answered HTTP %d without an OAuth error code (%s). If `token_url` points at a proxy, check that it forwards Cognito's responses unchanged.",
			redact.URL(f.req.TokenURL), e.Status, redact.AttemptsMade(f.attempts))
	}
}

// shortBudget explains why a request that reached no server stopped early.
func shortBudget(err error) string {
	if !retrypolicy.NeverReached(err) {
		return ""
	}
	return fmt.Sprintf(" The request reached no server (refused connection, unknown host, no route or rejected certificate): such a request is tried at most %d times.", retrypolicy.UnreachableAttempts)
}
