// Command cognito-double runs the cognitotest Cognito double as a process:
// it seeds one app client and one user, a service user who signs in with a
// password, a resource server and an app client
// for the client-credentials grant, writes the connection details to a
// JSON file and serves until SIGINT/SIGTERM. The same server answers
// Secrets Manager requests.
//
// For a person trying the provider locally (scripts/local-cognito.sh):
// -env writes the environment to source, -refresh-token-file the seeded
// user's first refresh token, and the subcommands create-secret and
// put-secret-value do what `aws secretsmanager ...` does with the same
// flags, for machines without the AWS CLI.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

type seed struct {
	Endpoint     string          `json:"endpoint"`
	Region       string          `json:"region"`
	PoolID       string          `json:"pool_id"`
	ClientID     string          `json:"client_id"`
	ClientSecret string          `json:"client_secret"`
	RefreshToken string          `json:"refresh_token"`
	DeviceKey    string          `json:"device_key,omitempty"` // confirmed, with -remember-devices
	Username     string          `json:"username"`
	JWKS         json.RawMessage `json:"jwks"`
	// The token endpoint and an app client for the client-credentials
	// grant, allowed the scopes platform/deploy and platform/read.
	TokenURL        string `json:"token_url"`
	M2MClientID     string `json:"m2m_client_id"`
	M2MClientSecret string `json:"m2m_client_secret"`
	// An app client for GetClientToken (ALLOW_CLIENT_TOKEN_AUTH its only
	// auth flow), allowed the same scopes.
	M2MAPIClientID     string `json:"m2m_api_client_id"`
	M2MAPIClientSecret string `json:"m2m_api_client_secret"`
	// A service user who signs in with a password (cognito_sign_in), on
	// the same app client as the refresh token's user.
	ServiceUsername string `json:"service_username"`
	ServicePassword string `json:"service_password"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	region := flag.String("region", "us-east-1", "AWS region of the pool")
	secret := flag.Bool("secret", false, "give the app client a secret")
	rotation := flag.Bool("rotation", false, "enable refresh-token rotation")
	grace := flag.Duration("grace", 0, "rotation grace period (0-60s)")
	devices := flag.Bool("remember-devices", false, "the pool remembers devices: the refresh needs the seeded, confirmed device_key")
	username := flag.String("username", "demo-user", "seeded user's name")
	email := flag.String("email", "demo-user@example.com", "seeded user's email")
	var service serviceUser
	flag.StringVar(&service.username, "service-user", "terraform-bot", "a service user who signs in with a password (USER_SRP_AUTH or USER_PASSWORD_AUTH on the app client)")
	flag.StringVar(&service.password, "service-password", "", "its password (random when empty)")
	out := flag.String("out", "", "write connection details (JSON, mode 0600) here")
	envFile := flag.String("env", "", "write the environment to export (shell, mode 0600) here: endpoints, region, dummy AWS credentials, client IDs")
	tokenFile := flag.String("refresh-token-file", "", "write the seeded user's first refresh token (mode 0600) here")
	var th throttling
	flag.Float64Var(&th.perSecond, "throttle-rate", 0, "answer TooManyRequestsException beyond this many requests per second (token bucket; 0 = no limit)")
	flag.IntVar(&th.burst, "throttle-burst", 0, "requests allowed at once under -throttle-rate (0 = one second's worth)")
	flag.IntVar(&th.first, "throttle-first", 0, "answer TooManyRequestsException to the first N requests")
	if len(os.Args) > 1 && secretCommands[os.Args[1]] != nil {
		if err := runSecretCommand(os.Args[1], os.Args[2:]); err != nil {
			log.Fatalf("cognito-double %s: %v", os.Args[1], err)
		}
		return
	}
	flag.Parse()
	files := outputs{json: *out, env: *envFile, refreshToken: *tokenFile}
	if err := run(*addr, *region, *secret, *rotation, *grace, *devices, *username, *email, service, files, th); err != nil {
		log.Fatalf("cognito-double: %v", err)
	}
}

// throttling models Cognito's request-rate quotas (see SetRateLimit).
type throttling struct {
	perSecond float64
	burst     int
	first     int
}

// serviceUser signs in with a password.
type serviceUser struct {
	username, password string
}

// outputs are the files the double writes once it listens ("" = none).
type outputs struct {
	json, env, refreshToken string
}

func run(addr, region string, secret, rotation bool, grace time.Duration, devices bool, username, email string, service serviceUser, files outputs, th throttling) error {
	out := files.json
	srv, err := cognitotest.NewServerAt(addr, cognitotest.PoolConfig{Region: region, RememberDevices: devices})
	if err != nil {
		return err
	}
	defer srv.Close()
	srv.SetRateLimit(th.perSecond, th.burst)
	if th.first > 0 {
		srv.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrTooManyRequests, Times: th.first})
	}
	// The refresh flow, and both password flows for the service user.
	c := srv.AddClient(cognitotest.AppClient{GenerateSecret: secret, Rotation: rotation, GracePeriod: grace, ExplicitAuthFlows: []string{
		cognitotest.AllowRefreshTokenAuth, cognitotest.AllowUserSRPAuth, cognitotest.AllowUserPasswordAuth,
	}})
	srv.AddUser(cognitotest.User{Username: username, Email: email})
	if service.password == "" {
		service.password = localPassword()
	}
	srv.AddUser(cognitotest.User{Username: service.username, Email: service.username + "@example.com", Password: service.password})
	srv.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
	m2m := srv.AddClientCredentialsClient(cognitotest.ClientCredentialsClient{Scopes: []string{"platform/deploy", "platform/read"}})
	m2mAPI := srv.AddClientCredentialsClient(cognitotest.ClientCredentialsClient{
		ExplicitAuthFlows: []string{cognitotest.AllowClientTokenAuth}, Scopes: []string{"platform/deploy", "platform/read"},
	})
	endpoint := srv.URL
	// Like an app after sign-in: the device Cognito issued is confirmed, so
	// the seeded key works (an unconfirmed one is refused).
	refreshToken, deviceKey := srv.IssueRefreshTokenWithDevice(c.ID, username)
	srv.ConfirmDevice(deviceKey)

	s := seed{
		Endpoint: endpoint, Region: srv.Region(), PoolID: srv.PoolID(), ClientID: c.ID,
		ClientSecret: c.Secret, RefreshToken: refreshToken, DeviceKey: deviceKey,
		Username: username, JWKS: srv.JWKS(),
		ServiceUsername: service.username, ServicePassword: service.password,
		TokenURL: srv.TokenURL(), M2MClientID: m2m.ID, M2MClientSecret: m2m.Secret,
		M2MAPIClientID: m2mAPI.ID, M2MAPIClientSecret: m2mAPI.Secret,
	}
	if out != "" {
		b, _ := json.MarshalIndent(s, "", "  ")
		if err := os.WriteFile(out, b, 0o600); err != nil {
			return err
		}
		_ = os.Chmod(out, 0o600) // WriteFile keeps the mode of an existing file
	}
	if files.refreshToken != "" {
		if err := writePrivate(files.refreshToken, []byte(refreshToken+"\n")); err != nil {
			return err
		}
	}
	// The env file comes last: a script waiting for it finds the others.
	if files.env != "" {
		if err := writePrivate(files.env, []byte(envScript(s))); err != nil {
			return err
		}
	}
	fmt.Println(endpoint)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	if statsSignal != nil {
		signal.Notify(sig, statsSignal)
	}
	for got := range sig {
		if got != statsSignal {
			return nil
		}
		if out != "" {
			if err := writeStats(srv, rotation, endpoint, out+".stats"); err != nil {
				log.Printf("cognito-double: stats: %v", err)
			}
		}
	}
	return nil
}

// stats are the double's counts, written to <out>.stats on statsSignal.
type stats struct {
	// Refreshes counts GetTokensFromRefreshToken calls answered with
	// tokens; with -rotation each one rotated the refresh token.
	Refreshes int `json:"refreshes"`
	Rotations int `json:"rotations"`
	// SignIns counts InitiateAuth and AdminInitiateAuth calls answered (a
	// challenge or tokens), Revocations RevokeToken calls that succeeded.
	SignIns     int `json:"sign_ins"`
	Revocations int `json:"revocations"`
	// Each revoked refresh token presented again to
	// GetTokensFromRefreshToken, as a client would: how many were refused,
	// and the first refusal ("<error type>: <message>").
	RevokedRefused int    `json:"revoked_refused"`
	Refusal        string `json:"refusal,omitempty"`
}

const getTokensTarget = "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken"

// writeStats replaces path atomically, so a reader never sees half a file.
func writeStats(srv *cognitotest.Server, rotation bool, endpoint, path string) error {
	var st stats
	var revoked []revokeInput
	for _, r := range srv.Requests() {
		switch {
		case r.Status != 200:
		case r.Target == getTokensTarget:
			st.Refreshes++
		case r.Target == cognitotest.TargetInitiateAuth || r.Target == cognitotest.TargetAdminInitiateAuth:
			st.SignIns++
		case r.Target == cognitotest.TargetRevokeToken:
			st.Revocations++
			var in revokeInput
			if json.Unmarshal(r.Body, &in) == nil {
				revoked = append(revoked, in)
			}
		}
	}
	if rotation {
		st.Rotations = st.Refreshes
	}
	st.RevokedRefused, st.Refusal = presentAgain(endpoint, revoked)
	b, _ := json.Marshal(st)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
