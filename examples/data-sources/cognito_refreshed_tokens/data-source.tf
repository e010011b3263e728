# For CLIs without ephemeral resources (Terraform < 1.10, OpenTofu < 1.11).
# The tokens AND the refresh token are stored in the state (marked
# sensitive): protect the state, and prefer the ephemeral resource. Data
# source arguments cannot take ephemeral values, so these variables are
# ordinary ones and a saved plan (plan -out) holds their values too.
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

provider "cognito" {
  region = "eu-west-1"
}

variable "cognito_client_id" {
  type = string
}

variable "cognito_refresh_token" {
  type      = string
  sensitive = true
}

data "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  refresh_token = var.cognito_refresh_token
}

# Pass the token to a provider block, for example:
#
#   provider "restapi" {
#     uri     = "https://api.example.com"
#     headers = local.api_headers
#   }
locals {
  api_headers = {
    Authorization = "Bearer ${data.cognito_refreshed_tokens.api.access_token}"
  }
}
