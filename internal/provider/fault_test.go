package provider

// Faults injected into the Cognito double, measured through the provider:
// unit level through refreshTokens (the provider's shared Open/Read logic
// with a real cognito.Client and the real AWS SDK), and through a real CLI
// (TestAccFaults) for throttling, server errors and 100 instances at once.

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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

// newFaultProvider configures the provider's client like Configure does.
func newFaultProvider(t *testing.T, endpoint string, maxRetries int, timeout time.Duration) *providerData {
	t.Helper()
	env, err := awsenv.Load(context.Background(), awsenv.Settings{Region: "eu-west-1", MaxRetries: &maxRetries, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{env: env, client: cognito.New(env, endpoint)}
}

func faultModel(in tokenInputs) *refreshedTokensModel {
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

// settledRequestCount is the double's request count once it reaches want
// or stops changing: the double records a reset connection after the reset,
// which the client may see first.
func settledRequestCount(p *pool, want int) int {
	got := p.RequestCount()
	for deadline := time.Now().Add(5 * time.Second); got < want && time.Now().Before(deadline); got = p.RequestCount() {
		time.Sleep(10 * time.Millisecond)
	}
	return got
}

// deadEndpoint is an address where nothing listens: a port that was just
// free. Connecting is refused at once, so no test waits on it.
func deadEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func TestFaults(t *testing.T) {
	for _, tc := range faultCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPool(t, cognitotest.PoolConfig{})
			in := p.signIn(cognitotest.AppClient{})
			for _, f := range tc.faults {
				p.InjectFault(f)
			}
			endpoint := p.URL
			if tc.endpoint == "dead" {
				endpoint = deadEndpoint(t)
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

			text := diagText(diags)
			switch {
			case tc.wantError == nil && diags.HasError():
				t.Fatalf("want success, got:\n%s", text)
			case tc.wantError == nil:
				claims, err := cognitotest.VerifyJWT(model.AccessToken.ValueString(), p.JWKS())
				if err != nil || claims["client_id"] != in.ClientID {
					t.Errorf("access token does not verify: %v", err)
				}
				if model.IDToken.IsNull() || model.ExpiresAt.IsNull() || model.TokenType.ValueString() != "Bearer" {
					t.Error("a successful refresh left outputs unset")
				}
			case !diags.HasError():
				t.Fatalf("want an error matching %s, got success", tc.wantError)
			case !tc.wantError.MatchString(text):
				t.Errorf("diagnostics do not match %s:\n%s", tc.wantError, text)
			default:
				outputsUnset(t, model)
				// Each error has a summary and says what to do.
				for _, d := range diags {
					if d.Summary() == "" || len(d.Detail()) < 40 {
						t.Errorf("diagnostic too terse: %q / %q", d.Summary(), d.Detail())
					}
				}
			}
			if tc.wantRequests >= 0 {
				if got := settledRequestCount(p, tc.wantRequests); got != tc.wantRequests {
					t.Errorf("the double saw %d requests, want %d", got, tc.wantRequests)
				}
			}
			for _, secret := range []string{in.RefreshToken, in.ClientID} {
				if strings.Contains(text, secret) {
					t.Error("a diagnostic contains a secret")
				}
			}
		})
	}
}

// TestFaultsConcurrentRefreshesShareOneClient is the unit-level twin of the
// 100-instance CLI test: 100 refreshes through one configured provider, 10 at
// a time (Terraform's default -parallelism), through a burst of throttling.
// Run it with -race.
func TestFaultsConcurrentRefreshesShareOneClient(t *testing.T) {
	const instances, parallelism = 100, 10
	p := newPool(t, cognitotest.PoolConfig{})
	in := p.signIn(cognitotest.AppClient{})
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

// TestAccFaults runs the first rows of the fault table and 100 instances at
// once through a real CLI and a provider process of their own.
func TestAccFaults(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)

	ephemeral := func(endpoint string, in tokenInputs, providerArgs ...string) string {
		return `terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}
` + providerHCL(endpoint, "eu-west-1", providerArgs...) + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.hcl() + `}

resource "terraform_data" "observed" {
  lifecycle {
    precondition {
      condition     = length(ephemeral.cognito_refreshed_tokens.test.access_token) > 0
      error_message = "no access token"
    }
  }
}
`
	}
	planOnce := []struct {
		name         string
		fault        cognitotest.Fault
		providerArgs []string
		wantError    *regexp.Regexp
		wantRequests int
	}{
		{name: "throttled twice, 3 attempts", fault: cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 2}, wantRequests: 3},
		{name: "throttled 3 times, 4 attempts", fault: cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 3},
			providerArgs: []string{"max_retries = 3"}, wantRequests: 4},
		{name: "internal error once", fault: cognitotest.Fault{ErrorType: cognitotest.ErrInternalError}, wantRequests: 2},
		{name: "HTTP 503 twice", fault: cognitotest.Fault{Status: 503, Times: 2}, wantRequests: 3},
		{name: "internal error on every attempt", fault: cognitotest.Fault{ErrorType: cognitotest.ErrInternalError, Times: 3},
			providerArgs: []string{"max_retries = 2"}, wantError: regexp.MustCompile(`Cognito internal error[\s\S]*3\s+attempts`), wantRequests: 3},
		{name: "HTTP 502 on every attempt", fault: cognitotest.Fault{Status: 502, Times: 2}, providerArgs: []string{"max_retries = 1"},
			wantError: regexp.MustCompile(`Cognito is unavailable[\s\S]*HTTP 502\s+\(2\s+attempts\)`), wantRequests: 2},
		{name: "connection reset once", fault: cognitotest.Fault{ResetConnection: true}, wantRequests: 2},
		{name: "server slower than the timeout", fault: cognitotest.Fault{Delay: time.Minute, Times: 3}, providerArgs: []string{`timeout = "1s"`},
			wantError: regexp.MustCompile(`Cognito did not answer in time[\s\S]*within\s+1s`), wantRequests: -1},
	}
	for _, tc := range planOnce {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPool(t, cognitotest.PoolConfig{})
			in := p.signIn(cognitotest.AppClient{})
			p.InjectFault(tc.fault)
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(ephemeral(p.URL, in, tc.providerArgs...)), 0o600); err != nil {
				t.Fatal(err)
			}
			// plan opens the ephemeral resource once: the double sees
			// exactly the faulted attempts plus the one that succeeds.
			ok := cli.Run(t, acctest.Masked, dir, nil, "plan", "plan", "-no-color", "-input=false")
			stderr := acctest.ReadAll(t, dir, ".stderr")
			switch {
			case tc.wantError == nil && !ok:
				t.Fatalf("plan failed:\n%s", stderr)
			case tc.wantError != nil && ok:
				t.Fatalf("plan succeeded, want an error matching %s", tc.wantError)
			case tc.wantError != nil && !tc.wantError.MatchString(stderr):
				t.Errorf("the error does not match %s:\n%s", tc.wantError, stderr)
			}
			if got := settledRequestCount(p, tc.wantRequests); tc.wantRequests >= 0 && got != tc.wantRequests {
				t.Errorf("the double saw %d requests, want %d", got, tc.wantRequests)
			}
		})
	}

	t.Run("Ctrl-C during a slow call", func(t *testing.T) {
		t.Parallel()
		p := newPool(t, cognitotest.PoolConfig{})
		in := p.signIn(cognitotest.AppClient{})
		p.InjectFault(cognitotest.Fault{Delay: 10 * time.Minute})
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(ephemeral(p.URL, in, `timeout = "15m"`)), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(cli.Path, "plan", "-no-color", "-input=false")
		cmd.Dir = dir
		cmd.Env = acctest.Env(map[string]string{"TF_CLI_CONFIG_FILE": cli.ConfigFile(acctest.Masked)})
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Wait until the request is in flight (held by the double).
		for deadline := time.Now().Add(faultSanityLimit); p.ConnectionsAccepted() == 0; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("the refresh never reached the double:\n%s", out.String())
			}
		}
		time.Sleep(500 * time.Millisecond)
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("plan succeeded after Ctrl-C:\n%s", out.String())
			}
		case <-time.After(faultSanityLimit):
			_ = cmd.Process.Kill()
			t.Fatalf("plan still running %s after Ctrl-C; the provider does not stop a slow call:\n%s", faultSanityLimit, out.String())
		}
		// The CLI stops the provider, which cancels the call in flight.
		if !strings.Contains(out.String(), "Token refresh cancelled") {
			t.Errorf("the provider did not report the cancelled refresh:\n%s", out.String())
		}
		t.Logf("%s after Ctrl-C:\n%s", cli.Version, out.String())
	})

	t.Run("100 instances with -parallelism=10", func(t *testing.T) {
		t.Parallel()
		const instances, parallelism = 100, 10
		p := newPool(t, cognitotest.PoolConfig{})
		in := p.signIn(cognitotest.AppClient{})
		// A burst of throttling on top, as Cognito answers bursts; with
		// max_retries = 20 no refresh can run out of attempts.
		p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 20})
		dir := t.TempDir()
		config := `terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}
` + providerHCL(p.URL, "eu-west-1", "max_retries = 20") + fmt.Sprintf(`
locals {
  instances = toset([for i in range(%d) : tostring(i)])
}

ephemeral "cognito_refreshed_tokens" "test" {
  for_each = local.instances
%s}

resource "terraform_data" "observed" {
  for_each = local.instances
  input    = each.key
  lifecycle {
    precondition {
      condition     = length(ephemeral.cognito_refreshed_tokens.test[each.key].access_token) > 0
      error_message = "no access token"
    }
  }
}
`, instances, in.hcl())
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		if !cli.Run(t, acctest.Masked, dir, nil, "apply", "apply", "-auto-approve", "-no-color", "-input=false", fmt.Sprintf("-parallelism=%d", parallelism)) {
			t.Fatalf("apply failed:\n%s", acctest.ReadAll(t, dir, ".stderr"))
		}
		out := acctest.ReadAll(t, dir, ".stdout")
		if !strings.Contains(out, fmt.Sprintf("%d added", instances)) {
			t.Errorf("apply did not create %d instances:\n%s", instances, out)
		}
		// apply = a plan walk and an apply walk, each opening every
		// instance once: 2 x 100 refreshes, plus the 20 throttled attempts.
		if got, want := p.RequestCount(), 2*instances+20; got != want {
			t.Errorf("the double saw %d requests, want %d", got, want)
		}
		// Each walk runs one provider process with one configured client:
		// its connection pool serves every instance, so connections stay
		// near the parallelism per walk; a client per instance would open
		// one per instance (100 per walk).
		if conns := p.ConnectionsAccepted(); conns > 2*2*parallelism {
			t.Errorf("the double accepted %d connections for %d refreshes at -parallelism=%d: the SDK client is not shared", conns, 2*instances, parallelism)
		}
		t.Logf("%s: %d refreshes, %d requests, %d connections", cli.Version, 2*instances, p.RequestCount(), p.ConnectionsAccepted())
	})
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
