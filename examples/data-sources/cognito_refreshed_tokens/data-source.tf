terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito", version = "~> 0.1" }
    restapi = { source = "Mastercard/restapi", version = "~> 2.0" }
  }
}

variable "cognito_client_id" { type = string }
variable "cognito_refresh_token" { sensitive = true }

provider "cognito" {
  region = "eu-west-1"
}

data "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  refresh_token = var.cognito_refresh_token
}

provider "restapi" {
  uri     = "https://api.example.com"
  headers = { Authorization = "Bearer ${data.cognito_refreshed_tokens.api.access_token}" }
}
