package cognito

import (
	"context"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

// TestClassifiesCognitosRealWordings: the client-secret and device
// diagnoses match substrings of Cognito's message, and the double's wording
// is our own; these rows are messages as Amazon Cognito itself words them,
// copied from public reports (client ids as reported).
func TestClassifiesCognitosRealWordings(t *testing.T) {
	cases := []struct {
		source, code, message, attribute, summary string
	}{
		{
			source: "aws-amplify/amplify-android#2504 (NotAuthorizedException, app client with a secret, no SECRET_HASH)",
			code:   "NotAuthorizedException", message: "Client 6g164jiups96hiec2e43tv0nt6 is configured with secret but SECRET_HASH was not received",
			attribute: "client_secret", summary: "Client secret missing or wrong",
		},
		{
			source: "scientifichackers/flutter_cognito_plugin#24, aws-amplify/amplify-js#277 (wrong secret)",
			code:   "NotAuthorizedException", message: "Unable to verify secret hash for client 6npouauc8jt1fioujvblmvpise",
			attribute: "client_secret", summary: "Client secret missing or wrong",
		},
		{
			// With device tracking on and no (or an unconfirmed) device key,
			// Cognito does not mention the device: the refresh token is
			// blamed, and so must our diagnosis be (COGNITO.md).
			source: "aws/aws-sdk-java-v2#3418, aws/aws-sdk-cpp#851 (pool remembers devices, refresh with a device key)",
			code:   "NotAuthorizedException", message: "Invalid Refresh Token",
			attribute: "refresh_token", summary: "Refresh token not accepted",
		},
	}
	for _, tc := range cases {
		t.Run(tc.message, func(t *testing.T) {
			e := describe(&smithy.GenericAPIError{Code: tc.code, Message: tc.message}, failure{
				ctx: context.Background(), region: "us-east-1", endpoint: "https://cognito-idp.us-east-1.amazonaws.com",
				timeout: time.Second, attempts: 1,
			})
			if e.Attribute != tc.attribute || e.Summary != tc.summary {
				t.Errorf("%s: got %q on %q, want %q on %q", tc.source, e.Summary, e.Attribute, tc.summary, tc.attribute)
			}
		})
	}
}
