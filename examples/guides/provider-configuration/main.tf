# Configure another provider with a fresh Cognito access token on every run.
# Requires Terraform >= 1.10 or OpenTofu >= 1.11 (versions.tf, versions.tofu).
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
    restapi = {
      source  = "Mastercard/restapi"
      version = "~> 2.0"
    }
  }
}

variable "cognito_region" {
  type        = string
  description = "Region of the Cognito user pool."
  default     = "eu-west-1"
}

variable "cognito_client_id" {
  type        = string
  description = "App client ID the refresh token was issued to."
  sensitive   = true
  ephemeral   = true
}

variable "cognito_refresh_token" {
  type        = string
  description = "Refresh token of the API user (set TF_VAR_cognito_refresh_token)."
  sensitive   = true
  ephemeral   = true
}

variable "api_url" {
  type        = string
  description = "Base URL of the API that accepts the user pool's access tokens."
}

# No AWS credentials involved: only the region.
provider "cognito" {
  region = var.cognito_region
}

# A fresh access token for each phase that needs one (Terraform: plan and
# apply; OpenTofu: plan, and apply when the apply uses it). It is never
# written to the plan or the state.
ephemeral "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  refresh_token = var.cognito_refresh_token
}

# Provider arguments accept ephemeral values.
provider "restapi" {
  uri                  = var.api_url
  write_returns_object = true

  headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}

# Everything the restapi provider does in this run is authorized by the token.
resource "restapi_object" "team" {
  path = "/teams"
  data = jsonencode({
    id   = "platform"
    name = "Platform team"
  })
}
