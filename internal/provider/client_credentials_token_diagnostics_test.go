package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// TestClientTokenWording: every reason cognito gives for GetClientToken
// gets its summary, the advice that fixes it, and its attribute.
func TestClientTokenWording(t *testing.T) {
	for _, tc := range []struct {
		err                    failure.Error
		summary, advice, attrb string
	}{
		{failure.Error{Reason: failure.GrantNotAllowed, Input: failure.ClientID, Message: "flow"}, "App client not set up for GetClientToken", "--explicit-auth-flows ALLOW_CLIENT_TOKEN_AUTH", "client_id"},
		{failure.Error{Reason: failure.ClientSecretRejected, Input: failure.ClientSecret}, "Client secret not accepted", "`--generate-secret`", "client_secret"},
		{failure.Error{Reason: failure.ScopeNotAllowed, Input: failure.Scopes}, "Scope not allowed", "AllowedOAuthScopes", "scopes"},
		{failure.Error{Reason: failure.ClientRejected, Input: failure.ClientID, Region: "eu-west-1"}, "Client credentials not accepted", "in region eu-west-1", "client_id"},
		{failure.Error{Reason: failure.ClientNotFound, Input: failure.ClientID, Region: "eu-west-1"}, "App client not found", "Check `client_id`", "client_id"},
		{failure.Error{Reason: failure.InvalidParameter}, "Cognito rejected a parameter", "24 to 64 characters", ""},
		{failure.Error{Reason: failure.OperationNotEnabled, Region: "eu-west-2"}, "GetClientToken not available for this user pool", "set `domain`", ""},
		{failure.Error{Reason: failure.BlockedByFirewall}, "Request blocked by AWS WAF", "GetClientToken request", ""},
		{failure.Error{Reason: failure.InternalError, Attempts: 3}, "Cognito internal error", "retried with backoff", ""},
		{failure.Error{Reason: failure.Throttled, Attempts: 3, MaxAttempts: 3}, "Cognito throttled the request", "Service Quotas", ""},
		{failure.Error{Reason: failure.TriggerRejected}, "A Lambda trigger rejected the request", "`client_metadata`", ""},
		{failure.Error{Reason: failure.Incomplete, Missing: failure.ClientAuthenticationResult}, "Unexpected response from Cognito", "without a ClientAuthenticationResult", ""},
		{failure.Error{Reason: failure.NoRegion}, "No AWS region configured", "AWS_REGION", ""},
		{failure.Error{Reason: failure.Timeout, Endpoint: "https://cognito-idp.eu-west-1.amazonaws.com"}, "Cognito did not answer in time", "raise the provider's `timeout`", ""},
	} {
		t.Run(tc.summary, func(t *testing.T) {
			var diags diag.Diagnostics
			addFailure(&diags, &tc.err, clientTokenWording)
			if len(diags) != 1 || diags[0].Summary() != tc.summary || !strings.Contains(diags[0].Detail(), tc.advice) {
				t.Fatalf("got %v; want %q with %q", diags, tc.summary, tc.advice)
			}
			want := path.Empty()
			if tc.attrb != "" {
				want = path.Root(tc.attrb)
			}
			if got := diagPath(diags[0]); !got.Equal(want) {
				t.Errorf("on %s, want %s", got, want)
			}
		})
	}
	var diags diag.Diagnostics
	addFailure(&diags, errors.New("boom"), clientTokenWording)
	if len(diags) != 1 || diags[0].Summary() != "Token request failed" {
		t.Errorf("an unclassified error gives %v", diags)
	}
	if fields := failureFields(&failure.Error{Reason: failure.GrantNotAllowed, Code: "InvalidParameterException"}, clientTokenWording); fields["summary"] != "App client not set up for GetClientToken" || fields["error_code"] != "InvalidParameterException" {
		t.Errorf("log fields %v", fields)
	}
	if fields := failureFields(errors.New("boom"), clientTokenWording); fields["error_type"] != "*errors.errorString" {
		t.Errorf("log fields %v", fields)
	}
}

// A GetClientToken failure that lasted the whole timeout says so once: the
// throttling wording says it itself, any other reason gets the sentence.
func TestClientTokenPersistenceSaidOnce(t *testing.T) {
	const said = "whole `timeout` of 30s"
	for _, e := range []failure.Error{
		{Reason: failure.Throttled, Persisted: true, Timeout: 30 * time.Second, Attempts: 5, Message: "Rate exceeded"},
		{Reason: failure.InternalError, Persisted: true, Timeout: 30 * time.Second, Attempts: 5},
	} {
		_, detail := clientTokenText(&e)
		if n := strings.Count(detail, said); n != 1 {
			t.Errorf("%s: %q said %d times, want once:\n%s", e.Reason, said, n, detail)
		}
	}
}
