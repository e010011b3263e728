// Command terraform-provider-platform serves the DEMO-ONLY platform provider
// (see package platform) for `make demo`. It is not released.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cognito-tokens/terraform-provider-cognito/dev/demo/platform"
)

func main() {
	err := providerserver.Serve(context.Background(), platform.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/cognito-tokens/platform",
	})
	if err != nil {
		log.Fatal(err)
	}
}
