# Two user pools in different regions: each instance can set its own region,
# overriding the provider's.
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

variable "cognito_refresh_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "us_client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "us_refresh_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "cognito" {
  region = "eu-west-1"
}

ephemeral "cognito_refreshed_tokens" "europe" {
  client_id     = var.cognito_client_id
  refresh_token = var.cognito_refresh_token
}

ephemeral "cognito_refreshed_tokens" "america" {
  region        = "us-east-1"
  client_id     = var.us_client_id
  refresh_token = var.us_refresh_token
}

locals {
  authorization = {
    europe  = "Bearer ${ephemeral.cognito_refreshed_tokens.europe.access_token}"
    america = "Bearer ${ephemeral.cognito_refreshed_tokens.america.access_token}"
  }
}
