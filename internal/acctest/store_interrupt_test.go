//go:build unix

package acctest_test

import (
	"context"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// syncBuffer collects a command's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAccRefreshTokenStoreInterrupt: Ctrl-C (SIGINT to the CLI's process
// group, as a terminal sends it) while Cognito is answering a rotating
// exchange (the double has rotated the token and holds its answer). The
// provider still takes the answer and writes the new token to the store,
// so the chain survives with a grace period of 0.
func TestAccRefreshTokenStoreInterrupt(t *testing.T) {
	requireAcc(t)
	cli := acctest.NewCLI(t)
	for _, sf := range workflowStores() {
		t.Run(sf.kind, func(t *testing.T) {
			t.Parallel()
			w := newWorkflow(t, cli, "ephemeral", sf.new)
			dir := w.newDir(t, false)
			w.check(t, "seeding", 0, true)
			release := make(chan struct{})
			w.p.InjectFault(cognitotest.Fault{Hold: release, AfterProcessing: true})

			env := map[string]string{"TF_CLI_CONFIG_FILE": cli.ConfigFile(acctest.Masked), "TF_VAR_client_id": w.in.ClientID}
			for k, v := range w.store.env {
				env[k] = v
			}
			ctx, cancel := context.WithTimeout(context.Background(), faultSanityLimit)
			defer cancel()
			cmd := exec.CommandContext(ctx, cli.Path, "plan", "-no-color", "-input=false")
			cmd.Dir = dir
			cmd.Env = acctest.Env(env)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var out syncBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			waitFor(t, "the exchange to reach the double", &out, func() bool { return w.p.PendingFaults() == 0 })
			if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the CLI to take the interrupt", &out, func() bool { return strings.Contains(out.String(), "Interrupt received") })
			// Let the CLI stop the provider (which cancels the open's
			// context) before Cognito's answer comes.
			time.Sleep(time.Second)
			close(release)
			if err := <-done; err == nil {
				t.Logf("%s: the interrupted plan exited 0", cli.Version)
			}
			t.Logf("%s after Ctrl-C:\n%s", cli.Version, out.String())
			// The interrupted plan's rotation is stored: the store holds the
			// live token, and the one it held before is rejected.
			w.check(t, "a plan interrupted while Cognito answered", 1, true)
			w.finalRefresh(t)
		})
	}
}

func waitFor(t *testing.T, what string, out *syncBuffer, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(faultSanityLimit); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s:\n%s", what, out.String())
		}
	}
}
