package provider

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/retrypolicy"
)

// The one place that words failures for users: the wire packages classify
// (failure.Error), the provider says what happened and what to do, on the
// attribute the failure is about. This file holds the wording every token
// type shares; each type's own sentences sit beside it, in
// <type>_diagnostics.go.

// speaker is how a diagnostic names a token source.
type speaker struct {
	// name is the source mid-sentence, title at the start of a summary.
	name, title string
	// answer is what a timed-out request got none of.
	answer string
	// cancelled is the summary of a cancelled request.
	cancelled string
	// checkReach is the advice when the source was not reached.
	checkReach string
}

var cognitoSpeaker = speaker{name: "Cognito", title: "Cognito", answer: "answer", cancelled: "Token refresh cancelled",
	checkReach: "Check the region, `endpoint` and network access."}

// failureWording is how one token type words its failed requests.
type failureWording struct {
	// text words a classified failure.
	text func(*failure.Error) (summary, detail string)
	// attributes are the type's attribute of each input a failure is about.
	attributes map[failure.Input]string
	// unclassified is the summary and detail of an error no wire package
	// classified.
	unclassified [2]string
}

// addFailure adds the diagnostic of a failed request, on the attribute of
// the input it is about.
func addFailure(diags *diag.Diagnostics, err error, w failureWording) {
	var e *failure.Error
	if !errors.As(err, &e) {
		diags.AddError(w.unclassified[0], w.unclassified[1])
		return
	}
	summary, detail := w.text(e)
	addScoped(diags, w.attributes[e.Input], summary, detail)
}

func addScoped(diags *diag.Diagnostics, attribute, summary, detail string) {
	if attribute == "" {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(path.Root(attribute), summary, detail)
}

// failureFields describe a failed request for the DEBUG log by its
// classification (status, error code, body length), never by the body or
// the cause's text: x/oauth2's RetrieveError.Error() holds the whole body,
// and a proxy may echo the Authorization header (the client's credentials)
// in it.
func failureFields(err error, w failureWording) map[string]any {
	var e *failure.Error
	if !errors.As(err, &e) {
		return map[string]any{"error_type": fmt.Sprintf("%T", err)}
	}
	summary, _ := w.text(e)
	return map[string]any{
		"summary":     summary,
		"status":      e.Status,
		"error_code":  e.Code,
		"body_length": e.BodyLength,
		"attempts":    e.Attempts,
		"request_id":  e.RequestID,
	}
}

// causeText is a string, never an error value: tflog masks only strings.
// A classified error's cause is scrubbed (failure.Error's Cause), which also
// catches truncated copies of a secret; one without a cause (a store found
// empty) logs its facts.
func causeText(err error) string {
	if classified := (*failure.Error)(nil); maskLogs && errors.As(err, &classified) && classified.Unwrap() != nil {
		return classified.Cause()
	}
	if cause := errors.Unwrap(err); cause != nil {
		return cause.Error()
	}
	return err.Error()
}

// withAftermath adds what every failed request's detail ends with: that the
// answer lasted until the timeout (unless the detail already says so), and
// the AWS request ID.
func withAftermath(e *failure.Error, detail string, persistenceSaid bool) string {
	if e.Persisted && !persistenceSaid {
		detail += persisted(e.Timeout)
	}
	if e.RequestID != "" && e.Reason != failure.Incomplete {
		detail += "\n\nAWS request ID: " + e.RequestID
	}
	return detail
}

// persisted says that the last answer lasted until the timeout ran out.
func persisted(timeout time.Duration) string {
	return fmt.Sprintf(" This persisted for the provider's whole `timeout` of %s, retries included: raise `timeout` to wait longer.", timeout)
}

// sharedText words the reasons both token sources word alike.
func sharedText(e *failure.Error, s speaker) (summary, detail string, ok bool) {
	switch e.Reason {
	case failure.Canceled:
		return s.cancelled, "The request to " + s.name + " was cancelled before it finished (for example by Ctrl-C).", true
	case failure.Timeout:
		return s.title + " did not answer in time", fmt.Sprintf("No %s from %s within %s (%s). Check network access to the endpoint, or raise the provider's `timeout`.",
			s.answer, endpointText(e), e.Timeout, attemptsMade(e.Attempts)), true
	case failure.AttemptTimeout:
		return s.title + " did not answer in time", fmt.Sprintf("%s sent nothing for %s at a time (%s; an attempt that waits that long is abandoned and retried). Check network access to the endpoint.",
			endpointText(e), e.AttemptTimeout, attemptsMade(e.Attempts)), true
	case failure.Unreachable:
		return "Could not reach " + s.name, fmt.Sprintf("No usable answer from %s (%s): %s.%s %s",
			endpointText(e), attemptsMade(e.Attempts), e.RootCause, shortBudget(e), s.checkReach), true
	}
	return "", "", false
}

// attemptsMade is "1 attempt" or "<n> attempts".
func attemptsMade(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// endpointText names the endpoint a request went to, and where it came
// from when that is not the configuration's own.
func endpointText(e *failure.Error) string {
	if e.EndpointSource == failure.EnvironmentEndpoint {
		return e.Endpoint + " (from AWS_ENDPOINT_URL* or the profile's endpoint_url)"
	}
	return e.Endpoint
}

// shortBudget explains why a request that reached no server stopped early.
func shortBudget(e *failure.Error) string {
	if !e.NeverReached {
		return ""
	}
	return fmt.Sprintf(" The request reached no server (refused connection, unknown host, no route or rejected certificate): such a request is tried at most %d times.", retrypolicy.UnreachableAttempts)
}

// lostAnswerAdvice: a retry after a lost answer presents a spent token.
const lostAnswerAdvice = "A grace period of 0 cannot survive a lost answer: the retry presents a token Cognito has already spent, and nothing can recover it. " +
	"Set the app client's RetryGracePeriodSeconds to 60 (the most Cognito allows), which covers a retry after the provider's `attempt_timeout` (30 seconds by default) and its backoff."
