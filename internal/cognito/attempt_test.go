package cognito

// The two budgets a refresh rides on the wire: an attempt that gets no
// answer is abandoned after the attempt timeout and retried, and a request
// that reaches no server gets a short budget of attempts.

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// closedPort is a loopback address where nothing listens: connecting is
// refused at once.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func TestHungAttemptIsRetriedWithinTheTimeout(t *testing.T) {
	isolate(t, "")
	srv := cognitotest.NewServer(cognitotest.PoolConfig{})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{})
	// The first attempt is accepted and never answered (within the test).
	srv.InjectFault(cognitotest.Fault{Delay: time.Hour})
	retries := 2
	const timeout = time.Minute
	c, err := load(context.Background(), Config{Region: srv.Region(), Endpoint: srv.URL, MaxRetries: &retries,
		Timeout: timeout, AttemptTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	tokens, err := c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
	if err != nil {
		t.Fatalf("a hung first attempt failed the refresh: %v", err)
	}
	if tokens.Attempts != 2 {
		t.Errorf("%d attempts, want 2 (the hung one and its retry)", tokens.Attempts)
	}
	// A bound, not a speed measure: without the attempt timeout the hung
	// attempt holds the refresh until the whole timeout ends it.
	if elapsed := time.Since(started); elapsed >= timeout/2 {
		t.Errorf("the refresh took %s of its %s timeout", elapsed, timeout)
	}
}

func TestSilentEndpointNamesTheAttemptTimeout(t *testing.T) {
	isolate(t, "")
	srv := cognitotest.NewServer(cognitotest.PoolConfig{})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{})
	srv.InjectFault(cognitotest.Fault{Delay: time.Hour, Times: 2})
	retries := 1
	c, err := load(context.Background(), Config{Region: srv.Region(), Endpoint: srv.URL, MaxRetries: &retries,
		Timeout: time.Minute, AttemptTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
	var e *Error
	if !errors.As(err, &e) || e.Reason != failure.AttemptTimeout || e.AttemptTimeout != 200*time.Millisecond || e.Attempts != 2 {
		t.Fatalf("got %v", err)
	}
}

func TestUnreachableEndpointGetsTheShortBudget(t *testing.T) {
	isolate(t, "")
	retries := 25
	c, err := load(context.Background(), Config{Region: "eu-west-1", Endpoint: closedPort(t), MaxRetries: &retries, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Refresh(context.Background(), Request{RefreshToken: "token", ClientID: "client"})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v", err)
	}
	if e.Attempts != retrypolicy.UnreachableAttempts || e.Reason != failure.Unreachable || !e.NeverReached {
		t.Errorf("a refused connection: %d attempts, %s, never reached %v", e.Attempts, e.Reason, e.NeverReached)
	}
}

func TestResetAfterConnectKeepsTheFullBudget(t *testing.T) {
	isolate(t, "")
	srv := cognitotest.NewServer(cognitotest.PoolConfig{})
	defer srv.Close()
	srv.AddUser(cognitotest.User{Username: "alice"})
	client := srv.AddClient(cognitotest.AppClient{})
	const retries = 4 // more than the short budget
	srv.InjectFault(cognitotest.Fault{ResetConnection: true, Times: retries + 1})
	n := retries
	c, err := load(context.Background(), Config{Region: srv.Region(), Endpoint: srv.URL, MaxRetries: &n, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Refresh(context.Background(), Request{RefreshToken: srv.IssueRefreshToken(client.ID, "alice"), ClientID: client.ID})
	var e *Error
	if !errors.As(err, &e) || e.Attempts != retries+1 || e.NeverReached {
		t.Fatalf("a reset after connecting did not ride all %d attempts: %v", retries+1, err)
	}
}
