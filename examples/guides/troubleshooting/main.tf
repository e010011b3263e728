# A stand-alone configuration that refreshes tokens and does nothing else.
# `terraform plan` (or `tofu plan`) here calls Cognito once and prints the
# provider's diagnostics; it creates nothing and needs no state.
#
#   terraform init
#   export TF_VAR_region=eu-west-1 TF_VAR_client_id=... TF_VAR_refresh_token=...
#   TF_LOG_PROVIDER=DEBUG terraform plan
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

variable "region" {
  type        = string
  description = "Region of the user pool (e.g. the part before `_` in its ID)."
}

variable "endpoint" {
  type        = string
  description = "Endpoint override; null for AWS's regional endpoint."
  default     = null
}

variable "client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "client_secret" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}

variable "device_key" {
  type    = string
  default = null
}

variable "refresh_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "cognito" {
  region   = var.region
  endpoint = var.endpoint

  # Fail fast while debugging: one attempt, short bound. (Setting
  # max_retries also makes the provider ignore AWS_MAX_ATTEMPTS; the
  # defaults are 25 retries and 10m.)
  max_retries = 0
  timeout     = "10s"
}

# Terraform and OpenTofu both open an ephemeral resource during plan, even
# when nothing uses it (TestAccEphemeralOpensPerPhase).
ephemeral "cognito_refreshed_tokens" "debug" {
  client_id     = var.client_id
  client_secret = var.client_secret
  device_key    = var.device_key
  refresh_token = var.refresh_token
}
