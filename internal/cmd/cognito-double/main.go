// Command cognito-double runs the cognitotest Cognito double as a process:
// it seeds one app client and one user, a resource server and an app client
// for the client-credentials grant, writes the connection details to a
// JSON file and serves until SIGINT/SIGTERM.
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
	Username     string          `json:"username"`
	JWKS         json.RawMessage `json:"jwks"`
	// The token endpoint and an app client for the client-credentials
	// grant, allowed the scopes platform/deploy and platform/read.
	TokenURL        string `json:"token_url"`
	M2MClientID     string `json:"m2m_client_id"`
	M2MClientSecret string `json:"m2m_client_secret"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	region := flag.String("region", "us-east-1", "AWS region of the pool")
	secret := flag.Bool("secret", false, "give the app client a secret")
	rotation := flag.Bool("rotation", false, "enable refresh-token rotation")
	grace := flag.Duration("grace", 0, "rotation grace period (0-60s)")
	devices := flag.Bool("device-tracking", false, "enable device remembering")
	username := flag.String("username", "demo-user", "seeded user's name")
	email := flag.String("email", "demo-user@example.com", "seeded user's email")
	out := flag.String("out", "", "write connection details (JSON, mode 0600) here")
	flag.Parse()
	if err := run(*addr, *region, *secret, *rotation, *grace, *devices, *username, *email, *out); err != nil {
		log.Fatalf("cognito-double: %v", err)
	}
}

func run(addr, region string, secret, rotation bool, grace time.Duration, devices bool, username, email, out string) error {
	srv, err := cognitotest.NewServerAt(addr, cognitotest.PoolConfig{Region: region})
	if err != nil {
		return err
	}
	defer srv.Close()
	c := srv.AddClient(cognitotest.AppClient{GenerateSecret: secret, Rotation: rotation, GracePeriod: grace, DeviceTracking: devices})
	srv.AddUser(cognitotest.User{Username: username, Email: email})
	srv.AddResourceServer(cognitotest.ResourceServer{Identifier: "platform", Scopes: []string{"deploy", "read"}})
	m2m := srv.AddM2MClient(cognitotest.M2MClient{Scopes: []string{"platform/deploy", "platform/read"}})
	endpoint := srv.URL

	s := seed{
		Endpoint: endpoint, Region: srv.Region(), PoolID: srv.PoolID(), ClientID: c.ID,
		ClientSecret: c.Secret, RefreshToken: srv.IssueRefreshToken(c.ID, username),
		Username: username, JWKS: srv.JWKS(),
		TokenURL: srv.TokenURL(), M2MClientID: m2m.ID, M2MClientSecret: m2m.Secret,
	}
	if out != "" {
		b, _ := json.MarshalIndent(s, "", "  ")
		if err := os.WriteFile(out, b, 0o600); err != nil {
			return err
		}
		_ = os.Chmod(out, 0o600) // WriteFile keeps the mode of an existing file
	}
	fmt.Println(endpoint)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	return nil
}
