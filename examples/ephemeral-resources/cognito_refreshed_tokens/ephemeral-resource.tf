terraform {
  # Ephemeral resources: Terraform >= 1.10 or OpenTofu >= 1.11.
  required_version = ">= 1.10"

  required_providers {
    cognito = {
      source = "cognito-tokens/cognito"
    }
  }
}

provider "cognito" {
  region = "eu-west-1"
}

variable "cognito_client_id" {
  type        = string
  description = "ID of the user pool app client that issued the refresh token."
}

variable "cognito_refresh_token" {
  type        = string
  description = "Long-lived refresh token, e.g. from TF_VAR_cognito_refresh_token."
  sensitive   = true
  # Not written to the plan either.
  ephemeral = true
}

# Opened at plan and again at apply; the tokens never reach the plan or state.
ephemeral "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  refresh_token = var.cognito_refresh_token
}

# Ephemeral values can be used in provider blocks, other ephemeral resources,
# write-only arguments and locals, for example:
#
#   provider "restapi" {
#     uri     = "https://api.example.com"
#     headers = local.api_headers
#   }
locals {
  api_headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}
