package clientcredentials

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/oauth2"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// Tests that pin each decision of the token request to its boundary, so
// the mutation gate (scripts/mutate.sh) sees a changed comparison fail.

// endpointWith returns an Endpoint whose clock reads now.
func endpointWith(p func() time.Time, retries int) *Endpoint {
	e := newEndpoint(&http.Client{}, policy(retries, 10*time.Second))
	e.now = p
	return e
}

func TestTokenAnswerChecks(t *testing.T) {
	issued := time.Date(2026, 11, 29, 12, 0, 0, 900_000_000, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		name, body string
		ok         bool
		expiresIn  int64
	}{
		{"one second", `{"access_token":"` + testJWT + `","expires_in":1,"token_type":"Bearer"}`, true, 1},
		{"the longest", `{"access_token":"` + testJWT + `","expires_in":2147483647,"token_type":"bearer"}`, true, 2147483647},
		{"zero", `{"access_token":"` + testJWT + `","expires_in":0,"token_type":"Bearer"}`, false, 0},
		{"negative", `{"access_token":"` + testJWT + `","expires_in":-3600,"token_type":"Bearer"}`, false, 0},
		{"beyond int32", `{"access_token":"` + testJWT + `","expires_in":2147483648,"token_type":"Bearer"}`, false, 0},
		{"fraction", `{"access_token":"` + testJWT + `","expires_in":3600.5,"token_type":"Bearer"}`, false, 0},
		{"missing", `{"access_token":"` + testJWT + `","token_type":"Bearer"}`, false, 0},
		{"other token type", `{"access_token":"` + testJWT + `","expires_in":3600,"token_type":"mac"}`, false, 0},
		{"access token not a JWT", `{"access_token":"opaque","expires_in":3600,"token_type":"Bearer"}`, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, _ := endpointAnswering(t, answer(200, tc.body))
			token, err := tokenFromEndpoint(t, endpointWith(func() time.Time { return issued }, 0), url)
			if !tc.ok {
				// x/oauth2 itself refuses some (Unreadable), the checks here the rest.
				if err == nil || (err.Reason != failure.Incomplete || err.Missing == failure.NoPart) && err.Reason != failure.Unreadable || err.Attempts != 1 {
					t.Fatalf("accepted (%+v) or wrong error: %v", token, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := time.Date(2026, 11, 29, 11, 0, 0, 0, time.UTC).Add(time.Duration(tc.expiresIn) * time.Second)
			if token.ExpiresIn != tc.expiresIn || !token.ExpiresAt.Equal(want) || token.ExpiresAt.Location() != time.UTC {
				t.Errorf("expires_in %d, at %s; want %d, %s (UTC, whole seconds)", token.ExpiresIn, token.ExpiresAt, tc.expiresIn, want)
			}
			if token.Attempts != 1 || strings.Join(token.GrantedScopes, " ") != "platform/deploy" {
				t.Errorf("attempts %d, scopes %q", token.Attempts, token.GrantedScopes)
			}
		})
	}
}

func TestGrantedScopesSortedAndUnique(t *testing.T) {
	// payload {"scope":"b/x a/y b/x"}
	scopes, err := grantedScopes("eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6ImIveCBhL3kgYi94In0.c2ln")
	if err != nil || strings.Join(scopes, " ") != "a/y b/x" {
		t.Errorf("scopes %q, %v", scopes, err)
	}
}

// TestTokenRequestForm: the secret goes only in the Basic header, scopes
// and client metadata in the form.
func TestTokenRequestForm(t *testing.T) {
	var form url.Values
	var user, pass string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		form = r.PostForm
		user, pass, _ = r.BasicAuth()
		answer(200, testResponse)(w)
	}))
	defer srv.Close()
	req := testRequest
	req.TokenURL = srv.URL + "/oauth2/token"
	req.Scopes = []string{"platform/deploy", "platform/read"}
	req.ClientMetadata = map[string]string{"team": "a"}
	if _, err := newEndpoint(&http.Client{}, policy(0, 10*time.Second)).Token(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	var metadata map[string]string
	if err := json.Unmarshal([]byte(form.Get("aws_client_metadata")), &metadata); err != nil || metadata["team"] != "a" {
		t.Errorf("aws_client_metadata %q", form.Get("aws_client_metadata"))
	}
	if form.Get("grant_type") != "client_credentials" || form.Get("scope") != "platform/deploy platform/read" {
		t.Errorf("form %v", form)
	}
	if user != testRequest.ClientID || pass != testRequest.ClientSecret || form.Has("client_secret") {
		t.Errorf("credentials not (only) in the Basic header: user %q, form %v", user, form)
	}
	req.ClientMetadata = nil
	if _, err := newEndpoint(&http.Client{}, policy(0, 10*time.Second)).Token(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if form.Has("aws_client_metadata") {
		t.Error("aws_client_metadata sent without client metadata")
	}
}

// TestAttemptsFollowThePolicy: MaxAttempts counts the first attempt, and
// less than 1 still makes one.
func TestAttemptsFollowThePolicy(t *testing.T) {
	for _, tc := range []struct{ maxAttempts, want int }{{0, 1}, {1, 1}, {2, 2}} {
		url, requests := endpointAnswering(t, answer(503, ""))
		p := policy(0, 10*time.Second)
		p.MaxAttempts = tc.maxAttempts
		_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, p), url)
		if err == nil || int(requests.Load()) != tc.want || err.Attempts != tc.want {
			t.Errorf("MaxAttempts %d: %d requests, error %v; want %d", tc.maxAttempts, requests.Load(), err, tc.want)
		}
	}
}

// TestWhichStatusesAreRetried: 429 and 5xx from 500 up are retried; 4xx
// answers are final.
func TestWhichStatusesAreRetried(t *testing.T) {
	for status, retried := range map[int]bool{429: true, 500: true, 599: true, 499: false, 404: false, 400: false} {
		url, requests := endpointAnswering(t, answer(status, `{}`), answer(200, testResponse))
		_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, policy(1, 10*time.Second)), url)
		if (err == nil) != retried || (requests.Load() == 2) != retried {
			t.Errorf("HTTP %d: %d requests, error %v; retried should be %v", status, requests.Load(), err, retried)
		}
	}
}

// TestNoTimeoutMeansNone: a zero policy timeout sets no deadline.
func TestNoTimeoutMeansNone(t *testing.T) {
	url, _ := endpointAnswering(t, answer(200, testResponse))
	p := policy(0, 0)
	if _, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, p), url); err != nil {
		t.Errorf("a zero timeout failed the request: %v", err)
	}
}

func TestErrorAnswersAreClassified(t *testing.T) {
	for _, tc := range []struct {
		status        int
		body          string
		reason        failure.Reason
		input         failure.Input
		code, message string
	}{
		{400, `{"error":"invalid_client"}`, failure.ClientRejected, failure.ClientSecret, "invalid_client", ""},
		{400, `{"error":"unauthorized_client","error_description":"nope"}`, failure.GrantNotAllowed, failure.ClientID, "unauthorized_client", "nope"},
		{400, `{"error":"invalid_scope"}`, failure.ScopeNotAllowed, failure.Scopes, "invalid_scope", ""},
		{400, `{"error":"invalid_grant"}`, failure.GrantRefused, failure.Scopes, "invalid_grant", ""},
		{400, `{"error":"unsupported_grant_type"}`, failure.GrantUnsupported, failure.TokenURL, "unsupported_grant_type", ""},
		{400, `{"error":"invalid_request"}`, failure.RequestMalformed, failure.TokenURL, "invalid_request", ""},
		{400, `{"error":"slow_down"}`, failure.Other, failure.NoInput, "slow_down", ""},
		{404, ``, failure.NoTokenEndpoint, failure.TokenURL, "", ""},
		{405, ``, failure.NoTokenEndpoint, failure.TokenURL, "", ""},
		{499, ``, failure.UnexpectedStatus, failure.NoInput, "", ""},
		{500, ``, failure.Unavailable, failure.NoInput, "", ""},
		{429, ``, failure.Throttled, failure.NoInput, "", ""},
	} {
		url, _ := endpointAnswering(t, answer(tc.status, tc.body))
		_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, policy(0, 10*time.Second)), url)
		if err == nil {
			t.Errorf("HTTP %d %s: no error", tc.status, tc.body)
			continue
		}
		if err.Reason != tc.reason || err.Input != tc.input || err.Status != tc.status || err.Code != tc.code || err.Message != tc.message ||
			err.BodyLength != len(tc.body) || err.Attempts != 1 || err.Persisted || !strings.HasPrefix(err.Endpoint, "http://127.0.0.1:") {
			t.Errorf("HTTP %d %s: %+v", tc.status, tc.body, err)
		}
	}
}

// TestFailuresWithoutAnAnswer: an answer that is not OAuth, no server, and
// a cancelled request each have their reason.
func TestFailuresWithoutAnAnswer(t *testing.T) {
	notOAuth, _ := endpointAnswering(t, answer(200, `{"hello":"world"}`))
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + listener.Addr().String() + "/oauth2/token"
	_ = listener.Close()
	for url, reason := range map[string]failure.Reason{
		notOAuth: failure.Unreadable,
		closed:   failure.Unreachable,
	} {
		_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, policy(0, 10*time.Second)), url)
		if err == nil || err.Reason != reason || err.Attempts != 1 || err.Status != 0 || err.RootCause == "" {
			t.Errorf("%s: %+v, want %s", url, err, reason)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := testRequest
	req.TokenURL = notOAuth
	_, cerr := newEndpoint(&http.Client{}, policy(3, 10*time.Second)).Token(ctx, req)
	var tokenErr *Error
	if !errors.As(cerr, &tokenErr) || tokenErr.Reason != failure.Canceled {
		t.Errorf("cancelled: %v", cerr)
	}
}

// refusingRetryer admits the first attempt and refuses the next, as
// adaptive mode's rate limiter does when its wait would outlast the context.
type refusingRetryer struct {
	aws.RetryerV2
	admitted atomic.Int32
}

func (r *refusingRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if r.admitted.Add(1) > 1 {
		return nil, errors.New("retry quota exceeded")
	}
	return r.RetryerV2.GetAttemptToken(ctx)
}

// TestRefusedAttemptCountsOnlyTheAttemptsMade: an attempt the retryer
// refuses is not counted as made.
func TestRefusedAttemptCountsOnlyTheAttemptsMade(t *testing.T) {
	url, requests := endpointAnswering(t, answer(503, ""))
	e := newEndpoint(&http.Client{}, policy(3, 10*time.Second))
	built, ok := e.retryer.(aws.RetryerV2)
	if !ok {
		t.Fatalf("New built %T, no RetryerV2", e.retryer)
	}
	e.retryer = &refusingRetryer{RetryerV2: built}
	_, err := tokenFromEndpoint(t, e, url)
	if err == nil || err.Attempts != 1 || requests.Load() != 1 {
		t.Errorf("%d requests, error %+v; want 1 attempt made", requests.Load(), err)
	}
}

// TestWithStatusShowsTheRetryerTheStatus: adaptive mode sees HTTP 429 as
// throttling only through HTTPStatusCode, so an answer gets one; an error
// without an answer stays as it is.
func TestWithStatusShowsTheRetryerTheStatus(t *testing.T) {
	answered := &oauth2.RetrieveError{Response: &http.Response{StatusCode: 429}}
	var status interface{ HTTPStatusCode() int }
	if !errors.As(withStatus(answered), &status) || status.HTTPStatusCode() != 429 {
		t.Errorf("withStatus(429 answer) = %#v, without the status", withStatus(answered))
	}
	if got := withStatus(answered); !errors.Is(got, answered) {
		t.Errorf("withStatus lost the answer: %v", got)
	}
	unanswered := &oauth2.RetrieveError{}
	if got := withStatus(unanswered); got != error(unanswered) {
		t.Errorf("withStatus(no answer) = %#v, want it unchanged", got)
	}
}

func TestErrorText(t *testing.T) {
	if got := (&Error{Reason: failure.GrantRefused, Code: "invalid_grant", Status: 400, Attempts: 1}).Error(); got != "grant refused (invalid_grant), HTTP 400, 1 attempt" {
		t.Errorf("Error() = %q", got)
	}
}
