package cognitotest

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// errorEnv is a pool where every error can be provoked by the request alone.
type errorEnv struct {
	s                        *Server
	public, secret, rotating AppClient
	disabledOp               AppClient
}

func newErrorEnv(t *testing.T) *errorEnv {
	e := &errorEnv{}
	e.s = newTestServer(t, PoolConfig{
		Forbid: func(_ *http.Request, in GetTokensInput) bool { return in.ClientMetadata["waf"] == "block" },
		PreTokenGeneration: func(ev TriggerEvent) error {
			switch ev.ClientMetadata["lambda"] {
			case "invalid":
				return ErrLambdaInvalidResponse
			case "not json":
				return ErrLambdaInvalidJSON
			case "reject":
				return &LambdaValidationError{Message: "no refresh on sundays"}
			case "crash":
				return errors.New("AccessDeniedException")
			}
			return nil
		},
	})
	e.public = e.s.AddClient(AppClient{})
	e.secret = e.s.AddClient(AppClient{GenerateSecret: true})
	e.rotating = e.s.AddClient(AppClient{Rotation: true})
	e.disabledOp = e.s.AddClient(AppClient{OperationDisabled: true})
	e.s.AddUser(User{Username: "alice"})
	e.s.AddUser(User{Username: "mallory"})
	e.s.AddUser(User{Username: "frozen", Disabled: true})
	return e
}

func TestEveryErrorType(t *testing.T) {
	type tc struct {
		name    string
		errType string
		is      func(error) bool
		msg     string // substring of the message
		req     func(e *errorEnv) cip.GetTokensFromRefreshTokenInput
	}
	tok := func(e *errorEnv, c AppClient) string { return e.s.IssueRefreshToken(c.ID, "alice") }
	md := func(in cip.GetTokensFromRefreshTokenInput, k, v string) cip.GetTokensFromRefreshTokenInput {
		in.ClientMetadata = map[string]string{k: v}
		return in
	}
	cases := []tc{
		{"waf block", ErrForbidden, isA[*types.ForbiddenException], MsgForbidden,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				return md(input(e.public.ID, tok(e, e.public)), "waf", "block")
			}},
		// Literal wordings: they are what Cognito says (sources in errors.go).
		{"lambda invalid response", ErrInvalidLambdaResponse, isA[*types.InvalidLambdaResponseException], "Unrecognizable lambda output",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				return md(input(e.public.ID, tok(e, e.public)), "lambda", "invalid")
			}},
		{"lambda output not JSON", ErrInvalidLambdaResponse, isA[*types.InvalidLambdaResponseException], "Invalid lambda function output : Invalid JSON",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				return md(input(e.public.ID, tok(e, e.public)), "lambda", "not json")
			}},
		{"lambda threw", ErrUserLambdaValidation, isA[*types.UserLambdaValidationException], "PreTokenGeneration failed with error no refresh on sundays.",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				return md(input(e.public.ID, tok(e, e.public)), "lambda", "reject")
			}},
		{"lambda crashed", ErrUnexpectedLambda, isA[*types.UnexpectedLambdaException], "PreTokenGeneration invocation failed due to error AccessDeniedException.",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				return md(input(e.public.ID, tok(e, e.public)), "lambda", "crash")
			}},
		{"token pattern", ErrInvalidParameter, isA[*types.InvalidParameterException],
			"1 validation error detected: Value at 'refreshToken' failed to satisfy constraint: Member must satisfy regular expression pattern",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput { return input(e.public.ID, "not a token!") }},
		{"short secret", ErrInvalidParameter, isA[*types.InvalidParameterException], "Member must have length greater than or equal to 24",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				in := input(e.secret.ID, tok(e, e.secret))
				in.ClientSecret = aws.String("short")
				return in
			}},
		{"bad device key", ErrInvalidParameter, isA[*types.InvalidParameterException], "Value 'laptop' at 'deviceKey'",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				in := input(e.public.ID, tok(e, e.public))
				in.DeviceKey = aws.String("laptop")
				return in
			}},
		{"secret for public client", ErrInvalidParameter, isA[*types.InvalidParameterException], "is not configured for secret",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				in := input(e.public.ID, tok(e, e.public))
				in.ClientSecret = aws.String(strings.Repeat("x", 30))
				return in
			}},
		{"unknown token", ErrNotAuthorized, isA[*types.NotAuthorizedException], "Invalid Refresh Token.",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput { return input(e.public.ID, newRefreshToken()) }},
		{"token of other client", ErrNotAuthorized, isA[*types.NotAuthorizedException], MsgInvalidRefreshToken,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput { return input(e.public.ID, tok(e, e.rotating)) }},
		{"missing secret", ErrNotAuthorized, isA[*types.NotAuthorizedException], "is configured for secret but secret was not received.",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput { return input(e.secret.ID, tok(e, e.secret)) }},
		{"wrong secret", ErrNotAuthorized, isA[*types.NotAuthorizedException], "Unable to verify secret for client",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				in := input(e.secret.ID, tok(e, e.secret))
				in.ClientSecret = aws.String(strings.Repeat("a", 51))
				return in
			}},
		{"expired", ErrNotAuthorized, isA[*types.NotAuthorizedException], MsgRefreshTokenExpired,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				rt := tok(e, e.public)
				e.s.ExpireRefreshToken(rt)
				return input(e.public.ID, rt)
			}},
		{"revoked", ErrNotAuthorized, isA[*types.NotAuthorizedException], MsgRefreshTokenRevoked,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				rt := tok(e, e.public)
				e.s.RevokeRefreshToken(rt)
				return input(e.public.ID, rt)
			}},
		{"disabled user", ErrNotAuthorized, isA[*types.NotAuthorizedException], MsgUserDisabled,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				return input(e.public.ID, e.s.IssueRefreshToken(e.public.ID, "frozen"))
			}},
		{"operation disabled", ErrOperationNotEnabled, isA[*types.OperationNotEnabledException], MsgOperationNotEnabled,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				return input(e.disabledOp.ID, tok(e, e.disabledOp))
			}},
		{"reuse after rotation", ErrRefreshTokenReuse, isA[*types.RefreshTokenReuseException], MsgRefreshTokenReused,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				rt := tok(e, e.rotating)
				_, _ = sdkClient(e.s, 1).GetTokensFromRefreshToken(t.Context(), &cip.GetTokensFromRefreshTokenInput{
					ClientId: aws.String(e.rotating.ID), RefreshToken: aws.String(rt)})
				return input(e.rotating.ID, rt)
			}},
		{"unknown client", ErrResourceNotFound, isA[*types.ResourceNotFoundException], "User pool client nosuchclient does not exist.",
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput { return input("nosuchclient", tok(e, e.public)) }},
		{"deleted user", ErrUserNotFound, isA[*types.UserNotFoundException], MsgUserNotFound,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				e.s.AddUser(User{Username: "temp"})
				rt := e.s.IssueRefreshToken(e.public.ID, "temp")
				e.s.DeleteUser("temp")
				e.s.AddUser(User{Username: "temp"}) // same name, new sub: still gone
				return input(e.public.ID, rt)
			}},
		// No request can make Cognito throttle or fail internally on demand:
		// these two are only reachable by injection.
		{"throttled (injected)", ErrTooManyRequests, isA[*types.TooManyRequestsException], MsgThrottled,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				e.s.InjectFault(Fault{ErrorType: ErrTooManyRequests})
				return input(e.public.ID, tok(e, e.public))
			}},
		{"internal error (injected)", ErrInternalError, isA[*types.InternalErrorException], MsgInternalError,
			func(e *errorEnv) cip.GetTokensFromRefreshTokenInput {
				e.s.InjectFault(Fault{ErrorType: ErrInternalError})
				return input(e.public.ID, tok(e, e.public))
			}},
	}

	e := newErrorEnv(t)
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.req(e)
			e.s.Reset()
			_, err := refresh(t, e.s, in)
			if err == nil {
				t.Fatal("want error")
			}
			if !c.is(err) {
				t.Fatalf("error %T (%v) is not %s", err, err, c.errType)
			}
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != c.errType || !strings.Contains(api.ErrorMessage(), c.msg) {
				t.Errorf("code %q message %q, want %q containing %q", api.ErrorCode(), api.ErrorMessage(), c.errType, c.msg)
			}
			status, reqID := httpStatus(t, err)
			if status != StatusFor(c.errType) {
				t.Errorf("HTTP %d, want %d", status, StatusFor(c.errType))
			}
			recs := e.s.Requests()
			if len(recs) != 1 || recs[0].RequestID != reqID || reqID == "" || recs[0].ErrorType != c.errType || recs[0].Status != status {
				t.Errorf("recorded %+v, SDK request id %q", recs, reqID)
			}
			seen[c.errType] = true
		})
	}
	for _, typ := range ErrorTypes {
		if !seen[typ] {
			t.Errorf("error type %s not exercised", typ)
		}
	}
}

// Every modeled type can also be injected with its Cognito status.
func TestInjectedErrorTypes(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	c := s.AddClient(AppClient{})
	for _, typ := range ErrorTypes {
		s.InjectFault(Fault{ErrorType: typ, Message: "injected " + typ})
		_, err := refresh(t, s, input(c.ID, "x"))
		var api smithy.APIError
		if !errors.As(err, &api) || api.ErrorCode() != typ || api.ErrorMessage() != "injected "+typ {
			t.Errorf("%s: got %v", typ, err)
			continue
		}
		if status, _ := httpStatus(t, err); status != StatusFor(typ) {
			t.Errorf("%s: HTTP %d", typ, status)
		}
	}
	if StatusFor(ErrInternalError) != 500 || StatusFor(ErrTooManyRequests) != 400 {
		t.Error("StatusFor")
	}
}
