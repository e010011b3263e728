# Step 3: check the refresh token before anything depends on it. `plan`
# refreshes it once (Terraform and OpenTofu open an ephemeral resource
# during plan even when nothing uses it) and creates nothing.
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
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

provider "cognito" {
  region = var.cognito_region
}

ephemeral "cognito_refreshed_tokens" "check" {
  client_id     = var.cognito_client_id
  client_secret = var.cognito_client_secret
  refresh_token = var.cognito_refresh_token
}
