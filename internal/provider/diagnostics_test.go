package provider

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// diagPath is the attribute a diagnostic is scoped to (empty when none).
func diagPath(d diag.Diagnostic) path.Path {
	if withPath, ok := d.(diag.DiagnosticWithPath); ok {
		return withPath.Path()
	}
	return path.Empty()
}

// wordingCase is one row of testdata/diagnostics.json: a classified
// failure (its facts as the wire packages' testdata/failures.json record
// them for the same case) and the diagnostic users see for it.
type wordingCase struct {
	Case      string        `json:"case"`
	Source    string        `json:"source"` // "refresh" or "client credentials"
	Error     failure.Error `json:"error"`
	Summary   string        `json:"summary"`
	Detail    string        `json:"detail"`
	Attribute string        `json:"attribute"`
}

// TestFailureWording is the one test of the words users read for a failed
// token request: every branch the wire packages classify (their
// describeCases, by name), worded and placed on its attribute. The rows
// were captured from the wording as it stood when it moved here; a change
// to a row is a change users see.
func TestFailureWording(t *testing.T) {
	text, err := os.ReadFile("testdata/diagnostics.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []wordingCase
	if err := json.Unmarshal(text, &cases); err != nil {
		t.Fatal(err)
	}
	worded := map[string]map[failure.Reason]bool{}
	for _, tc := range cases {
		t.Run(tc.Source+"/"+tc.Case, func(t *testing.T) {
			var diags diag.Diagnostics
			switch tc.Source {
			case "refresh":
				addFailure(&diags, &tc.Error, refreshWording)
			case "client credentials":
				addFailure(&diags, &tc.Error, clientCredentialsWording("token_url"))
			default:
				t.Fatalf("unknown source %q", tc.Source)
			}
			if len(diags) != 1 || diags[0].Severity() != diag.SeverityError {
				t.Fatalf("got %v, want one error", diags)
			}
			d := diags[0]
			if d.Summary() != tc.Summary {
				t.Errorf("summary\n got %q\nwant %q", d.Summary(), tc.Summary)
			}
			if d.Detail() != tc.Detail {
				t.Errorf("detail\n got %q\nwant %q", d.Detail(), tc.Detail)
			}
			want := path.Empty()
			if tc.Attribute != "" {
				want = path.Root(tc.Attribute)
			}
			if got := diagPath(d); !got.Equal(want) {
				t.Errorf("on %s, want %s", got, want)
			}
		})
		if worded[tc.Source] == nil {
			worded[tc.Source] = map[failure.Reason]bool{}
		}
		worded[tc.Source][tc.Error.Reason] = true
	}
	// Each source's rows cover the reasons its wire package gives.
	gives := map[string][]failure.Reason{
		"refresh": {failure.Other, failure.Canceled, failure.Timeout, failure.AttemptTimeout, failure.Unreachable, failure.Unreadable,
			failure.Unavailable, failure.Throttled, failure.InternalError, failure.ClientSecretRejected, failure.DeviceKeyRejected,
			failure.RefreshTokenInvalid, failure.RefreshTokenRejected, failure.RefreshTokenReused, failure.UserDisabled, failure.UserNotFound,
			failure.ClientNotFound, failure.InvalidParameter, failure.BlockedByFirewall, failure.OperationNotEnabled,
			failure.TriggerInvalidResponse, failure.TriggerFailed, failure.TriggerRejected, failure.Incomplete, failure.NoRegion},
		"client credentials": {failure.Other, failure.Canceled, failure.Timeout, failure.AttemptTimeout, failure.Unreachable, failure.Unreadable,
			failure.Unavailable, failure.UnexpectedStatus, failure.Throttled, failure.ClientRejected, failure.GrantNotAllowed,
			failure.ScopeNotAllowed, failure.GrantRefused, failure.GrantUnsupported, failure.RequestMalformed, failure.NoTokenEndpoint,
			failure.Incomplete},
	}
	for source, reasons := range gives {
		for _, r := range reasons {
			if !worded[source][r] {
				t.Errorf("%s: no row for reason %q", source, r)
			}
		}
	}
}

// A failure about the token URL lands on whichever of `domain` and
// `token_url` is set; one not classified is still an error, on no attribute.
func TestClientCredentialsErrorPlacement(t *testing.T) {
	for _, attribute := range []string{"domain", "token_url"} {
		var diags diag.Diagnostics
		addFailure(&diags, &failure.Error{Reason: failure.NoTokenEndpoint, Input: failure.TokenURL, Status: 404}, clientCredentialsWording(attribute))
		if len(diags) != 1 || !diagPath(diags[0]).Equal(path.Root(attribute)) {
			t.Errorf("%s: got %v", attribute, diags)
		}
	}
	for _, tc := range []struct {
		add             func(*diag.Diagnostics, error)
		summary, detail string
	}{
		{func(d *diag.Diagnostics, err error) { addFailure(d, err, refreshWording) }, "Token refresh failed", "Unexpected failure refreshing Cognito tokens."},
		{func(d *diag.Diagnostics, err error) { addFailure(d, err, clientCredentialsWording("domain")) },
			"Token request failed", "Unexpected failure requesting a Cognito client-credentials token."},
	} {
		var diags diag.Diagnostics
		tc.add(&diags, errors.New("boom"))
		if len(diags) != 1 || diags[0].Severity() != diag.SeverityError || !diagPath(diags[0]).Equal(path.Empty()) ||
			diags[0].Summary() != tc.summary || diags[0].Detail() != tc.detail {
			t.Errorf("an unclassified error gives %v, want %q: %q", diags, tc.summary, tc.detail)
		}
	}
}

// The log line of a failure is its scrubbed cause, or its facts when it has
// no cause (a store found empty), never an empty string.
func TestCauseText(t *testing.T) {
	empty := &failure.Error{Reason: failure.Empty, Op: failure.StoreRead, Store: "s"}
	if got := causeText(empty); got != "read s: empty, 0 attempts" {
		t.Errorf("without a cause: %q", got)
	}
	withCause := failure.New(errors.New("open s: permission denied"), nil)
	if got := causeText(withCause); got != "open s: permission denied" {
		t.Errorf("with a cause: %q", got)
	}
}

// An endpoint the environment or profile chose is named as such; the
// configuration's own is named alone.
func TestEndpointText(t *testing.T) {
	e := &failure.Error{Endpoint: "http://127.0.0.1:1"}
	if got := endpointText(e); got != "http://127.0.0.1:1" {
		t.Errorf("default: %q", got)
	}
	e.EndpointSource = failure.EnvironmentEndpoint
	if got := endpointText(e); got != "http://127.0.0.1:1 (from AWS_ENDPOINT_URL* or the profile's endpoint_url)" {
		t.Errorf("environment: %q", got)
	}
	if attemptsMade(1) != "1 attempt" || attemptsMade(3) != "3 attempts" {
		t.Errorf("attemptsMade: %q, %q", attemptsMade(1), attemptsMade(3))
	}
}

// Every part a wire package may find missing is worded for its source.
func TestIncompletePartsWorded(t *testing.T) {
	for _, p := range []failure.Part{failure.AuthenticationResult, failure.ClientAuthenticationResult, failure.AccessToken,
		failure.IDToken, failure.ExpiresIn, failure.AccessTokenJWT} {
		if cognitoParts[p] == "" {
			t.Errorf("Cognito: %v not worded", p)
		}
	}
	for _, p := range []failure.Part{failure.ExpiresIn, failure.BearerTokenType, failure.AccessTokenJWT} {
		if tokenEndpointParts[p] == "" {
			t.Errorf("token endpoint: %v not worded", p)
		}
	}
}
