terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito", version = "~> 0.1" }
    restapi = { source = "Mastercard/restapi", version = "~> 2.0" }
  }
}

variable "cognito_client_id" { type = string }
variable "cognito_password" { sensitive = true }

data "cognito_sign_in" "bot" {
  user_pool_id = "eu-west-1_AbCdEfGhI"
  client_id    = var.cognito_client_id
  username     = "terraform-bot"
  password     = var.cognito_password
}

provider "restapi" {
  uri     = "https://api.example.com"
  headers = { Authorization = "Bearer ${data.cognito_sign_in.bot.access_token}" }
}
