package awsenv

import (
	"errors"
	"strings"
)

// IsCredentialsError recognizes the SDK's failure to find credentials for
// a signed request (the Secrets Manager store, AdminInitiateAuth): every
// service client's auth middleware wraps an identity failure as "get
// identity: ..." (auth.go, getIdentityMiddleware), and the cache as
// "failed to refresh cached credentials" (aws/credential_cache.go).
func IsCredentialsError(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		msg := e.Error()
		if strings.HasPrefix(msg, "get identity: ") || strings.HasPrefix(msg, "failed to refresh cached credentials") {
			return true
		}
	}
	return false
}
