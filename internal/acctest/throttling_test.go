package acctest_test

// Throttling through a real CLI with the provider's default retry policy:
// 50 instances against a request-rate quota and against a burst, a
// throttle that never ends within `timeout`, and AWS_MAX_ATTEMPTS next to
// an explicit max_retries.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// throttleConfig is n instances of the ephemeral resource, each checked for
// an access token, with the provider arguments given.
func throttleConfig(endpoint string, in acctest.TokenInputs, n int, providerArgs ...string) string {
	return acctest.InstancesHCL(n, acctest.ProviderHCL(endpoint, "eu-west-1", providerArgs...), in)
}

func throttledRequests(p *acctest.Pool) int {
	n := 0
	for _, r := range p.Requests() {
		if r.ErrorType == cognitotest.ErrTooManyRequests {
			n++
		}
	}
	return n
}

// checkRefreshBounds checks every refresh of the run against the documented
// default policy: each instance's requests, up to and including a success,
// are one refresh (opened at plan, then at apply), which makes at most
// max_retries + 1 attempts and backs off at most WorstCaseBackoff between
// its first and last attempt (plus time for the requests themselves).
func checkRefreshBounds(t *testing.T, requests []cognitotest.RecordedRequest, instances int) {
	t.Helper()
	const slack = 30 * time.Second
	bound := retrypolicy.WorstCaseBackoff(retrypolicy.DefaultMaxRetries) + slack
	first := map[string]cognitotest.RecordedRequest{}
	attempts := map[string]int{}
	refreshes := 0
	for _, r := range requests {
		instance := r.Input.ClientMetadata["instance"]
		if _, ok := first[instance]; !ok {
			first[instance] = r
		}
		attempts[instance]++
		if attempts[instance] > retrypolicy.DefaultMaxRetries+1 {
			t.Errorf("instance %q: a refresh made more than %d attempts", instance, retrypolicy.DefaultMaxRetries+1)
		}
		if r.Status != 200 {
			continue
		}
		if span := r.At.Sub(first[instance].At); span > bound {
			t.Errorf("instance %q: a refresh took %s from first to last attempt, beyond %s", instance, span, bound)
		}
		refreshes++
		delete(first, instance)
		delete(attempts, instance)
	}
	if refreshes != 2*instances || len(first) != 0 {
		t.Errorf("%d successful refreshes, %d unfinished; want %d (each instance at plan and at apply)", refreshes, len(first), 2*instances)
	}
}

func TestAccThrottling(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)
	write := func(t *testing.T, config string) string {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	const instances = 50

	// The provider block sets neither max_retries nor timeout: the defaults
	// must ride these out.
	for _, tc := range []struct {
		name  string
		setup func(p *acctest.Pool)
		// exact request count, or 0 to check only that throttling happened
		wantRequests int
	}{
		{name: "50 instances under a request-rate quota", setup: func(p *acctest.Pool) {
			// Cognito's quota scaled to what 10 parallel refreshes against a
			// local double exceed.
			p.SetRateLimit(20, 0)
		}},
		{name: "50 instances through a burst throttling the first 40 requests", setup: func(p *acctest.Pool) {
			p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 40})
		}, wantRequests: 2*instances + 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			in := p.SignIn(cognitotest.AppClient{})
			// Tells each instance's requests apart on the double.
			in.Extra = append(in.Extra, "  client_metadata = { instance = each.key }")
			tc.setup(p)
			dir := write(t, throttleConfig(p.URL, in, instances))
			ok, out, took := cli.RunWithEnv(t, dir, nil, acctest.CommandTimeout, "apply", "-auto-approve", "-no-color", "-input=false")
			if !ok {
				t.Fatalf("apply failed after %s:\n%s", took, out)
			}
			if !strings.Contains(out, fmt.Sprintf("%d added", instances)) {
				t.Errorf("apply did not create %d instances (one per token):\n%s", instances, out)
			}
			throttled := throttledRequests(p)
			if throttled == 0 {
				t.Fatal("nothing was throttled: the test proves nothing")
			}
			// apply opens every instance at plan and at apply.
			if tc.wantRequests > 0 && p.RequestCount() != tc.wantRequests {
				t.Errorf("the double saw %d requests, want %d", p.RequestCount(), tc.wantRequests)
			}
			checkRefreshBounds(t, p.Requests(), instances)
			t.Logf("%s: %s, %d requests, %d throttled", cli.Version, took, p.RequestCount(), throttled)
		})
	}

	t.Run("a throttle that never ends fails within timeout", func(t *testing.T) {
		p := acctest.NewPool(t, cognitotest.PoolConfig{})
		in := p.SignIn(cognitotest.AppClient{})
		p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 1 << 20})
		dir := write(t, throttleConfig(p.URL, in, 1, `timeout = "3s"`))
		ok, out, took := cli.RunWithEnv(t, dir, nil, acctest.CommandTimeout, "plan", "-no-color", "-input=false")
		if ok {
			t.Fatalf("plan succeeded against a never-ending throttle:\n%s", out)
		}
		if !regexp.MustCompile("Cognito throttled the request[\\s\\S]*whole\\s+`timeout`\\s+of\\s+3s").MatchString(out) {
			t.Errorf("want the throttling diagnostic naming the timeout:\n%s", out)
		}
		recs := p.Requests()
		if len(recs) < 2 {
			t.Fatalf("%d requests: the throttle was not retried", len(recs))
		}
		if span := recs[len(recs)-1].At.Sub(recs[0].At); span > 3*time.Second {
			t.Errorf("requests went on for %s, beyond the 3s timeout", span)
		}
		t.Logf("%s: failed after %s with %d requests", cli.Version, took, len(recs))
	})

	// AWS_MAX_ATTEMPTS counts attempts and applies only when max_retries is
	// not set (issue 12 bug 1: it used to win over max_retries = 0).
	for _, tc := range []struct {
		name         string
		providerArgs []string
		wantRequests int
		attempts     string
	}{
		{name: "max_retries = 0 beats AWS_MAX_ATTEMPTS=5", providerArgs: []string{"max_retries = 0"}, wantRequests: 1, attempts: `1\s+attempt`},
		{name: "AWS_MAX_ATTEMPTS=2 without max_retries", wantRequests: 2, attempts: `2\s+attempts`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			in := p.SignIn(cognitotest.AppClient{})
			p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError, Times: 3})
			dir := write(t, throttleConfig(p.URL, in, 1, tc.providerArgs...))
			maxAttempts := "5"
			if tc.providerArgs == nil {
				maxAttempts = "2"
			}
			ok, out, _ := cli.RunWithEnv(t, dir, map[string]string{"AWS_MAX_ATTEMPTS": maxAttempts}, acctest.CommandTimeout, "plan", "-no-color", "-input=false")
			if ok {
				t.Fatalf("plan succeeded; want it to give up after %d attempts:\n%s", tc.wantRequests, out)
			}
			if !regexp.MustCompile(`Cognito internal error[\s\S]*` + tc.attempts).MatchString(out) {
				t.Errorf("want the error after %d attempts:\n%s", tc.wantRequests, out)
			}
			if got := p.RequestCount(); got != tc.wantRequests {
				t.Errorf("the double saw %d requests, want %d", got, tc.wantRequests)
			}
		})
	}
}
