package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
)

// Tokens that expire before min_remaining_validity are refused on that
// attribute, with how long they last and the settings that decide it.
func TestTooShortValidityWording(t *testing.T) {
	var diags diag.Diagnostics
	tokens := cognito.Tokens{ExpiresIn: 300, ExpiresAt: now().Add(5 * time.Minute)}
	addTooShortValidity(&diags, tokens, time.Hour)
	if len(diags) != 1 || diags[0].Summary() != "Tokens expire too soon" || !diagPath(diags[0]).Equal(path.Root(minValidityAttr)) {
		t.Fatalf("got %v", diags)
	}
	for _, want := range []string{"less than `min_remaining_validity` (1h0m0s)", "valid for 300 seconds", "AccessTokenValidity"} {
		if !strings.Contains(diags[0].Detail(), want) {
			t.Errorf("detail %q lacks %q", diags[0].Detail(), want)
		}
	}
}

// A refresh failure lands on the attribute of its input; one about no
// input is on no attribute.
func TestRefreshErrorPlacement(t *testing.T) {
	for input, attribute := range refreshAttributes {
		var diags diag.Diagnostics
		addFailure(&diags, &failure.Error{Reason: failure.InvalidParameter, Input: input}, refreshWording)
		if len(diags) != 1 || !diagPath(diags[0]).Equal(path.Root(attribute)) {
			t.Errorf("%v: got %v, want it on %s", input, diags, attribute)
		}
	}
	var diags diag.Diagnostics
	addFailure(&diags, failure.New(errors.New("boom"), nil), refreshWording)
	if len(diags) != 1 || !diagPath(diags[0]).Equal(path.Empty()) {
		t.Errorf("got %v, want one error on no attribute", diags)
	}
}
