package acctest_test

// TestAccFaults: faults injected into the Cognito double, measured through
// a real CLI and a provider process of their own (the unit-level fault
// table is internal/provider's TestFaults).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// faultSanityLimit is no timing assertion: a refresh that takes longer than
// this hangs, whatever the machine's load.
const faultSanityLimit = 90 * time.Second

// TestAccFaults runs the first rows of the fault table and 100 instances at
// once through a real CLI and a provider process of their own.
func TestAccFaults(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run it")
	}
	cli := acctest.NewCLI(t)

	ephemeral := func(endpoint string, in acctest.TokenInputs, providerArgs ...string) string {
		return `terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}
` + acctest.ProviderHCL(endpoint, "eu-west-1", providerArgs...) + `
ephemeral "cognito_refreshed_tokens" "test" {
` + in.HCL() + `}

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
			p := acctest.NewPool(t, cognitotest.PoolConfig{})
			in := p.SignIn(cognitotest.AppClient{})
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
			if got := p.SettledRequestCount(tc.wantRequests); tc.wantRequests >= 0 && got != tc.wantRequests {
				t.Errorf("the double saw %d requests, want %d", got, tc.wantRequests)
			}
		})
	}

	t.Run("Ctrl-C during a slow call", func(t *testing.T) {
		t.Parallel()
		p := acctest.NewPool(t, cognitotest.PoolConfig{})
		in := p.SignIn(cognitotest.AppClient{})
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
		p := acctest.NewPool(t, cognitotest.PoolConfig{})
		in := p.SignIn(cognitotest.AppClient{})
		// A burst of throttling on top, as Cognito answers bursts; with
		// max_retries = 20 no refresh can run out of attempts.
		p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: 20})
		dir := t.TempDir()
		config := acctest.InstancesHCL(instances, acctest.ProviderHCL(p.URL, "eu-west-1", "max_retries = 20"), in)
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
