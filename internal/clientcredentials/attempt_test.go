package clientcredentials

// The two budgets a token request rides on the wire: an attempt that gets
// no answer is abandoned after the attempt timeout and retried, and a
// request that reaches no server gets a short budget of attempts.

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

func TestHungAttemptIsRetriedWithinTheTimeout(t *testing.T) {
	hangs := make(chan struct{})
	defer close(hangs)
	// The first request is accepted and never answered (within the test).
	hang := func(http.ResponseWriter) { <-hangs }
	url, requests := endpointAnswering(t, hang, answer(200, testResponse))
	const timeout = 10 * time.Second
	p := policy(2, timeout)
	p.AttemptTimeout = 500 * time.Millisecond
	started := time.Now()
	token, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, p), url)
	if err != nil {
		t.Fatalf("a hung first attempt failed the request: %v", err)
	}
	if token.Attempts != 2 || requests.Load() != 2 {
		t.Errorf("%d attempts, %d requests, want 2 (the hung one and its retry)", token.Attempts, requests.Load())
	}
	// A bound, not a speed measure: without the attempt timeout the hung
	// attempt holds the request until the whole timeout ends it.
	if elapsed := time.Since(started); elapsed >= timeout/2 {
		t.Errorf("the request took %s of its %s timeout", elapsed, timeout)
	}
}

func TestSilentEndpointNamesTheAttemptTimeout(t *testing.T) {
	hangs := make(chan struct{})
	defer close(hangs)
	url, _ := endpointAnswering(t, func(http.ResponseWriter) { <-hangs })
	p := policy(1, 10*time.Second)
	p.AttemptTimeout = 200 * time.Millisecond
	_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, p), url)
	if err == nil || err.Reason != failure.AttemptTimeout || err.AttemptTimeout != 200*time.Millisecond || err.Attempts != 2 {
		t.Fatalf("got %v", err)
	}
}

func TestUnreachableEndpointGetsTheShortBudget(t *testing.T) {
	ln, listenErr := net.Listen("tcp", "127.0.0.1:0")
	if listenErr != nil {
		t.Fatal(listenErr)
	}
	closed := "http://" + ln.Addr().String() + "/oauth2/token"
	ln.Close()
	_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, policy(25, 10*time.Second)), closed)
	if err == nil || err.Attempts != retrypolicy.UnreachableAttempts || err.Reason != failure.Unreachable || !err.NeverReached {
		t.Fatalf("a refused connection: %v", err)
	}
}

func TestResetAfterConnectKeepsTheFullBudget(t *testing.T) {
	// Closed after the request was read: the answer is lost, and the
	// request may have been processed.
	reset := func(w http.ResponseWriter) {
		hijacker, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler)
		}
		if conn, _, err := hijacker.Hijack(); err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
			_ = conn.Close()
		}
	}
	const retries = 4 // more than the short budget
	url, requests := endpointAnswering(t, reset)
	_, err := tokenFromEndpoint(t, newEndpoint(&http.Client{}, policy(retries, time.Minute)), url)
	if err == nil || err.Attempts != retries+1 || requests.Load() != retries+1 || err.NeverReached {
		t.Fatalf("a reset after connecting did not ride all %d attempts (%d requests): %v", retries+1, requests.Load(), err)
	}
}
