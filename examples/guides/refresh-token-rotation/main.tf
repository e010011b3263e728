# Refresh-token rotation: read the current refresh token from AWS Secrets
# Manager, exchange it, and store the rotated one back through a write-only
# argument. No token is ever written to the plan or the state.
#
# Run it as one step, `terraform apply -auto-approve` (no separate or saved
# plan), and give the app client a refresh-token grace period of 60 seconds.
terraform {
  # Write-only arguments need Terraform or OpenTofu >= 1.11: see versions.tf
  # and versions.tofu beside this file.
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # secret_string_wo arrived in 5.88.0; any later version works.
      version = ">= 5.88"
    }
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

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "cognito_client_id" {
  type        = string
  description = "App client with refresh-token rotation enabled."
  sensitive   = true
  ephemeral   = true
}

variable "refresh_token_secret_id" {
  type        = string
  description = "Name or ARN of the secret whose current version is the refresh token (seed it once after signing in)."
}

variable "api_url" {
  type = string
}

# The AWS provider needs credentials, for Secrets Manager only.
provider "aws" {
  region = var.region
}

# The cognito provider needs none.
provider "cognito" {
  region = var.region
}

# 1. The refresh token the previous run stored (the AWSCURRENT version).
ephemeral "aws_secretsmanager_secret_version" "refresh_token" {
  secret_id = var.refresh_token_secret_id
}

# 2. Fresh tokens. With rotation Cognito also returns new_refresh_token, and
#    the token presented here stops working once the grace period is over.
ephemeral "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  refresh_token = ephemeral.aws_secretsmanager_secret_version.refresh_token.secret_string
}

# 3. Store the token of this apply as the secret's new current version.
#    secret_string_wo is write-only: the AWS provider sends it but never
#    saves it in the plan or the state, and sends it only when the resource
#    is created. secret_string_wo_version forces a replacement when it
#    changes, so a new value every run (plantimestamp(): known at plan, the
#    same at apply) makes every run create a new secret version.
resource "aws_secretsmanager_secret_version" "refresh_token" {
  secret_id = var.refresh_token_secret_id
  secret_string_wo = coalesce(
    ephemeral.cognito_refreshed_tokens.api.new_refresh_token,
    # Rotation off: keep the current token.
    ephemeral.aws_secretsmanager_secret_version.refresh_token.secret_string,
  )
  secret_string_wo_version = parseint(formatdate("YYYYMMDDhhmmss", plantimestamp()), 10)
}

# 4. Use the access token.
provider "restapi" {
  uri = var.api_url

  headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}

resource "restapi_object" "team" {
  path = "/teams"
  data = jsonencode({
    id   = "platform"
    name = "Platform team"
  })
}
