package cognitotest

import (
	"errors"
	"maps"
	"net/http"
	"slices"
)

// TriggerEvent is what the pre token generation Lambda receives on a
// refresh or a machine token request.
type TriggerEvent struct {
	TriggerSource  string // "TokenGeneration_RefreshTokens", "TokenGeneration_Authentication" or "TokenGeneration_ClientCredentials"
	UserPoolID     string
	ClientID       string
	Username       string
	UserAttributes map[string]string // includes sub and email
	Groups         []string
	ClientMetadata map[string]string // as sent in the request
	// Scopes are the scopes to be granted (GetClientToken only).
	Scopes []string
}

// ErrLambdaInvalidResponse, returned by PoolConfig.PreTokenGeneration, is a
// trigger that returned JSON Cognito cannot use: InvalidLambdaResponseException
// "Unrecognizable lambda output".
var ErrLambdaInvalidResponse = errors.New("invalid lambda response")

// ErrLambdaInvalidJSON is a trigger whose output is not JSON:
// InvalidLambdaResponseException "Invalid lambda function output : Invalid JSON".
var ErrLambdaInvalidJSON = errors.New("lambda output is not JSON")

// LambdaValidationError, returned by PoolConfig.PreTokenGeneration, is a
// Lambda that threw: Cognito answers UserLambdaValidationException
// "PreTokenGeneration failed with error <Message>.". Any other non-nil error
// is a failed invocation: UnexpectedLambdaException.
type LambdaValidationError struct{ Message string }

func (e *LambdaValidationError) Error() string { return e.Message }

// lambdaError maps a trigger's error to Cognito's answer.
func lambdaError(err error) *apiError {
	var v *LambdaValidationError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrLambdaInvalidResponse):
		return newErr(ErrInvalidLambdaResponse, MsgInvalidLambdaResponse)
	case errors.Is(err, ErrLambdaInvalidJSON):
		return newErr(ErrInvalidLambdaResponse, MsgInvalidLambdaJSON)
	case errors.As(err, &v):
		return newErr(ErrUserLambdaValidation, msgUserLambdaValidation+v.Message+".")
	default:
		return newErr(ErrUnexpectedLambda, MsgUnexpectedLambdaPrefix+err.Error()+".")
	}
}

// runTrigger invokes the pool's trigger outside the server lock (it is user
// code and may call back into the server) and records the event.
func (s *Server) runTrigger(u User, in GetTokensInput) *apiError {
	return s.runUserTrigger("TokenGeneration_RefreshTokens", u, in.ClientId, in.ClientMetadata)
}

// runUserTrigger is runTrigger for any user trigger source.
func (s *Server) runUserTrigger(source string, u User, clientID string, metadata map[string]string) *apiError {
	if s.cfg.PreTokenGeneration == nil {
		return nil
	}
	attrs := maps.Clone(u.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	attrs["sub"] = u.Sub
	if u.Email != "" {
		attrs["email"] = u.Email
	}
	ev := TriggerEvent{
		TriggerSource: source, UserPoolID: s.cfg.PoolID,
		ClientID: clientID, Username: u.Username, UserAttributes: attrs,
		Groups: slices.Clone(u.Groups), ClientMetadata: maps.Clone(metadata),
	}
	s.mu.Lock()
	s.events = appendBounded(s.events, ev, s.maxRecorded)
	s.mu.Unlock()
	return lambdaError(s.cfg.PreTokenGeneration(ev))
}

// TriggerEvents returns the events passed to the pre token generation trigger.
func (s *Server) TriggerEvents() []TriggerEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// forbidden applies the pool's WAF web ACL emulation, which runs before
// Cognito looks at the request.
func (s *Server) forbidden(r *http.Request, in GetTokensInput) *apiError {
	if s.cfg.Forbid != nil && s.cfg.Forbid(r, in) {
		return newErr(ErrForbidden, MsgForbidden)
	}
	return nil
}

func appendBounded[T any](xs []T, x T, limit int) []T {
	if len(xs) >= limit {
		xs = slices.Delete(xs, 0, len(xs)-limit+1)
	}
	return append(xs, x)
}
