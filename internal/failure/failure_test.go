package failure

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// Every Reason and Input has its own name, and the name reads back as the
// value: the provider's wording table spells them by name.
func TestNamesRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	count := 0
	for r := Reason(0); !strings.HasPrefix(r.String(), "Reason("); r++ {
		count++
		name := r.String()
		if name == "" || seen[name] {
			t.Errorf("reason %d: name %q empty or taken", int(r), name)
		}
		seen[name] = true
		text, err := r.MarshalText()
		var back Reason
		if err != nil || back.UnmarshalText(text) != nil || back != r {
			t.Errorf("reason %q does not read back: %v, %v", name, err, back)
		}
	}
	if count != int(RevocationNotEnabled)+1 {
		t.Errorf("%d named reasons, want %d", count, int(RevocationNotEnabled)+1)
	}
	for i := NoInput; !strings.HasPrefix(i.String(), "Input("); i++ {
		if seen[i.String()] && i != NoInput {
			t.Errorf("input %q has a reason's name", i)
		}
		text, _ := i.MarshalText()
		var back Input
		if back.UnmarshalText(text) != nil || back != i {
			t.Errorf("input %q does not read back: %v", i, back)
		}
	}
	if got := TokenURL.String(); got != "token url" {
		t.Errorf("TokenURL = %q", got)
	}
	for _, out := range []string{Reason(-1).String(), Reason(int(RevocationNotEnabled) + 1).String(), Input(-1).String(), Input(int(TOTPSecret) + 1).String()} {
		if !strings.Contains(out, "(") {
			t.Errorf("an unknown value is named %q", out)
		}
	}
	r := Throttled
	if err := r.UnmarshalText([]byte("no such reason")); err == nil || r != Throttled {
		t.Errorf("an unknown name: err %v, reason %s", err, r)
	}
	i := Scopes
	if err := i.UnmarshalText([]byte("none ")); err == nil || i != Scopes {
		t.Errorf("an unknown name: err %v, input %s", err, i)
	}
}

// Error() is the reason and the scrubbed facts that say the most in a
// line; Cause scrubs the wrapped error with the request's secrets.
func TestErrorText(t *testing.T) {
	cause := errors.New("echo of s3cretvalue0123456789 from the endpoint")
	e := New(cause, []string{"s3cretvalue0123456789"})
	if e.Reason != Other || e.Unwrap() != cause || !errors.Is(e, cause) {
		t.Fatalf("New: %+v", e)
	}
	if got := e.Cause(); got != "echo of *** from the endpoint" {
		t.Errorf("Cause() = %q", got)
	}
	if got := (&Error{}).Cause(); got != "" {
		t.Errorf("Cause() without a cause = %q", got)
	}
	for want, e := range map[string]*Error{
		"throttled (TooManyRequestsException), 5 attempts until the 2s timeout": {Reason: Throttled, Code: "TooManyRequestsException", Attempts: 5, Persisted: true, Timeout: 2 * time.Second},
		"unavailable, HTTP 503, 1 attempt":                                      {Reason: Unavailable, Status: 503, Attempts: 1},
		"canceled, 0 attempts":                                                  {Reason: Canceled},
		// A store failure leads with the operation and the store's name.
		"write file \"t\": throttled (C), 2 attempts; the rotated token was not stored": {Reason: Throttled, Op: StoreWrite, Store: `file "t"`, Code: "C", Attempts: 2, TokenLost: true},
		"write s: timeout, 1 attempt; it is in version v1, which is not current":        {Reason: Timeout, Op: StoreWrite, Store: "s", Attempts: 1, PendingVersion: "v1"},
		"read s: empty, 0 attempts": {Reason: Empty, Op: StoreRead, Store: "s"},
	} {
		if got := e.Error(); got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
	// The cause and the secrets are no facts: JSON leaves them out.
	text, err := json.Marshal(e)
	if err != nil || strings.Contains(string(text), "s3cret") || !strings.Contains(string(text), `"Reason":"other"`) {
		t.Errorf("JSON %s, %v", text, err)
	}
}
