# Both ways a run gets a Cognito access token, side by side. Each token would
# configure another provider (see the provider-configuration guide); here
# preconditions only check what they carry.
# versions.tf and versions.tofu beside this file require Terraform >= 1.10
# or OpenTofu >= 1.11.
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

# A user's session: the app client that issued the user's refresh token.
variable "user_client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "user_refresh_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

# The machine's own identity: an app client with a secret and the
# client_credentials grant.
variable "machine_client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "machine_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "cognito" {
  region = var.region # used by cognito_refreshed_tokens only
}

# Acts as the user: the token carries the user's username and groups. Its
# scope is aws.cognito.signin.user.admin after sign-in through the user pools
# API; custom scopes only after managed login or from a pre token generation
# trigger. So an API authorizes the user by group (cognito:groups), and the
# machine by scope.
ephemeral "cognito_refreshed_tokens" "user" {
  client_id     = var.user_client_id
  refresh_token = var.user_refresh_token
}

# Acts as the pipeline itself: no user, sub is the app client.
ephemeral "cognito_client_credentials_token" "machine" {
  domain        = "my-company.auth.${var.region}.amazoncognito.com"
  client_id     = var.machine_client_id
  client_secret = var.machine_client_secret
  scopes        = ["platform/deploy"]
}

resource "terraform_data" "checked" {
  input = "tokens checked"

  lifecycle {
    precondition {
      condition     = ephemeral.cognito_refreshed_tokens.user.token_type == "Bearer"
      error_message = "No user token."
    }
    precondition {
      condition     = contains(ephemeral.cognito_client_credentials_token.machine.granted_scopes, "platform/deploy")
      error_message = "The machine token lacks the scope platform/deploy."
    }
  }
}
