package tokenstore

import (
	"errors"
	"strings"
)

// isCredentialsError recognizes the SDK's failure to find credentials: its
// auth middleware wraps every identity failure as "get identity: ..."
// (service/secretsmanager auth.go, getIdentityMiddleware), and the cache
// as "failed to refresh cached credentials" (aws/credential_cache.go).
func isCredentialsError(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		msg := e.Error()
		if strings.HasPrefix(msg, "get identity: ") || strings.HasPrefix(msg, "failed to refresh cached credentials") {
			return true
		}
	}
	return false
}
