package cognito

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	smithyauth "github.com/aws/smithy-go/auth"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

// ClientTokenRequest is one GetClientToken call: the client-credentials
// grant as a Cognito API operation, needing no user-pool domain.
type ClientTokenRequest struct {
	// Region overrides the client's region for this call.
	Region       string
	ClientID     string
	ClientSecret string
	// Scopes requested; none means every scope the app client is allowed.
	Scopes         []string
	ClientMetadata map[string]string
}

// Secrets lists the request's sensitive values, for log masking and scrubbing.
func (r ClientTokenRequest) Secrets() []string { return redact.NonEmpty(r.ClientID, r.ClientSecret) }

// ClientToken is what GetClientToken issued.
type ClientToken struct {
	AccessToken string
	TokenType   string
	ExpiresIn   int64
	// ExpiresAt is when the access token expires, in UTC.
	ExpiresAt time.Time
	// GrantedScopes is the access token's scope claim, split and sorted:
	// the answer carries no scope list.
	GrantedScopes []string
	RequestID     string
	Attempts      int
}

// Secrets lists the issued token, for log masking.
func (t ClientToken) Secrets() []string { return redact.NonEmpty(t.AccessToken) }

// ClientToken calls GetClientToken under the same region, endpoint, HTTP
// client and retry policy as Refresh. It changes nothing in the pool, so
// every retry the policy allows is safe. Unsigned: AWS's reference says
// Cognito evaluates no IAM policy for it, but the SDK's model (v1.74.1)
// does not mark it anonymous, so the call says so itself and never looks
// for credentials.
func (c *Client) ClientToken(ctx context.Context, req ClientTokenRequest) (ClientToken, error) {
	call := operation{region: req.Region, secrets: req.Secrets(), classifyAPI: classifyClientTokenError}
	out, started, attempts, err := invoke(ctx, c, call, func(ctx context.Context, client *cip.Client) (*cip.GetClientTokenOutput, error) {
		return client.GetClientToken(ctx, &cip.GetClientTokenInput{
			ClientId:       aws.String(req.ClientID),
			Secret:         aws.String(req.ClientSecret),
			Scopes:         req.Scopes,
			ClientMetadata: req.ClientMetadata,
		}, func(o *cip.Options) { o.AuthSchemeResolver = anonymousAuth{} })
	})
	if err != nil {
		return ClientToken{}, err
	}
	token, err := clientTokenFrom(out, started)
	if e := (*Error)(nil); errors.As(err, &e) {
		e.Attempts = attempts
		return ClientToken{}, err
	}
	token.Attempts = attempts
	return token, nil
}

// anonymousAuth resolves no authentication scheme but the anonymous one.
type anonymousAuth struct{}

func (anonymousAuth) ResolveAuthSchemes(context.Context, *cip.AuthResolverParameters) ([]*smithyauth.Option, error) {
	return []*smithyauth.Option{{SchemeID: smithyauth.SchemeIDAnonymous}}, nil
}

// clientTokenFrom checks the answer before anything is handed out.
func clientTokenFrom(out *cip.GetClientTokenOutput, issuedAt time.Time) (ClientToken, error) {
	requestID, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	malformed := func(what failure.Part) error {
		return &Error{Reason: failure.Incomplete, Missing: what, RequestID: requestID}
	}
	result := out.ClientAuthenticationResult
	switch {
	case result == nil:
		return ClientToken{}, malformed(failure.ClientAuthenticationResult)
	case aws.ToString(result.AccessToken) == "":
		return ClientToken{}, malformed(failure.AccessToken)
	case result.ExpiresIn <= 0:
		return ClientToken{}, malformed(failure.ExpiresIn)
	}
	scopes, err := scopeClaim(aws.ToString(result.AccessToken))
	if err != nil {
		return ClientToken{}, malformed(failure.AccessTokenJWT)
	}
	return ClientToken{
		AccessToken:   aws.ToString(result.AccessToken),
		TokenType:     aws.ToString(result.TokenType),
		ExpiresIn:     int64(result.ExpiresIn),
		ExpiresAt:     issuedAt.UTC().Add(time.Duration(result.ExpiresIn) * time.Second).Truncate(time.Second),
		GrantedScopes: scopes,
		RequestID:     requestID,
	}, nil
}

// scopeClaim reads the access token's space-separated scope claim. The
// signature is not checked: the token came straight from Cognito, and its
// consumers verify it themselves.
func scopeClaim(accessToken string) ([]string, error) {
	var claims struct {
		jwt.RegisteredClaims
		Scope string `json:"scope"`
	}
	if _, _, err := jwt.NewParser().ParseUnverified(accessToken, &claims); err != nil {
		return nil, err
	}
	scopes := strings.Fields(claims.Scope)
	slices.Sort(scopes)
	return slices.Compact(scopes), nil
}

// classifyClientTokenError classifies GetClientToken's answers. The API
// reference lists ForbiddenException, InternalErrorException,
// InvalidParameterException, NotAuthorizedException,
// OperationNotEnabledException, ResourceNotFoundException and
// TooManyRequestsException, but not which one a client without
// ALLOW_CLIENT_TOKEN_AUTH, with other flows, without a secret, or asking
// for a scope it may not have gets: those are told by the message, under
// either NotAuthorizedException or InvalidParameterException.
func classifyClientTokenError(code, message string) (failure.Reason, failure.Input) {
	lower := strings.ToLower(message)
	refusal := code == "NotAuthorizedException" || code == "InvalidParameterException"
	switch {
	case refusal && (strings.Contains(lower, "allow_client_token_auth") || strings.Contains(lower, "flow")):
		return failure.GrantNotAllowed, failure.ClientID
	case refusal && strings.Contains(lower, "secret"):
		return failure.ClientSecretRejected, failure.ClientSecret
	case refusal && strings.Contains(lower, "scope"):
		return failure.ScopeNotAllowed, failure.Scopes
	case code == "NotAuthorizedException":
		return failure.ClientRejected, failure.ClientID
	}
	if known, ok := reasonOf[code]; ok {
		return known.reason, known.input
	}
	return failure.Other, failure.NoInput
}
