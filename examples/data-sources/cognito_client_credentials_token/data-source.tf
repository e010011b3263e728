terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito", version = "~> 0.1" }
    restapi = { source = "Mastercard/restapi", version = "~> 2.0" }
  }
}

variable "deployer_client_id" { sensitive = true }
variable "deployer_client_secret" { sensitive = true }

data "cognito_client_credentials_token" "deployer" {
  domain        = "my-company.auth.eu-west-1.amazoncognito.com"
  client_id     = var.deployer_client_id
  client_secret = var.deployer_client_secret
  scopes        = ["platform/deploy"]
}

provider "restapi" {
  uri     = "https://platform.example.com/api"
  headers = { Authorization = "Bearer ${data.cognito_client_credentials_token.deployer.access_token}" }
}
