# Without a hand-made sign-in: Terraform signs the user in itself at every
# plan and apply (SRP: the password never leaves this machine) and revokes
# the refresh token when the run is done with it. `apply` signs in and
# creates nothing.
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

variable "cognito_user_pool_id" {
  type        = string
  description = "The user pool's ID, e.g. eu-west-1_AbCdEfGhI."
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

variable "cognito_username" {
  type        = string
  description = "The user Terraform acts as."
}

variable "cognito_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

# The sign-in goes to the user pool's region (the part of its ID before "_").
provider "cognito" {}

ephemeral "cognito_sign_in" "api" {
  user_pool_id  = var.cognito_user_pool_id
  client_id     = var.cognito_client_id
  client_secret = var.cognito_client_secret
  username      = var.cognito_username
  password      = var.cognito_password
}
