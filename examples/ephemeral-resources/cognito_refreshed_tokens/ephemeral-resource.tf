# A fresh access token configures the restapi provider on every run. The
# three secret inputs come from ephemeral variables, so neither the plan
# file nor the state holds them or any token. Set them in the environment:
#
#   export TF_VAR_cognito_client_id=1example23456789
#   read -rs TF_VAR_cognito_refresh_token && export TF_VAR_cognito_refresh_token
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

variable "cognito_client_id" {
  type        = string
  description = "App client that issued the refresh token."
  sensitive   = true
  ephemeral   = true
}

variable "cognito_refresh_token" {
  type        = string
  description = "Refresh token from the user's sign-in."
  sensitive   = true
  ephemeral   = true
}

provider "cognito" {
  region = "eu-west-1" # the part of the user pool ID before "_"
}

ephemeral "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  refresh_token = var.cognito_refresh_token
}

provider "restapi" {
  uri                  = "https://api.example.com"
  write_returns_object = true
  headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}

# Created and updated with the caller's access token.
resource "restapi_object" "team" {
  path = "/teams"
  data = jsonencode({
    id   = "platform"
    name = "Platform team"
  })
}
