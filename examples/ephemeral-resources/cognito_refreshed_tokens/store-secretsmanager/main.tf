# Refresh-token rotation with an AWS Secrets Manager store, for pipelines
# and for runs on several machines: each open reads the secret's current
# version, exchanges it, and makes the rotated token the current version
# (compare-and-swap on AWSCURRENT) before the run goes on.
#
# Seed the secret once with the refresh token of a sign-in:
#   aws secretsmanager create-secret --name terraform/cognito-refresh-token \
#     --secret-string file://refresh-token.txt
# The provider reads and writes the secret with the AWS SDK's default
# credentials (environment, profile, SSO, web identity, instance role) and
# the provider's region; the Cognito call itself stays unauthenticated.
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
    # Name or ARN of the secret.
    secretsmanager_secret_id = "terraform/cognito-refresh-token"
  }
}

# Pass it on to another provider: provider "restapi" { headers = local.api_headers }
locals {
  api_headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}
