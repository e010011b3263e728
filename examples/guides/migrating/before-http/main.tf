# Before: calling Cognito by hand with the http data source. The response body
# (with every token) is stored in the state, a client secret needs a
# SECRET_HASH computed by hand, and app clients with refresh-token rotation
# refuse REFRESH_TOKEN_AUTH.
terraform {
  required_providers {
    http = {
      source  = "hashicorp/http"
      version = "~> 3.4" # method, request_body and status_code
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
  type = string
}

variable "cognito_refresh_token" {
  type      = string
  sensitive = true
}

variable "api_url" {
  type = string
}

data "http" "cognito_tokens" {
  url    = "https://cognito-idp.${var.region}.amazonaws.com/"
  method = "POST"

  request_headers = {
    Content-Type = "application/x-amz-json-1.1"
    X-Amz-Target = "AWSCognitoIdentityProviderService.InitiateAuth"
  }

  request_body = jsonencode({
    AuthFlow = "REFRESH_TOKEN_AUTH"
    ClientId = var.cognito_client_id
    AuthParameters = {
      REFRESH_TOKEN = var.cognito_refresh_token
    }
  })

  lifecycle {
    postcondition {
      condition     = self.status_code == 200
      error_message = "Cognito refused the refresh token."
    }
  }
}

locals {
  access_token = jsondecode(data.http.cognito_tokens.response_body).AuthenticationResult.AccessToken
}

provider "restapi" {
  uri = var.api_url

  headers = {
    Authorization = "Bearer ${local.access_token}"
  }
}

resource "restapi_object" "team" {
  path = "/teams"
  data = jsonencode({
    id   = "platform"
    name = "Platform team"
  })
}
