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

variable "domain_client_id" {
  type        = string
  description = "App client with the client_credentials grant, e.g. from TF_VAR_domain_client_id."
  sensitive   = true
  ephemeral   = true
}

variable "domain_client_secret" {
  type        = string
  description = "Its client secret."
  sensitive   = true
  ephemeral   = true
}

variable "api_client_id" {
  type        = string
  description = "App client whose only auth flow is ALLOW_CLIENT_TOKEN_AUTH, e.g. from TF_VAR_api_client_id."
  sensitive   = true
  ephemeral   = true
}

variable "api_client_secret" {
  type        = string
  description = "Its client secret."
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
  client_id     = var.domain_client_id
  client_secret = var.domain_client_secret
  scopes        = ["platform/deploy"]
}

# GetClientToken: neither domain nor token_url. The app client's only auth
# flow is ALLOW_CLIENT_TOKEN_AUTH. client_metadata reaches the pool's pre
# token generation trigger (never put secrets in it).
ephemeral "cognito_client_credentials_token" "via_api" {
  client_id       = var.api_client_id
  client_secret   = var.api_client_secret
  scopes          = ["platform/deploy"]
  client_metadata = { pipeline = "release" }
}
