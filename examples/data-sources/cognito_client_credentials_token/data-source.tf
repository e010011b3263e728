# For CLIs without ephemeral resources (Terraform < 1.10, OpenTofu < 1.11).
# The token, client_id and client_secret are stored in the state.
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

variable "deployer_client_id" {
  type        = string
  description = "App client with a secret and the client_credentials grant."
  sensitive   = true
}

variable "deployer_client_secret" {
  type        = string
  description = "Its client secret, e.g. from TF_VAR_deployer_client_secret."
  sensitive   = true
}

provider "cognito" {}

# Read at every plan and refresh: one billed token request each time.
data "cognito_client_credentials_token" "deployer" {
  domain        = "my-company.auth.eu-west-1.amazoncognito.com"
  client_id     = var.deployer_client_id
  client_secret = var.deployer_client_secret
  scopes        = ["platform/deploy"]
}

provider "restapi" {
  uri                  = "https://platform.example.com/api"
  write_returns_object = true
  headers = {
    Authorization = "Bearer ${data.cognito_client_credentials_token.deployer.access_token}"
  }
}

resource "restapi_object" "release" {
  path = "/releases"
  data = jsonencode({ id = "web-42", image = "web:42" })
}
