# The machine's own token from the local Cognito double (scripts/local-cognito.sh):
# token_url stands in for the user pool's domain, and GetClientToken reaches
# the double through AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER. Ephemeral
# resources: Terraform >= 1.10 or OpenTofu >= 1.11.
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

variable "token_url" {
  type        = string
  description = "The double's token endpoint, from TF_VAR_token_url."
}

variable "m2m_client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "m2m_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "api_client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "api_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "cognito" {
  region = "eu-west-1"
}

# The token endpoint (the client_credentials grant).
ephemeral "cognito_client_credentials_token" "via_token_url" {
  token_url     = var.token_url
  client_id     = var.m2m_client_id
  client_secret = var.m2m_client_secret
  scopes        = ["platform/deploy"]
}

# GetClientToken: neither domain nor token_url.
ephemeral "cognito_client_credentials_token" "via_api" {
  client_id     = var.api_client_id
  client_secret = var.api_client_secret
  scopes        = ["platform/deploy"]
}
