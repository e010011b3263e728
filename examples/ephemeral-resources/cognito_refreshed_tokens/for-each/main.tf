# One instance per user (or app client). The map of secrets is an ephemeral
# variable; for_each needs keys known at plan that are not ephemeral, so the
# keys come from a separate, ordinary variable. Each instance is one
# request to Cognito per open (see "When the resource is opened" below).
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

variable "teams" {
  type        = set(string)
  description = "Names of the teams whose sessions this run refreshes."
  default     = ["payments", "search"]
}

variable "cognito_sessions" {
  type = map(object({
    client_id     = string
    refresh_token = string
  }))
  description = "Per team: app client id and refresh token, e.g. TF_VAR_cognito_sessions='{payments={client_id=...,refresh_token=...}}'."
  sensitive   = true
  ephemeral   = true
}

provider "cognito" {
  region = "eu-west-1"
}

ephemeral "cognito_refreshed_tokens" "team" {
  for_each = var.teams

  client_id     = var.cognito_sessions[each.key].client_id
  refresh_token = var.cognito_sessions[each.key].refresh_token
}

locals {
  authorization = {
    for team in var.teams : team => "Bearer ${ephemeral.cognito_refreshed_tokens.team[team].access_token}"
  }
}
