# An app client with a secret: pass it as client_secret (no SECRET_HASH to
# compute). Like the refresh token and the client id, it comes from an
# ephemeral variable so that a saved plan does not hold it.
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

variable "cognito_client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "cognito_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "cognito_refresh_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "cognito" {
  region = "eu-west-1"
}

ephemeral "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  client_secret = var.cognito_client_secret
  refresh_token = var.cognito_refresh_token
}

# Pass it on as in the first example: provider "restapi" { headers = local.api_headers }
locals {
  api_headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}
