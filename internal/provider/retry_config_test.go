package provider

// Provider-level retry, endpoint and connection settings, through the
// protocol server the way a CLI drives it.

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

func TestConfigureLogsNoEndpointCredentials(t *testing.T) {
	// The only way left for userinfo to reach Configure is the environment
	// (the argument rejects it): the DEBUG line shows it redacted.
	isolateAWSEnvironment(t)
	t.Setenv("AWS_ENDPOINT_URL", "http://envuser:EnvPassw0rd@127.0.0.1:9229")
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	server := providerserver.NewProtocol6(New("test")())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		Config: config(t, schemas.Provider, map[string]any{"region": "eu-west-1", "max_retries": 3, "retry_mode": "adaptive"}),
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	text := logs.String()
	for _, want := range []string{`"environment_endpoint":"http://127.0.0.1:9229"`, `"max_attempts":4`, `"retry_mode":"adaptive"`, `"timeout":"10m0s"`} {
		if !strings.Contains(text, want) {
			t.Errorf("the DEBUG line lacks %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, "EnvPassw0rd") || strings.Contains(text, "envuser") {
		t.Errorf("the logs carry the endpoint's credentials:\n%s", text)
	}
}

func TestConfigureAndReadCyclesShareConnections(t *testing.T) {
	// 40 provider configurations, each reading once, as a long-lived
	// provider process (or a test binary) sees them: neither connections
	// nor the goroutines behind idle ones pile up.
	isolateAWSEnvironment(t)
	p := newPool(t, cognitotest.PoolConfig{})
	in := p.SignIn(cognitotest.AppClient{})
	read := func() {
		diags := protocolRun(t, "data source", map[string]any{"region": "eu-west-1", "endpoint": p.URL, "max_retries": 0},
			map[string]any{"refresh_token": in.RefreshToken, "client_id": in.ClientID})
		for _, d := range diags {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("%s: %s", d.Summary, d.Detail)
			}
		}
	}
	read()
	before := runtime.NumGoroutine()
	for range 39 {
		read()
	}
	if p.RequestCount() != 40 {
		t.Fatalf("the double saw %d requests, want 40", p.RequestCount())
	}
	// Mostly one connection: now and then a read starts before the last
	// one's connection is back in the pool. A transport per configuration
	// opens 40, each kept alive by two goroutines until its idle timeout.
	conns := p.ConnectionsAccepted()
	if conns > 20 {
		t.Errorf("40 configure-and-read cycles opened %d connections, want them to share a pool", conns)
	}
	if after := runtime.NumGoroutine(); after > before+2*conns+5 {
		t.Errorf("goroutines grew from %d to %d over 39 cycles (%d connections)", before, after, conns)
	}
}

func TestConnectionsSharedAcrossConfigurations(t *testing.T) {
	// 100 refreshes in 10 waves of 10 concurrent ones, each wave through a
	// provider configuration of its own. One process-wide connection pool
	// needs about 10 connections; an HTTP client per configuration would
	// need about 10 per wave (100), one per refresh 100 as well.
	const waves, parallel = 10, 10
	isolateAWSEnvironment(t)
	p := newPool(t, cognitotest.PoolConfig{})
	in := p.SignIn(cognitotest.AppClient{})
	var failures []string
	for range waves {
		data := newFaultProvider(t, p.URL, 0, time.Minute)
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				model := faultModel(in)
				if diags := refreshTokens(context.Background(), data, model); diags.HasError() {
					mu.Lock()
					failures = append(failures, diagText(diags))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	if len(failures) > 0 {
		t.Fatalf("%d refreshes failed, e.g.:\n%s", len(failures), failures[0])
	}
	if conns := p.ConnectionsAccepted(); conns > 2*parallel {
		t.Errorf("%d refreshes over %d configurations opened %d connections: configurations do not share one pool", waves*parallel, waves, conns)
	}
	t.Logf("%d refreshes, %d configurations, %d connections", waves*parallel, waves, p.ConnectionsAccepted())
}

func TestSchemaDocumentsTheBound(t *testing.T) {
	// The numbers in the descriptions come from retrypolicy, so the docs
	// cannot drift from what the code does.
	var resp struct{ max, timeout string }
	server := providerserver.NewProtocol6(New("test")())()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range schemas.Provider.Block.Attributes {
		switch a.Name {
		case "max_retries":
			resp.max = a.Description
		case "timeout":
			resp.timeout = a.Description
		}
	}
	for _, want := range []string{"else `25`", "at most 7m11s", "capped at 20s", "Between 0 and 100"} {
		if !strings.Contains(resp.max, want) {
			t.Errorf("max_retries description lacks %q: %s", want, resp.max)
		}
	}
	for _, want := range []string{"Defaults to `10m`", "(7m11s)", "between `1s` and `1h`"} {
		if !strings.Contains(resp.timeout, want) {
			t.Errorf("timeout description lacks %q: %s", want, resp.timeout)
		}
	}
	if got := fmt.Sprint(retrypolicy.DefaultMaxRetries, " ", retrypolicy.DefaultTimeout); got != "25 10m0s" {
		t.Errorf("defaults %s", got)
	}
}
