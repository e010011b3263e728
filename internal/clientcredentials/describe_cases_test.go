package clientcredentials

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// describeCase is one branch of describe: the request's error and what the
// request knew. The same names key the provider's wording table
// (internal/provider/testdata/diagnostics.json).
type describeCase struct {
	name string
	err  error
	f    failedCall
}

func oauthAnswer(status int, code, description, body string) error {
	return &oauth2.RetrieveError{Response: &http.Response{StatusCode: status}, Body: []byte(body), ErrorCode: code, ErrorDescription: description}
}

func caseFailure(mutate func(*failedCall)) failedCall {
	f := failedCall{
		ctx:      context.Background(),
		req:      Request{TokenURL: "https://auth.example.com/oauth2/token", ClientID: "sekret-client-id", ClientSecret: "sekret-client-secret"},
		policy:   retrypolicy.Policy{MaxAttempts: 4, Timeout: 30 * time.Second, AttemptTimeout: 10 * time.Second},
		attempts: 1,
	}
	if mutate != nil {
		mutate(&f)
	}
	return f
}

func expired() context.Context {
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(1, 0))
	cancel()
	return ctx
}

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// describeCases covers every branch of describe and its explain helpers.
func describeCases() []describeCase {
	answer := func(name string, status int, code, description string, attempts int) describeCase {
		return describeCase{name, oauthAnswer(status, code, description, `{"error":"`+code+`"}`), caseFailure(func(f *failedCall) { f.attempts = attempts })}
	}
	refused := &url.Error{Op: "Post", URL: "https://auth.example.com/oauth2/token", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Post", URL: "https://auth.example.com/oauth2/token", Err: errors.New("read: connection reset by peer")}
	return []describeCase{
		answer("invalid client", 400, "invalid_client", "", 1),
		answer("invalid client with description", 400, "invalid_client", "Client sekret-client-id is bad", 1),
		answer("unauthorized client", 400, "unauthorized_client", "", 1),
		answer("invalid scope", 400, "invalid_scope", "", 1),
		answer("invalid grant", 400, "invalid_grant", "", 1),
		answer("unsupported grant type", 400, "unsupported_grant_type", "", 1),
		answer("invalid request", 400, "invalid_request", "", 1),
		answer("unknown code", 400, "slow_down", "", 3),
		answer("throttled", 429, "", "", 4),
		answer("unavailable", 503, "", "", 4),
		answer("not found", 404, "", "", 1),
		answer("method not allowed", 405, "", "", 1),
		answer("unexpected status", 302, "", "", 1),
		{"throttled until the timeout", context.DeadlineExceeded, caseFailure(func(f *failedCall) {
			f.ctx = expired()
			f.attempts = 5
			f.lastAnswer = oauthAnswer(429, "", "", "")
		})},
		{"unavailable until the timeout", context.DeadlineExceeded, caseFailure(func(f *failedCall) {
			f.ctx = expired()
			f.attempts = 5
			f.lastAnswer = oauthAnswer(500, "", "", "oops")
		})},
		{"timeout", context.DeadlineExceeded, caseFailure(func(f *failedCall) { f.ctx = expired(); f.attempts = 2 })},
		{"cancelled", context.Canceled, caseFailure(func(f *failedCall) { f.ctx = cancelled() })},
		{"unreadable", errors.New("oauth2: server response missing access_token"), caseFailure(func(f *failedCall) { f.attempts = 1 })},
		{"no attempt", errors.New("json: unsupported value"), caseFailure(func(f *failedCall) { f.attempts = 0 })},
		{"attempt timed out", &url.Error{Op: "Post", URL: "https://auth.example.com/oauth2/token", Err: context.DeadlineExceeded}, caseFailure(func(f *failedCall) { f.attempts = 4 })},
		{"unreachable", reset, caseFailure(func(f *failedCall) { f.attempts = 4 })},
		{"cut short", fmt.Errorf("oauth2: cannot fetch token: %v", io.ErrUnexpectedEOF), caseFailure(func(f *failedCall) { f.attempts = 4 })},
		{"never reached", refused, caseFailure(func(f *failedCall) { f.attempts = 2 })},
	}
}
