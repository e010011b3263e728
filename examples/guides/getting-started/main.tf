# Step 4: a fresh access token from the user's session configures the
# restapi provider, which then manages an object of your API. No token and
# no secret input is written to the plan or the state.
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
  description = "Region of the user pool: the part of its ID before \"_\"."
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
  type        = string
  description = "Base URL of the API that accepts the user pool's access tokens."
}

provider "cognito" {
  region = var.cognito_region
}

ephemeral "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  client_secret = var.cognito_client_secret
  refresh_token = var.cognito_refresh_token
}

provider "restapi" {
  uri                  = var.api_url
  write_returns_object = true
  headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}

# apply CREATES this object in your API: POST <api_url>/teams with the body
# below (destroy deletes it). Change path and data to an object your API
# should have, or stop after `plan`, which sends nothing to your API.
resource "restapi_object" "team" {
  path = "/teams"
  data = jsonencode({
    id   = "platform"
    name = "Platform team"
  })
}
