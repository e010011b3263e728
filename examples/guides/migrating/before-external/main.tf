# Before: the external data source running the AWS CLI. Needs the AWS CLI and
# jq wherever Terraform runs, stores the result in the state, and (as with the
# http workaround) cannot use app clients that rotate refresh tokens.
terraform {
  required_providers {
    external = {
      source  = "hashicorp/external"
      version = "~> 2.3"
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

data "external" "cognito_tokens" {
  # The query arrives as JSON on stdin; the program must print a JSON object
  # of strings.
  program = ["sh", "-c", <<-EOT
    set -e
    eval "$(jq -r '@sh "REGION=\(.region) CLIENT_ID=\(.client_id) REFRESH_TOKEN=\(.refresh_token)"')"
    aws cognito-idp initiate-auth --region "$REGION" --client-id "$CLIENT_ID" \
      --auth-flow REFRESH_TOKEN_AUTH --auth-parameters "REFRESH_TOKEN=$REFRESH_TOKEN" \
      --query '{access_token: AuthenticationResult.AccessToken}' --output json
  EOT
  ]

  query = {
    region        = var.region
    client_id     = var.cognito_client_id
    refresh_token = var.cognito_refresh_token
  }
}

provider "restapi" {
  uri = var.api_url

  headers = {
    Authorization = "Bearer ${data.external.cognito_tokens.result.access_token}"
  }
}

resource "restapi_object" "team" {
  path = "/teams"
  data = jsonencode({
    id   = "platform"
    name = "Platform team"
  })
}
