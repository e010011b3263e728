# A pipeline signs its service user in on every run: no refresh token to
# seed, store or renew. The secret inputs come from ephemeral variables, so
# neither the plan file nor the state holds them or any token; with SRP (the
# default auth_flow) the password never leaves this machine. When the run is
# done with the tokens, the refresh token is revoked (revoke_on_close).
# Set the inputs in the environment:
#
#   export TF_VAR_cognito_client_id=1example23456789
#   read -rs TF_VAR_cognito_password && export TF_VAR_cognito_password
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
  description = "App client allowed the USER_SRP_AUTH flow (ALLOW_USER_SRP_AUTH)."
  sensitive   = true
  ephemeral   = true
}

variable "cognito_password" {
  type        = string
  description = "The service user's password."
  sensitive   = true
  ephemeral   = true
}

# The sign-in goes to the user pool's region (the part of its ID before "_").
provider "cognito" {}

ephemeral "cognito_sign_in" "bot" {
  user_pool_id = "eu-west-1_AbCdEfGhI"
  client_id    = var.cognito_client_id
  username     = "terraform-bot"
  password     = var.cognito_password
}

provider "restapi" {
  uri                  = "https://api.example.com"
  write_returns_object = true
  headers = {
    Authorization = "Bearer ${ephemeral.cognito_sign_in.bot.access_token}"
  }
}

# Created and updated as the service user.
resource "restapi_object" "team" {
  path = "/teams"
  data = jsonencode({
    id   = "platform"
    name = "Platform team"
  })
}
