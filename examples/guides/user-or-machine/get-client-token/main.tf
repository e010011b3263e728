# One machine token, two paths: the user pool's token endpoint (needs the
# domain) and Cognito's GetClientToken API operation (needs no domain, and
# reaches Cognito through a PrivateLink endpoint where the runner has one).
# Ephemeral resources: Terraform >= 1.10 or OpenTofu >= 1.11 (versions.tf and
# versions.tofu beside this file).
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

# One app client per path: client_credentials grant for the domain,
# ALLOW_CLIENT_TOKEN_AUTH (as its only auth flow) for GetClientToken.
variable "clients" {
  type = object({
    domain = object({ id = string, secret = string })
    api    = object({ id = string, secret = string })
  })
  description = "The two app clients' IDs and secrets, e.g. from TF_VAR_clients."
  sensitive   = true
  ephemeral   = true
}

# GetClientToken goes to the provider's region; no AWS credentials are used.
provider "cognito" {
  region = "eu-west-1"
}

# Token endpoint: the app client allows the OAuth client_credentials grant.
ephemeral "cognito_client_credentials_token" "via_domain" {
  domain        = "my-company.auth.eu-west-1.amazoncognito.com"
  client_id     = var.clients.domain.id
  client_secret = var.clients.domain.secret
  scopes        = ["platform/deploy"]
}

# GetClientToken: neither domain nor token_url. The app client's only auth
# flow is ALLOW_CLIENT_TOKEN_AUTH. client_metadata reaches the pool's pre
# token generation trigger (never put secrets in it).
ephemeral "cognito_client_credentials_token" "via_api" {
  client_id       = var.clients.api.id
  client_secret   = var.clients.api.secret
  scopes          = ["platform/deploy"]
  client_metadata = { pipeline = "release" }
}
