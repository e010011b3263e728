package cognitotest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// newTestServer starts a double closed at test end.
func newTestServer(t *testing.T, cfg PoolConfig) *Server {
	t.Helper()
	s := NewServer(cfg)
	t.Cleanup(s.Close)
	return s
}

// sdkClient is the real SDK client pointed at the double. attempts 1 turns
// retries off so each call maps to one HTTP request. Each client has its own
// transport: another test's httptest.Server.Close closes the shared default
// transport's idle connections, which raced with a response being read.
func sdkClient(s *Server, attempts int) *cip.Client {
	return cip.NewFromConfig(aws.Config{
		Region:           s.Region(),
		Credentials:      aws.AnonymousCredentials{},
		RetryMaxAttempts: attempts,
		HTTPClient:       &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}},
	}, func(o *cip.Options) { o.BaseEndpoint = aws.String(s.URL) })
}

// refresh calls GetTokensFromRefreshToken through the SDK with one attempt.
func refresh(t *testing.T, s *Server, in cip.GetTokensFromRefreshTokenInput) (*cip.GetTokensFromRefreshTokenOutput, error) {
	t.Helper()
	return sdkClient(s, 1).GetTokensFromRefreshToken(context.Background(), &in)
}

func mustRefresh(t *testing.T, s *Server, in cip.GetTokensFromRefreshTokenInput) *cip.GetTokensFromRefreshTokenOutput {
	t.Helper()
	out, err := refresh(t, s, in)
	if err != nil {
		t.Fatalf("GetTokensFromRefreshToken: %v", err)
	}
	return out
}

func input(clientID, token string) cip.GetTokensFromRefreshTokenInput {
	return cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(clientID), RefreshToken: aws.String(token)}
}

// httpStatus extracts the HTTP status and request id the SDK saw.
func httpStatus(t *testing.T, err error) (int, string) {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %T %v carries no HTTP response", err, err)
	}
	return re.HTTPStatusCode(), re.ServiceRequestID()
}

func mustVerify(t *testing.T, token string, jwks []byte) map[string]any {
	t.Helper()
	claims, err := VerifyJWT(token, jwks)
	if err != nil {
		t.Fatalf("VerifyJWT: %v", err)
	}
	return claims
}

func isA[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

type inputT = cip.GetTokensFromRefreshTokenInput

func withSecret(in inputT, secret string) inputT { in.ClientSecret = aws.String(secret); return in }
