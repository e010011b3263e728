package cognitotest

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault makes upcoming API requests misbehave. Faults queue FIFO; each API
// request (not JWKS fetches) consumes one Times unit of the head fault.
//
// Precedence within one fault: Delay and Hold, then ResetConnection, then
// ErrorType, then Status/Body/ContentType. A fault with only Delay or Hold
// lets the request proceed normally afterwards.
type Fault struct {
	Times           int           // requests affected; default 1
	ErrorType       string        // modeled error, e.g. "TooManyRequestsException"
	Message         string        // overrides the error's default message
	Status          int           // raw status (default 200 with Body, 502/503 get an HTML body)
	Delay           time.Duration // sleep first; ends early on client cancel or Close
	ResetConnection bool          // hijack and reset the TCP connection (mid-response if Body is set)
	Body            string        // raw response body
	ContentType     string        // raw Content-Type (default application/x-amz-json-1.1)
	// Hold, when set, holds the request (after Delay) until it is closed,
	// the client cancels or the server closes: the test decides when a
	// slow request proceeds instead of guessing a long enough Delay.
	Hold <-chan struct{}
	// AfterProcessing runs the operation first (so a rotation really happens)
	// and only then answers with the fault: a response lost in transit.
	// Its Delay and Hold then come after the operation too: a slow answer
	// to a call that has already rotated the token (GetTokensFromRefreshToken).
	AfterProcessing bool
}

func (f Fault) answers() bool {
	return f.ResetConnection || f.ErrorType != "" || f.Status != 0 || f.Body != "" || f.ContentType != ""
}

func (s *Server) InjectFault(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// PendingFaults reports how many fault units are still queued.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.Times
	}
	return n
}

func (s *Server) takeFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	if s.faults[0].Times--; s.faults[0].Times <= 0 {
		s.faults = s.faults[1:]
	}
	return f, true
}

// wait sleeps f's Delay, then waits for f's Hold, unless the client goes
// away or the server closes first (false), so neither holds up Close.
func (s *Server) wait(ctx context.Context, f Fault) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return false
		case <-s.done:
			return false
		}
	}
	if f.Hold != nil {
		select {
		case <-f.Hold:
		case <-ctx.Done():
			return false
		case <-s.done:
			return false
		}
	}
	return true
}

// QuickBackoff is the retry backoff for tests that inject faults (set as
// awsenv.Settings.Backoff): 10 ms before each retry instead of the SDK's
// jitter of up to 20 s, so a throttled test spends no time waiting.
var QuickBackoff = FixedBackoff(10 * time.Millisecond)

// FixedBackoff waits the same before every retry (an aws/retry
// BackoffDelayer).
type FixedBackoff time.Duration

func (d FixedBackoff) BackoffDelay(int, error) (time.Duration, error) { return time.Duration(d), nil }

// answerFault writes the fault's response and returns the recorded status
// and error type (status 0 for a reset connection).
func (s *Server) answerFault(w http.ResponseWriter, f Fault) (int, string) {
	if f.ResetConnection {
		resetConnection(w, f)
		return 0, ""
	}
	if f.ErrorType != "" {
		msg := f.Message
		if msg == "" {
			msg = defaultMessages[f.ErrorType]
		}
		status := f.Status
		if status == 0 {
			status = StatusFor(f.ErrorType)
		}
		writeError(w, status, newErr(f.ErrorType, msg))
		return status, f.ErrorType
	}
	status, body, ctype := f.Status, f.Body, f.ContentType
	if status == 0 {
		status = http.StatusOK
	}
	if body == "" && status >= 500 {
		body = fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n</body>\r\n</html>\r\n",
			status, http.StatusText(status), status, http.StatusText(status))
		ctype = "text/html"
	}
	if ctype == "" {
		ctype = jsonContentType
	}
	w.Header().Set("Content-Type", ctype)
	writeBody(w, status, []byte(body))
	return status, ""
}

// resetConnection hijacks the connection, optionally writes half a response,
// and closes it with SO_LINGER 0 so the client sees a reset, not a clean EOF.
func resetConnection(w http.ResponseWriter, f Fault) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http aborts the connection quietly
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	if f.Body != "" {
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: " + jsonContentType +
			"\r\nContent-Length: " + strconv.Itoa(len(f.Body)) + "\r\n\r\n" + f.Body[:len(f.Body)/2])
		_ = buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// SetRateLimit makes the double throttle like a Cognito request-rate quota:
// API requests beyond perSecond (sustained) and burst (at once) are answered
// with TooManyRequestsException, HTTP 400, as Fault{ErrorType:
// ErrTooManyRequests} is. perSecond <= 0 removes the limit.
//
// Source: "Quotas in Amazon Cognito" (docs.aws.amazon.com/cognito/latest/
// developerguide/quotas.html): user pool operations are grouped into
// categories, each with a quota in requests per second (the page lists the
// defaults; Service Quotas raises them) shared by every user pool of the
// account in the Region, and requests over it are throttled.
// A double serves one pool, so its limit is that pool's share. AWS does not
// document the algorithm; a token bucket (capacity burst, refilled at
// perSecond) models "N per second" with Cognito's tolerance of short bursts.
// Burst <= 0 means one second's worth (at least 1).
//
// The token endpoint (/oauth2/token) gets the same limit in a bucket of its
// own: client-credentials requests count against their own quota category
// (ClientCredentials, same page), and are answered with HTTP 429 (see
// overTokenRate).
func (s *Server) SetRateLimit(perSecond float64, burst int) {
	var api, token *rateLimiter
	if perSecond > 0 {
		if burst <= 0 {
			burst = max(1, int(math.Ceil(perSecond)))
		}
		now := time.Now()
		api = &rateLimiter{perSecond: perSecond, capacity: float64(burst), tokens: float64(burst), last: now}
		token = &rateLimiter{perSecond: perSecond, capacity: float64(burst), tokens: float64(burst), last: now}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate, s.tokenRate = api, token
}

// rateLimiter is a token bucket on the wall clock (Advance moves token
// expiry, not request rates).
type rateLimiter struct {
	mu                          sync.Mutex
	perSecond, capacity, tokens float64
	last                        time.Time
}

func (l *rateLimiter) allow(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens = min(l.capacity, l.tokens+now.Sub(l.last).Seconds()*l.perSecond)
	l.last = now
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// overRate answers a request beyond the rate limit, if one is set.
func (s *Server) overRate(w http.ResponseWriter) (int, string, bool) {
	s.mu.Lock()
	limiter := s.rate
	s.mu.Unlock()
	if limiter == nil || limiter.allow(time.Now()) {
		return 0, "", false
	}
	status := StatusFor(ErrTooManyRequests)
	writeError(w, status, newErr(ErrTooManyRequests, defaultMessages[ErrTooManyRequests]))
	return status, ErrTooManyRequests, true
}

// overTokenRate answers a token-endpoint request beyond the rate limit, if
// one is set, with HTTP 429: the Amazon Cognito developer guide's page "The
// token issuer endpoint" has throttling answered as HTTP 429, unlike the
// API's TooManyRequestsException with HTTP 400. The body is unsourced (no public record of it): JSON in the
// endpoint's Content-Type, without an OAuth error code, since RFC 6749 §5.2
// has none for throttling.
func (s *Server) overTokenRate(w http.ResponseWriter) bool {
	s.mu.Lock()
	limiter := s.tokenRate
	s.mu.Unlock()
	if limiter == nil || limiter.allow(time.Now()) {
		return false
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	writeBody(w, http.StatusTooManyRequests, []byte(`{"message":"Rate exceeded"}`))
	return true
}
