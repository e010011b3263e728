package provider

// Faults injected into the Cognito double, measured through the provider:
// unit level through refreshTokens (the provider's shared Open/Read logic
// with a real cognito.Client and the real AWS SDK). The same faults through
// a real CLI, and 100 instances at once, are internal/acctest's TestAccFaults.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// faultSanityLimit is no timing assertion: a refresh that takes longer than
// this hangs, whatever the machine's load.
const faultSanityLimit = 90 * time.Second

// newFaultProvider configures the provider's client like Configure does,
// with a quick backoff: the retries' count is tested, not their waits.
func newFaultProvider(t *testing.T, endpoint string, maxRetries int, timeout time.Duration) *providerData {
	t.Helper()
	env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: "eu-west-1", MaxRetries: &maxRetries, Timeout: timeout, Backoff: cognitotest.QuickBackoff})
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{env: env, client: cognito.New(env, endpoint)}
}

func faultModel(in acctest.TokenInputs) *refreshedTokensModel {
	m := &refreshedTokensModel{
		RefreshToken:   types.StringValue(in.RefreshToken),
		ClientID:       types.StringValue(in.ClientID),
		ClientSecret:   nullIfEmpty(in.ClientSecret),
		DeviceKey:      types.StringNull(),
		ClientMetadata: types.MapNull(types.StringType),
		Region:         types.StringNull(),
	}
	return m
}

// outputsUnset fails unless every output of a failed refresh is still null.
func outputsUnset(t *testing.T, m *refreshedTokensModel) {
	t.Helper()
	for name, v := range map[string]interface{ IsNull() bool }{
		"access_token": m.AccessToken, "id_token": m.IDToken, "new_refresh_token": m.NewRefreshToken,
		"token_type": m.TokenType, "expires_in": m.ExpiresIn, "expires_at": m.ExpiresAt,
		"new_device_key": m.NewDeviceKey, "new_device_group_key": m.NewDeviceGroupKey,
	} {
		if !v.IsNull() {
			t.Errorf("a failed refresh set %s", name)
		}
	}
}

func diagText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%s: %s\n%s\n", d.Severity(), d.Summary(), d.Detail())
	}
	return b.String()
}

type faultCase struct {
	name    string
	faults  []cognitotest.Fault
	retries int           // max_retries; attempts = retries + 1
	timeout time.Duration // provider timeout; default 30s
	// endpoint replaces the double's URL ("dead" = nothing listening).
	endpoint string
	// cancelAfter cancels the context (Ctrl-C) after this long.
	cancelAfter time.Duration
	// wantError matches the diagnostics; nil means the refresh succeeds.
	wantError *regexp.Regexp
	// wantRequests is what the double must have seen (-1: don't check).
	wantRequests int
}

// faultCases run a few faults through the provider's Open/Read path: the
// outputs a failure leaves unset, a diagnostic without a secret, the
// cancellation handed down. Every fault's retries, reason and facts are
// internal/cognito's fault table (fault_test.go there); the words, the
// provider's one wording table (diagnostics_test.go).
func faultCases() []faultCase {
	fault := func(f cognitotest.Fault) []cognitotest.Fault { return []cognitotest.Fault{f} }
	return []faultCase{
		{name: "throttled once, 3 attempts", retries: 2, faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests}), wantRequests: 2},
		{name: "throttled on every attempt", retries: 2, faults: fault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 3}),
			wantError: regexp.MustCompile(`Cognito throttled the request[\s\S]*3 attempts[\s\S]*max_retries`), wantRequests: 3},
		{name: "endpoint not listening", retries: 2, endpoint: "dead",
			wantError: regexp.MustCompile(`Could not reach Cognito[\s\S]*127\.0\.0\.1[\s\S]*3 attempts[\s\S]*endpoint`), wantRequests: -1},
		{name: "Ctrl-C during a slow call", retries: 2, cancelAfter: 300 * time.Millisecond,
			faults:    fault(cognitotest.Fault{Delay: time.Minute}),
			wantError: regexp.MustCompile(`Token refresh cancelled[\s\S]*Ctrl-C`), wantRequests: -1},
		{name: "no AuthenticationResult", faults: []cognitotest.Fault{{Body: `{}`}},
			wantError: regexp.MustCompile(`Unexpected response from Cognito[\s\S]*without an AuthenticationResult`), wantRequests: 1},
		{name: "unknown error type", faults: fault(cognitotest.Fault{Status: 400, ContentType: "application/x-amz-json-1.1",
			Body: `{"__type":"com.amazon.coral.service#NewFancyException","message":"something new"}`}),
			wantError: regexp.MustCompile(`Cognito returned an error[\s\S]*something new[\s\S]*NewFancyException, 1 attempt`), wantRequests: 1},
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range faultCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPool(t, cognitotest.PoolConfig{})
			in := p.SignIn(cognitotest.AppClient{})
			for _, f := range tc.faults {
				p.InjectFault(f)
			}
			endpoint := p.URL
			if tc.endpoint == "dead" {
				endpoint = acctest.DeadEndpoint(t)
			}
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 30 * time.Second
			}
			data := newFaultProvider(t, endpoint, tc.retries, timeout)

			model := faultModel(in)
			diags := callWithinSanityLimit(t, "the refresh", tc.cancelAfter, func(ctx context.Context) diag.Diagnostics {
				return refreshTokens(ctx, data, model)
			})

			checkFaultRow(t, p, diags, tc, in.RefreshToken, in.ClientID)
			if tc.wantError == nil {
				claims, err := cognitotest.VerifyJWT(model.AccessToken.ValueString(), p.JWKS())
				if err != nil || claims["client_id"] != in.ClientID {
					t.Errorf("access token does not verify: %v", err)
				}
				if model.IDToken.IsNull() || model.ExpiresAt.IsNull() || model.TokenType.ValueString() != "Bearer" {
					t.Error("a successful refresh left outputs unset")
				}
			} else {
				outputsUnset(t, model)
			}
		})
	}
}

// checkFaultRow checks what every fault row shares, whichever token it asks
// for: success, or an error matching tc.wantError whose every diagnostic says
// what to do; the requests the double settled at; no secret in the text. The
// caller checks its own outputs: set on success, unset on an error.
func checkFaultRow(t *testing.T, p *pool, diags diag.Diagnostics, tc faultCase, secrets ...string) {
	t.Helper()
	text := diagText(diags)
	switch {
	case tc.wantError == nil && diags.HasError():
		t.Fatalf("want success, got:\n%s", text)
	case tc.wantError == nil:
	case !diags.HasError():
		t.Fatalf("want an error matching %s, got success", tc.wantError)
	case !tc.wantError.MatchString(text):
		t.Errorf("diagnostics do not match %s:\n%s", tc.wantError, text)
	default:
		// Each error has a summary and says what to do.
		for _, d := range diags {
			if d.Summary() == "" || len(d.Detail()) < 40 {
				t.Errorf("diagnostic too terse: %q / %q", d.Summary(), d.Detail())
			}
		}
	}
	if tc.wantRequests >= 0 {
		if got := p.SettledRequestCount(tc.wantRequests); got != tc.wantRequests {
			t.Errorf("the double saw %d requests, want %d", got, tc.wantRequests)
		}
	}
	for _, secret := range secrets {
		if strings.Contains(text, secret) {
			t.Error("a diagnostic contains a secret")
		}
	}
}

// TestFaultsConcurrentRefreshesShareOneClient is the unit-level twin of the
// 100-instance CLI test: 100 refreshes through one configured provider, 10 at
// a time (Terraform's default -parallelism), through a burst of throttling.
// Run it with -race.
func TestFaultsConcurrentRefreshesShareOneClient(t *testing.T) {
	const instances, parallelism = 100, 10
	p := newPool(t, cognitotest.PoolConfig{})
	in := p.SignIn(cognitotest.AppClient{})
	// A refresh fails only after max_retries+1 throttles in a row, so with
	// 20 throttles and 20 retries every refresh must succeed.
	const throttles = 20
	p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: throttles})
	data := newFaultProvider(t, p.URL, throttles, 30*time.Second)

	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			model := faultModel(in)
			if diags := refreshTokens(context.Background(), data, model); diags.HasError() || model.AccessToken.IsNull() {
				mu.Lock()
				failures = append(failures, diagText(diags))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d refreshes failed, e.g.:\n%s", len(failures), instances, failures[0])
	}
	if got, want := p.RequestCount(), instances+throttles; got != want {
		t.Errorf("the double saw %d requests, want %d (one per refresh plus one per throttle)", got, want)
	}
	// One connection pool for every refresh: at most one connection per
	// concurrent call, plus a few the throttle retries and the server's
	// closes may cost. (A client per refresh or per configuration would
	// still share the process-wide HTTP client; the test that sees a
	// per-refresh or per-configuration HTTP client is
	// TestConnectionsSharedAcrossConfigurations.)
	if conns := p.ConnectionsAccepted(); conns > 2*parallelism {
		t.Errorf("the double accepted %d connections for %d refreshes at parallelism %d: connections are not shared", conns, instances, parallelism)
	}
	t.Logf("%d refreshes, %d requests, %d connections", instances, p.RequestCount(), p.ConnectionsAccepted())
}

// callWithinSanityLimit runs call, cancelling its context after cancelAfter
// (0: never) like a Ctrl-C, and fails the test if it has not returned
// within faultSanityLimit: a fault must end in a result, never a hang.
func callWithinSanityLimit(t *testing.T, what string, cancelAfter time.Duration, call func(context.Context) diag.Diagnostics) diag.Diagnostics {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if cancelAfter > 0 {
		time.AfterFunc(cancelAfter, cancel)
	}
	var diags diag.Diagnostics
	done := make(chan struct{})
	go func() {
		defer close(done)
		diags = call(ctx)
	}()
	select {
	case <-done:
	case <-time.After(faultSanityLimit):
		t.Fatalf("%s hangs: no answer after %s", what, faultSanityLimit)
	}
	return diags
}
