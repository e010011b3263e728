package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// scaleRun is one `apply` of N ephemeral instances.
type scaleRun struct {
	wall     time.Duration
	conns    int           // TCP connections the double accepted
	requests int           // GetTokensFromRefreshToken calls the double answered
	cliCPU   time.Duration // user+system CPU of the CLI and its provider processes
	selfCPU  time.Duration // user+system CPU of this process: mostly the double
}

func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type scaleEnv struct {
	cli, rcFile, workRoot string
	srv                   *cognitotest.Server
	refreshToken          string
	clientID              string
}

func newScaleEnv(cli, providerDir, workRoot string) (*scaleEnv, error) {
	srv, err := cognitotest.NewServerAt("", cognitotest.PoolConfig{Region: "us-east-1", MaxRecorded: 1})
	if err != nil {
		return nil, err
	}
	c := srv.AddClient(cognitotest.AppClient{}) // non-rotating: one token for every instance
	srv.AddUser(cognitotest.User{Username: "bench", Email: "bench@example.com"})
	e := &scaleEnv{cli: cli, workRoot: workRoot, srv: srv, clientID: c.ID,
		refreshToken: srv.IssueRefreshToken(c.ID, "bench")}
	e.rcFile = filepath.Join(workRoot, "cli.tfrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"cognito-tokens/cognito", providerDir)
	return e, os.WriteFile(e.rcFile, []byte(rc), 0o600)
}

func (e *scaleEnv) close() { e.srv.Close() }

// config opens n instances and consumes every result in a check block,
// which reads ephemeral values without storing them anywhere.
func (e *scaleEnv) config(n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito" }
  }
}

provider "cognito" {
  region   = "us-east-1"
  endpoint = %q
}

ephemeral "cognito_refreshed_tokens" "t" {
  for_each      = toset([for i in range(%d) : tostring(i)])
  refresh_token = %q
  client_id     = %q
}

check "tokens_issued" {
  assert {
    condition     = alltrue([for k, v in ephemeral.cognito_refreshed_tokens.t : length(v.access_token) > 100 && v.token_type == "Bearer"])
    error_message = "an ephemeral instance returned no access token"
  }
}
`, e.srv.URL, n, e.refreshToken, e.clientID)
}

func (e *scaleEnv) apply(n int, parallelism int) (scaleRun, error) {
	var run scaleRun
	dir := filepath.Join(e.workRoot, fmt.Sprintf("n%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return run, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(e.config(n)), 0o600); err != nil {
		return run, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.cli, "apply", "-auto-approve", "-input=false", "-no-color",
		fmt.Sprintf("-parallelism=%d", parallelism))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+e.rcFile, "CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1", "TF_LOG=", "TF_LOG_PROVIDER=", "TF_DATA_DIR="+filepath.Join(dir, ".terraform"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	e.srv.Reset()
	children, self := cpuTime(syscall.RUSAGE_CHILDREN), cpuTime(syscall.RUSAGE_SELF)
	start := time.Now()
	err := cmd.Run()
	run.wall = time.Since(start)
	run.cliCPU = cpuTime(syscall.RUSAGE_CHILDREN) - children
	run.selfCPU = cpuTime(syscall.RUSAGE_SELF) - self
	run.conns, run.requests = e.srv.ConnectionsAccepted(), e.srv.RequestCount()
	text := out.String()
	if err != nil || !strings.Contains(text, "Apply complete!") || strings.Contains(text, "assertion failed") {
		return run, fmt.Errorf("apply N=%d failed (%v):\n%s", n, err, tail(text, 3000))
	}
	return run, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
