package awsenv

import (
	"context"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Service IDs as the SDK names them (each service package's ServiceID).
const (
	CognitoIdentityProvider = "Cognito Identity Provider"
	SecretsManager          = "Secrets Manager"
)

// Endpoint is an endpoint override the environment or the shared profile
// sets for a service.
type Endpoint struct {
	// URL is the endpoint as configured; it may hold userinfo or a query:
	// show it only through redact.URL.
	URL string
	// Variable is the environment variable that set it
	// (AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL); "" when the
	// profile did (endpoint_url, or the profile's services section).
	Variable string
}

// ServiceEndpoint is the endpoint the SDK's client for serviceID would use
// instead of AWS's, and where it was set; the zero Endpoint when none is.
// It follows the service clients' resolveBaseEndpoint (for example
// service/cognitoidentityprovider endpoints.go) without building a client:
// the global setting (AWS_ENDPOINT_URL, else the profile's endpoint_url),
// replaced by the service's own unless AWS_ENDPOINT_URL is set and
// AWS_ENDPOINT_URL_<SERVICE> is not; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
// (or the profile's ignore_configured_endpoint_urls) turns both off.
func (e *Env) ServiceEndpoint(serviceID string) Endpoint {
	var found Endpoint
	if global := aws.ToString(e.config.BaseEndpoint); global != "" {
		found = Endpoint{URL: global}
		if env, ok := envConfig(e.config.ConfigSources); ok && env.BaseEndpoint == global {
			found.Variable = "AWS_ENDPOINT_URL"
		}
	}
	variable := "AWS_ENDPOINT_URL_" + envName(serviceID)
	_, global := os.LookupEnv("AWS_ENDPOINT_URL")
	_, own := os.LookupEnv(variable)
	if global && !own {
		return found
	}
	if ignore, ok, _ := config.GetIgnoreConfiguredEndpoints(context.Background(), e.config.ConfigSources); ok && ignore {
		return found
	}
	for _, source := range e.config.ConfigSources {
		switch s := source.(type) {
		case config.EnvConfig:
			if value, ok, _ := s.GetServiceBaseEndpoint(context.Background(), serviceID); ok {
				return Endpoint{URL: value, Variable: variable}
			}
		case config.SharedConfig:
			if value, ok, _ := s.GetServiceBaseEndpoint(context.Background(), serviceID); ok {
				return Endpoint{URL: value}
			}
		}
	}
	return found
}

func envConfig(sources []any) (config.EnvConfig, bool) {
	for _, source := range sources {
		if env, ok := source.(config.EnvConfig); ok {
			return env, true
		}
	}
	return config.EnvConfig{}, false
}

// Plaintext reports whether a request to rawURL would cross a network
// unencrypted: an http:// URL (any case) whose host is not loopback. It is
// the one rule for every URL that carries a secret. No name is resolved.
func Plaintext(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	return !LoopbackHost(u.Hostname())
}

// LoopbackHost reports whether host is this machine without resolving a
// name: `localhost` and names under `.localhost` (RFC 6761 §6.3 reserves
// them for loopback), and loopback addresses (127.0.0.0/8, ::1).
func LoopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || (strings.HasSuffix(host, ".localhost") && len(host) > len(".localhost")) {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
