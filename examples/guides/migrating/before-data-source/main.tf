# Before: the data source. Works with any CLI, but the state holds the access
# and ID tokens AND the refresh token (marked sensitive, yet readable by anyone
# who can read the state).
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
  type = string
}

variable "cognito_client_secret" {
  type      = string
  default   = null
  sensitive = true
}

variable "cognito_refresh_token" {
  type      = string
  sensitive = true
}

variable "api_url" {
  type = string
}

provider "cognito" {
  region = var.region
}

data "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  client_secret = var.cognito_client_secret
  refresh_token = var.cognito_refresh_token
}

provider "restapi" {
  uri = var.api_url

  headers = {
    Authorization = "Bearer ${data.cognito_refreshed_tokens.api.access_token}"
  }
}

resource "restapi_object" "team" {
  path = "/teams"
  data = jsonencode({
    id   = "platform"
    name = "Platform team"
  })
}
