package cognito

import (
	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"

	"context"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

// TestClassifiesCognitosRealWordings: the client-secret and device
// reasons match substrings of Cognito's message, and the double's wording
// is our own; these rows are messages as Amazon Cognito itself words them,
// copied from public reports (client ids as reported).
func TestClassifiesCognitosRealWordings(t *testing.T) {
	cases := []struct {
		source, code, message string
		reason                failure.Reason
		input                 failure.Input
	}{
		{
			source: "aws-amplify/amplify-android#2504 (NotAuthorizedException, app client with a secret, no SECRET_HASH)",
			code:   "NotAuthorizedException", message: "Client 6g164jiups96hiec2e43tv0nt6 is configured with secret but SECRET_HASH was not received",
			reason: failure.ClientSecretRejected, input: failure.ClientSecret,
		},
		{
			source: "scientifichackers/flutter_cognito_plugin#24, aws-amplify/amplify-js#277 (wrong secret)",
			code:   "NotAuthorizedException", message: "Unable to verify secret hash for client 6npouauc8jt1fioujvblmvpise",
			reason: failure.ClientSecretRejected, input: failure.ClientSecret,
		},
		{
			// With device tracking on and no (or an unconfirmed) device key,
			// Cognito does not mention the device: the refresh token is
			// blamed, and so must our diagnosis be (COGNITO.md).
			source: "aws/aws-sdk-java-v2#3418, aws/aws-sdk-cpp#851 (pool remembers devices, refresh with a device key)",
			code:   "NotAuthorizedException", message: "Invalid Refresh Token",
			reason: failure.RefreshTokenInvalid, input: failure.RefreshToken,
		},
	}
	for _, tc := range cases {
		t.Run(tc.message, func(t *testing.T) {
			e := describe(&smithy.GenericAPIError{Code: tc.code, Message: tc.message}, failedCall{
				ctx: context.Background(), region: "us-east-1", endpoint: "https://cognito-idp.us-east-1.amazonaws.com",
				timeout: time.Second, attempts: 1,
			})
			if e.Reason != tc.reason || e.Input != tc.input {
				t.Errorf("%s: got %s about %s, want %s about %s", tc.source, e.Reason, e.Input, tc.reason, tc.input)
			}
		})
	}
}
