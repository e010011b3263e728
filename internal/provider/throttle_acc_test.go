package provider

// Throttling through a real CLI with the provider's default retry policy:
// 50 instances against a request-rate quota and against a burst, a
// throttle that never ends within `timeout`, and AWS_MAX_ATTEMPTS next to
// an explicit max_retries.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// runWithEnv runs the CLI on the masked build with extra environment
// variables (cliEnv drops the caller's AWS_* ones) and returns whether it
// succeeded, its output and how long it took.
func (cli *leakCLI) runWithEnv(t *testing.T, dir string, env map[string]string, args ...string) (bool, string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli.path, args...)
	cmd.Dir = dir
	vars := map[string]string{"TF_CLI_CONFIG_FILE": cli.configs["masked"]}
	for k, v := range env {
		vars[k] = v
	}
	cmd.Env = cliEnv(vars)
	started := time.Now()
	out, err := cmd.CombinedOutput()
	return err == nil, string(out), time.Since(started)
}

// throttleConfig is n instances of the ephemeral resource, each checked for
// an access token, with the provider arguments given.
func throttleConfig(endpoint string, in tokenInputs, n int, providerArgs ...string) string {
	return `terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}
` + providerHCL(endpoint, "eu-west-1", providerArgs...) + fmt.Sprintf(`
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
`, n, in.hcl())
}

func throttledRequests(p *pool) int {
	n := 0
	for _, r := range p.Requests() {
		if r.ErrorType == cognitotest.ErrTooManyRequests {
			n++
		}
	}
	return n
}

func TestAccThrottling(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := setUpLeakCLI(t)
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
		setup func(p *pool)
		// exact request count, or 0 to check only that throttling happened
		wantRequests int
	}{
		{name: "50 instances under a request-rate quota", setup: func(p *pool) {
			// Cognito's quota scaled to what 10 parallel refreshes against a
			// local double exceed.
			p.SetRateLimit(20, 0)
		}},
		{name: "50 instances through a burst throttling the first 40 requests", setup: func(p *pool) {
			p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 40})
		}, wantRequests: 2*instances + 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPool(t, cognitotest.PoolConfig{})
			in := p.signIn(cognitotest.AppClient{})
			tc.setup(p)
			dir := write(t, throttleConfig(p.URL, in, instances))
			ok, out, took := cli.runWithEnv(t, dir, nil, "apply", "-auto-approve", "-no-color", "-input=false")
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
			// Each refresh is bounded by the default timeout; the whole run
			// by far less here.
			if took > retrypolicy.DefaultTimeout {
				t.Errorf("apply took %s, beyond the documented bound of %s per refresh", took, retrypolicy.DefaultTimeout)
			}
			t.Logf("%s: %s, %d requests, %d throttled", cli.version, took, p.RequestCount(), throttled)
		})
	}

	t.Run("a throttle that never ends fails within timeout", func(t *testing.T) {
		p := newPool(t, cognitotest.PoolConfig{})
		in := p.signIn(cognitotest.AppClient{})
		p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 1 << 20})
		dir := write(t, throttleConfig(p.URL, in, 1, `timeout = "3s"`))
		ok, out, took := cli.runWithEnv(t, dir, nil, "plan", "-no-color", "-input=false")
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
		t.Logf("%s: failed after %s with %d requests", cli.version, took, len(recs))
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
			p := newPool(t, cognitotest.PoolConfig{})
			in := p.signIn(cognitotest.AppClient{})
			p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrInternalError, Times: 3})
			dir := write(t, throttleConfig(p.URL, in, 1, tc.providerArgs...))
			maxAttempts := "5"
			if tc.providerArgs == nil {
				maxAttempts = "2"
			}
			ok, out, _ := cli.runWithEnv(t, dir, map[string]string{"AWS_MAX_ATTEMPTS": maxAttempts}, "plan", "-no-color", "-input=false")
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
