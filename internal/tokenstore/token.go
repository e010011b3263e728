package tokenstore

import "strings"

// checkToken trims what editors and `echo` add around a token and checks
// the shape Cognito's API accepts for RefreshToken (pattern
// [A-Za-z0-9-_=.]+, see the GetTokensFromRefreshToken API reference), so a
// store holding something else fails here and not as a confusing Cognito
// error. The value never reaches the error.
func checkToken(raw, op, store string) (string, error) {
	tok := strings.TrimSpace(raw)
	if tok == "" {
		return "", &Error{Reason: Empty, Op: op, Store: store}
	}
	for i := 0; i < len(tok); i++ {
		if !tokenByte(tok[i]) {
			return "", &Error{Reason: Malformed, Op: op, Store: store}
		}
	}
	return tok, nil
}

func tokenByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '=' || c == '.'
}
