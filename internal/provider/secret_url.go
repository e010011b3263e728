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

// environmentEndpointServices are the services whose endpoint the
// environment or profile may set and to which the provider sends secrets:
// Cognito (the refresh token, the client secret) and Secrets Manager (the
// refresh token, when a refresh_token_store keeps it there).
var environmentEndpointServices = []struct{ id, name string }{
	{awsenv.CognitoIdentityProvider, "Cognito"},
	{awsenv.SecretsManager, "Secrets Manager"},
}

// refusePlaintextEnvironment is an error for each endpoint of the
// environment or profile that would carry a secret over plain http:// to
// another host. configured is the `endpoint` argument, which replaces the
// environment's Cognito endpoint. The URL is shown redacted.
func refusePlaintextEnvironment(env *awsenv.Env, configured string) diag.Diagnostics {
	var diags diag.Diagnostics
	reported := map[awsenv.Endpoint]bool{}
	for _, service := range environmentEndpointServices {
		if service.id == awsenv.CognitoIdentityProvider && configured != "" {
			continue
		}
		endpoint := env.ServiceEndpoint(service.id)
		if endpoint.URL == "" || !awsenv.Plaintext(endpoint.URL) || reported[endpoint] {
			continue
		}
		reported[endpoint] = true
		source, fix := endpoint.Variable, "Change or unset "+endpoint.Variable
		if source == "" {
			source, fix = "The AWS profile's `endpoint_url`", "Change or remove the profile's `endpoint_url`"
		}
		diags.AddError(service.name+" endpoint without TLS",
			fmt.Sprintf("%s sets the %s endpoint to %s, which %s. %s %s.", source, service.name, redact.URL(endpoint.URL), plaintextProblem, plaintextRisk, fix))
	}
	return diags
}
