# A user pool that remembers devices: Cognito accepts the refresh token only
# together with the key of the device it was issued to, once that device is
# confirmed. Without a confirmed key it answers "Invalid Refresh Token".
# device_key is not secret, but it identifies the user's device: keep it out
# of version control like the other inputs.
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

variable "cognito_device_key" {
  type        = string
  description = "DeviceKey of the confirmed device, <region>_<uuid>."
}

provider "cognito" {
  region = "eu-west-1"
}

ephemeral "cognito_refreshed_tokens" "api" {
  client_id     = var.cognito_client_id
  refresh_token = var.cognito_refresh_token
  device_key    = var.cognito_device_key
}

locals {
  api_headers = {
    Authorization = "Bearer ${ephemeral.cognito_refreshed_tokens.api.access_token}"
  }
}
