package cognito

// The retry policy as the SDK applies it on the wire: who decides the
// attempt count, what is never retried, how a throttled refresh that runs
// out of time or attempts reads, and one HTTP client for every
// configuration of the process.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// isolate clears the AWS settings these tests set, and points the shared
// config at an empty file (or at profile, when given).
func isolate(t *testing.T, profile string) {
	t.Helper()
	for _, name := range []string{"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_PROFILE", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_CA_BUNDLE", "AWS_DEFAULTS_MODE"} {
		t.Setenv(name, "")
		os.Unsetenv(name) //nolint:errcheck // t.Setenv restores it.
	}
	file := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(file, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", file)
}

func TestRetryPrecedenceOnTheWire(t *testing.T) {
	// Three server faults are queued; the double's request count shows how
	// many attempts the SDK really made. Server faults back off from 50 ms,
	// so this stays fast.
	intp := func(n int) *int { return &n }
	cases := []struct {
		name       string
		env        map[string]string
		profile    string
		maxRetries *int
		want       int // requests
		fails      bool
	}{
		{name: "explicit max_retries = 0 beats AWS_MAX_ATTEMPTS", env: map[string]string{"AWS_MAX_ATTEMPTS": "5"}, maxRetries: intp(0), want: 1, fails: true},
		{name: "explicit max_retries = 1 beats AWS_MAX_ATTEMPTS", env: map[string]string{"AWS_MAX_ATTEMPTS": "5"}, maxRetries: intp(1), want: 2, fails: true},
		{name: "explicit max_retries beats the profile", profile: "[default]\nmax_attempts = 5\n", maxRetries: intp(0), want: 1, fails: true},
		{name: "AWS_MAX_ATTEMPTS counts attempts", env: map[string]string{"AWS_MAX_ATTEMPTS": "2"}, want: 2, fails: true},
		{name: "AWS_MAX_ATTEMPTS beats the profile", env: map[string]string{"AWS_MAX_ATTEMPTS": "2"}, profile: "[default]\nmax_attempts = 1\n", want: 2, fails: true},
		{name: "profile max_attempts", profile: "[default]\nmax_attempts = 3\n", want: 3, fails: true},
		{name: "default: 25 retries ride the faults out", want: 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t, tc.profile)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			srv := cognitotest.NewServer(cognitotest.PoolConfig{})
			defer srv.Close()
			srv.AddUser(cognitotest.User{Username: "alice"})
			client := srv.AddClient(cognitotest.AppClient{})
			srv.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError, Times: 3})
			c, err := load(context.Background(), Config{Region: srv.Region(), Endpoint: srv.URL, MaxRetries: tc.maxRetries})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
			if (err != nil) != tc.fails {
				t.Fatalf("error = %v, want failure: %v", err, tc.fails)
			}
			if got := srv.RequestCount(); got != tc.want {
				t.Errorf("the double saw %d requests, want %d", got, tc.want)
			}
		})
	}
}

func TestPolicyDefaultsAndRetryMode(t *testing.T) {
	cases := []struct {
		name     string
		env      map[string]string
		profile  string
		mode     aws.RetryMode
		wantMode aws.RetryMode
	}{
		{name: "default", wantMode: aws.RetryModeStandard},
		{name: "AWS_RETRY_MODE", env: map[string]string{"AWS_RETRY_MODE": "adaptive"}, wantMode: aws.RetryModeAdaptive},
		{name: "profile retry_mode", profile: "[default]\nretry_mode = adaptive\n", wantMode: aws.RetryModeAdaptive},
		{name: "AWS_RETRY_MODE beats the profile", env: map[string]string{"AWS_RETRY_MODE": "standard"}, profile: "[default]\nretry_mode = adaptive\n", wantMode: aws.RetryModeStandard},
		{name: "retry_mode beats AWS_RETRY_MODE", env: map[string]string{"AWS_RETRY_MODE": "adaptive"}, mode: aws.RetryModeStandard, wantMode: aws.RetryModeStandard},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t, tc.profile)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := load(context.Background(), Config{Region: "eu-west-1", RetryMode: tc.mode})
			if err != nil {
				t.Fatal(err)
			}
			want := retrypolicy.Policy{MaxAttempts: 26, Mode: tc.wantMode, Timeout: 10 * time.Minute, AttemptTimeout: retrypolicy.DefaultAttemptTimeout}
			if got := c.Policy(); got != want {
				t.Errorf("policy %+v, want %+v", got, want)
			}
		})
	}
}

func TestAnsweredRequestsAreNeverRetried(t *testing.T) {
	// A complete 200 is an answer: Cognito processed the request and, with
	// rotation, already spent the token. One that cannot be used must fail
	// at once, never present the rotated token again.
	cases := map[string]cognitotest.Fault{
		"body is not JSON":      {Body: "<html>oops</html>", ContentType: "text/html", AfterProcessing: true},
		"body is cut JSON":      {Body: `{"AuthenticationResult":{"AccessToken":"a`, AfterProcessing: true},
		"body lacks the result": {Body: `{}`, AfterProcessing: true},
		"result lacks a token":  {Body: `{"AuthenticationResult":{"AccessToken":"a","ExpiresIn":3600}}`, AfterProcessing: true},
	}
	for name, fault := range cases {
		t.Run(name, func(t *testing.T) {
			isolate(t, "")
			srv := cognitotest.NewServer(cognitotest.PoolConfig{})
			defer srv.Close()
			srv.AddUser(cognitotest.User{Username: "alice"})
			client := srv.AddClient(cognitotest.AppClient{Rotation: true})
			fault.Times = 3
			srv.InjectFault(fault)
			c := newTestClient(t, srv, 3)
			_, err := c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.Code == cognitotest.ErrRefreshTokenReuse || e.Attempts != 1 {
				t.Errorf("%s after %d attempts: a processed request was retried", e.Reason, e.Attempts)
			}
			time.Sleep(50 * time.Millisecond) // a reset is recorded after the client sees it
			if got := srv.RequestCount(); got != 1 {
				t.Errorf("the double saw %d requests, want 1", got)
			}
		})
	}
}

// A timeout that ends during the backoff of a persistent fault: several
// attempts of 100 ms backoff each fit before it, far fewer than the retries.
const (
	persistentTimeout = 500 * time.Millisecond
	persistentBackoff = cognitotest.FixedBackoff(100 * time.Millisecond)
)

func TestThrottlingDiagnostics(t *testing.T) {
	setup := func(t *testing.T, retries int, timeout time.Duration, throttles int) (*Error, *cognitotest.Server) {
		t.Helper()
		isolate(t, "")
		srv := cognitotest.NewServer(cognitotest.PoolConfig{})
		t.Cleanup(srv.Close)
		srv.AddUser(cognitotest.User{Username: "alice"})
		client := srv.AddClient(cognitotest.AppClient{})
		srv.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: throttles})
		c, err := load(context.Background(), Config{Region: srv.Region(), Endpoint: srv.URL, MaxRetries: &retries, Timeout: timeout,
			Backoff: persistentBackoff})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("got %v, want an *Error", err)
		}
		return e, srv
	}
	t.Run("out of attempts", func(t *testing.T) {
		e, srv := setup(t, 1, time.Minute, 2)
		if e.Reason != failure.Throttled || e.Persisted || e.Code != cognitotest.ErrTooManyRequests || e.RequestID == "" ||
			e.Attempts != 2 || e.MaxAttempts != 2 || e.Timeout != time.Minute {
			t.Errorf("got %+v", e)
		}
		if srv.RequestCount() != 2 {
			t.Errorf("the double saw %d requests, want 2", srv.RequestCount())
		}
	})
	t.Run("out of time", func(t *testing.T) {
		started := time.Now()
		e, srv := setup(t, 25, persistentTimeout, 1000)
		if took := time.Since(started); took > 10*time.Second {
			t.Errorf("the refresh took %s with a %s timeout", took, persistentTimeout)
		}
		if e.Reason != failure.Throttled || e.Code != cognitotest.ErrTooManyRequests {
			t.Errorf("reason %s code %q, want throttling, not a silent endpoint", e.Reason, e.Code)
		}
		if !e.Persisted || e.Timeout != persistentTimeout || e.Message != "Rate exceeded" || e.RequestID == "" {
			t.Errorf("persisted %v timeout %s message %q request ID %q", e.Persisted, e.Timeout, e.Message, e.RequestID)
		}
		if srv.RequestCount() < 2 || e.Attempts != srv.RequestCount() {
			t.Errorf("attempts %d, requests %d: want at least 2, equal", e.Attempts, srv.RequestCount())
		}
	})
}

func TestRotatedTokenMetByARetry(t *testing.T) {
	// Grace period 0, and the first answer is lost after Cognito rotated
	// the token (a server error, or a 200 whose body breaks off, which the
	// SDK retries like any lost answer): the retry meets
	// RefreshTokenReuseException after 2 attempts, which the provider's
	// wording blames on the lost answer.
	isolate(t, "")
	srv := cognitotest.NewServer(cognitotest.PoolConfig{})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{Rotation: true})
	c := newTestClient(t, srv, 3)
	answer := `{"AuthenticationResult":{"AccessToken":"a","IdToken":"b","ExpiresIn":3600,"TokenType":"Bearer","RefreshToken":"r"}}`
	var e *Error
	for _, lost := range []cognitotest.Fault{{Status: 503, AfterProcessing: true}, {ResetConnection: true, Body: answer, AfterProcessing: true}} {
		srv.InjectFault(lost)
		_, err := c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
		// Attempts > 1 is what makes the provider blame an earlier attempt.
		if !errors.As(err, &e) || e.Code != cognitotest.ErrRefreshTokenReuse || e.Reason != failure.RefreshTokenReused || e.Attempts != 2 {
			t.Fatalf("got %v, want RefreshTokenReuseException on the second attempt", err)
		}
	}

	// On a first attempt there was no earlier one to blame.
	srv.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrRefreshTokenReuse})
	_, err := c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
	if !errors.As(err, &e) || e.Reason != failure.RefreshTokenReused || e.Attempts != 1 {
		t.Errorf("first-attempt reuse diagnostic:\n%v", err)
	}
}

func TestOneHTTPClientForEveryConfiguration(t *testing.T) {
	// 40 configure-and-refresh cycles, like 40 provider configurations in
	// one process: one connection pool serves them all, so neither
	// connections nor the goroutines that keep idle ones alive pile up.
	isolate(t, "")
	srv := cognitotest.NewServer(cognitotest.PoolConfig{})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{})
	refresh := func() *Client {
		c := newTestClient(t, srv, 0)
		if _, err := c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := refresh()
	before := runtime.NumGoroutine()
	for range 39 {
		if c := refresh(); c.httpClient != first.httpClient {
			t.Fatal("a configuration has an HTTP client of its own")
		}
	}
	// net/http hands a connection back to the pool from its read loop after
	// the body is closed, so on a loaded machine the next request sometimes
	// dials before it is back (9 seen on two busy cores), where a client per
	// configuration opens 40. That the client is shared is checked exactly
	// above.
	if conns := srv.ConnectionsAccepted(); conns >= 20 {
		t.Errorf("40 configurations opened %d connections, want them to share a pool", conns)
	}
	// Each idle connection keeps two goroutines: ~80 more with a client per
	// configuration, a few for the extra dials above.
	if after := runtime.NumGoroutine(); after >= before+40 {
		t.Errorf("goroutines grew from %d to %d over 39 configurations", before, after)
	}
}

func TestScrubOverlappingSecrets(t *testing.T) {
	cases := []struct {
		text    string
		secrets []string
		want    string
	}{
		{"client abc123 and token xyz, abc123 again", []string{"abc123", "xyz"}, "client *** and token ***, *** again"},
		// The committed fuzz seed overlapping_secrets: one secret is a
		// prefix of another; no tail of either survives.
		{"Zq9abZq9ab.c!", []string{"Zq9ab", "Zq9ab.c"}, "***!"},
		{"x Zq9ab.c y", []string{"Zq9ab", "Zq9ab.c"}, "x *** y"},
		// Overlapping in the middle, and adjacent secrets: one mask.
		{"<abcdef>", []string{"abcd", "cdef"}, "<***>"},
		{"tokenclient", []string{"token", "client"}, "***"},
		// Overlapping occurrences of one secret.
		{"aaaa", []string{"aaa"}, "***"},
		{"nothing here", []string{"", "zzz"}, "nothing here"},
	}
	for _, tc := range cases {
		if got := redact.Scrub(tc.text, tc.secrets); got != tc.want {
			t.Errorf("Scrub(%q, %q) = %q, want %q", tc.text, tc.secrets, got, tc.want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for raw, want := range map[string]string{
		"http://user:pass@proxy:3128/path":            "http://proxy:3128/…",
		"https://proxy.example.com/?api_key=s3cr3t":   "https://proxy.example.com/…",
		"https://user@host":                           "https://host",
		"https://cognito-idp.eu-west-1.amazonaws.com": "https://cognito-idp.eu-west-1.amazonaws.com",
	} {
		if got := RedactURL(raw); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestEnvironmentEndpointIsRedacted(t *testing.T) {
	isolate(t, "")
	t.Setenv("AWS_ENDPOINT_URL", "http://user:s3cret@127.0.0.1:1")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	c, err := load(context.Background(), Config{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.EnvironmentEndpoint(); got != "http://127.0.0.1:1" {
		t.Errorf("EnvironmentEndpoint() = %q", got)
	}
	_, err = c.Refresh(context.Background(), Request{RefreshToken: "a", ClientID: "b"})
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Endpoint, "127.0.0.1:1") || e.EndpointSource != failure.EnvironmentEndpoint {
		t.Fatalf("error %v: want the endpoint named", err)
	}
	for _, text := range []string{e.Error(), e.Endpoint, e.RootCause} {
		if strings.Contains(text, "s3cret") || strings.Contains(text, "user") {
			t.Errorf("%q: want the endpoint named without its userinfo", text)
		}
	}
}

func TestRequestIDIsScrubbed(t *testing.T) {
	// The request ID comes from a response header: a proxy (or anything
	// answering in Cognito's place) could echo a request value in it.
	isolate(t, "")
	const clientID = "echoedclientid0000000000"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", "req-"+clientID)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"NotAuthorizedException","message":"Invalid Refresh Token"}`))
	}))
	defer srv.Close()
	retries := 0
	c, err := load(context.Background(), Config{Region: "eu-west-1", Endpoint: srv.URL, MaxRetries: &retries})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Refresh(context.Background(), Request{RefreshToken: "token", ClientID: clientID})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(e.Error(), clientID) || e.RequestID != "req-***" {
		t.Errorf("request ID %q, error %s", e.RequestID, e)
	}
}

// When the timeout ends the backoff while Cognito keeps answering with an
// error, that answer is the reason, not the network; only a request
// without any answer is a Timeout.
func TestTimeoutAfterPersistentAnswers(t *testing.T) {
	refresh := func(t *testing.T, fault cognitotest.Fault) (*Error, *cognitotest.Server) {
		t.Helper()
		isolate(t, "")
		srv := cognitotest.NewServer(cognitotest.PoolConfig{})
		t.Cleanup(srv.Close)
		srv.AddUser(cognitotest.User{Username: "alice"})
		client := srv.AddClient(cognitotest.AppClient{})
		srv.InjectFault(fault)
		retries := 25
		c, err := load(context.Background(), Config{Region: srv.Region(), Endpoint: srv.URL, MaxRetries: &retries, Timeout: persistentTimeout,
			Backoff: persistentBackoff})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("got %v, want an *Error", err)
		}
		return e, srv
	}
	for _, tc := range []struct {
		name      string
		fault     cognitotest.Fault
		reason    failure.Reason
		persisted bool
		requestID bool
		status    int
	}{
		{"InternalErrorException", cognitotest.Fault{ErrorType: "InternalErrorException", Times: 1000}, failure.InternalError, true, true, 0},
		{"HTTP 503", cognitotest.Fault{Status: 503, Times: 1000}, failure.Unavailable, true, false, 503},
		{"no answer", cognitotest.Fault{Delay: time.Minute, Times: 1000}, failure.Timeout, false, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, srv := refresh(t, tc.fault)
			if e.Reason != tc.reason || e.Persisted != tc.persisted || tc.requestID && e.RequestID == "" || e.Status != tc.status || e.Timeout != persistentTimeout {
				t.Errorf("got %+v", e)
			}
			if tc.persisted && e.Code == "" && e.Status == 0 {
				t.Errorf("the last answer's facts are lost: %+v", e)
			}
			// A request the timeout cut off may not have reached the double's
			// count yet on a loaded machine (at most the last one); every
			// answered one has.
			requests := srv.RequestCount()
			if e.Attempts < 1 || e.Attempts < requests || tc.fault.Delay == 0 && e.Attempts > requests+1 {
				t.Errorf("attempts %d, requests %d", e.Attempts, requests)
			}
		})
	}
}

// An attempt that the timeout cuts off in flight, after Cognito answered
// the earlier ones with an error, leaves that answer as the reason: the
// last attempt's cancellation says nothing about why the refresh failed.
func TestTimeoutCutsOffAnAttemptAfterAnswers(t *testing.T) {
	isolate(t, "")
	srv := cognitotest.NewServer(cognitotest.PoolConfig{})
	t.Cleanup(srv.Close)
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{})
	srv.InjectFault(cognitotest.Fault{ErrorType: "InternalErrorException", Times: 2})
	srv.InjectFault(cognitotest.Fault{Delay: time.Minute, Times: 1000})
	retries := 25
	c, err := load(context.Background(), Config{Region: srv.Region(), Endpoint: srv.URL, MaxRetries: &retries, Timeout: persistentTimeout,
		Backoff: persistentBackoff})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *Error", err)
	}
	if e.Reason != failure.InternalError || !e.Persisted || e.Code != "InternalErrorException" || e.Attempts != 3 {
		t.Errorf("got %+v, want the InternalErrorException answered before the cut-off third attempt", e)
	}
}
