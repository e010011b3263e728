package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

// One rule for every URL a secret is sent to (`endpoint`, `token_url`,
// and the Cognito and Secrets Manager endpoints of the environment):
// plain http:// is refused unless the host is this machine
// (awsenv.Plaintext). plaintextRisk is its one wording.
const (
	plaintextProblem = "uses plain `http://` to a host that is not this machine"
	plaintextRisk    = "Secrets sent there (refresh tokens, client secrets, the tokens Cognito issues) would travel unencrypted, readable by anyone on the network path. " +
		"Use `https://`, or `http://` only to `localhost`, a name under `.localhost` or a loopback address (`127.0.0.0/8`, `::1`)."
)

// refusePlaintextEnvironment is an error when the environment or profile
// sets the endpoint of serviceID (named name in the text) to plain http://
// to another host. The URL is shown redacted. Configure checks Cognito's
// (unless `endpoint` replaces it); a Secrets Manager store checks its own
// before its first request, so a configuration without one is not refused
// for an endpoint it never uses.
func refusePlaintextEnvironment(env *awsenv.Env, serviceID, name string) diag.Diagnostics {
	var diags diag.Diagnostics
	endpoint := env.ServiceEndpoint(serviceID)
	if endpoint.URL == "" || !awsenv.Plaintext(endpoint.URL) {
		return diags
	}
	source, fix := endpoint.Variable, "Change or unset "+endpoint.Variable
	if source == "" {
		source, fix = "The AWS profile's `endpoint_url`", "Change or remove the profile's `endpoint_url`"
	}
	diags.AddError(name+" endpoint without TLS",
		fmt.Sprintf("%s sets the %s endpoint to %s, which %s. %s %s.", source, name, redact.URL(endpoint.URL), plaintextProblem, plaintextRisk, fix))
	return diags
}
