# Refresh-token rotation with a file store: the provider reads the refresh
# token from the file, exchanges it, and writes the rotated one back (under
# an exclusive lock, atomically, mode 0600) before the run goes on.
# A symlink is followed and its target replaced. Plans,
# saved plans, destroy and failed applies keep the chain alive.
#
# Seed the file once with the refresh token of a sign-in:
#   (umask 077; cp refresh-token.txt .cognito-refresh-token)
# Keep it out of version control, and give every run that shares it the
# same file (one machine, or a shared volume or CI cache).
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

variable "cognito_client_id" {
  type        = string
  description = "App client with refresh-token rotation enabled."
  sensitive   = true
  ephemeral   = true
}

provider "cognito" {
  region = "eu-west-1"
}

ephemeral "cognito_refreshed_tokens" "api" {
  client_id = var.cognito_client_id
  refresh_token_store = {
    file = "${path.root}/.cognito-refresh-token"
  }
  # Reuse the stored token set while it lasts 10 more minutes: plan and
  # apply then share one rotation.
  min_remaining_validity = "10m"
}

# Pass it on to another provider: provider "restapi" { headers = local.api_headers }
locals {
  api_headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}
