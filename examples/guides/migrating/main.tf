# After the migration: the ephemeral resource feeds the provider block, and no
# token (nor the refresh token) is written to the plan or the state.
# versions.tf and versions.tofu stop CLIs without ephemeral resources with a
# version error.
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

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "cognito_client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "cognito_client_secret" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}

variable "cognito_refresh_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "api_url" {
  type = string
}

provider "cognito" {
  region = var.region
}

ephemeral "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  client_secret = var.cognito_client_secret
  refresh_token = var.cognito_refresh_token
}

provider "restapi" {
  uri = var.api_url

  headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}

resource "restapi_object" "team" {
  path = "/teams"
  data = jsonencode({
    id   = "platform"
    name = "Platform team"
  })
}
