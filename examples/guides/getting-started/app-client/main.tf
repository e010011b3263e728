# Optional: the app client of step 1 managed with the AWS provider instead
# of the AWS CLI. Apply it with credentials that may manage the user pool;
# the cognito provider itself never needs any.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "user_pool_id" {
  type        = string
  description = "ID of the existing user pool, e.g. eu-west-1_AbCdEfGhI."
}

provider "aws" {
  region = split("_", var.user_pool_id)[0]
}

resource "aws_cognito_user_pool_client" "terraform" {
  name         = "terraform"
  user_pool_id = var.user_pool_id

  # Sign in once with a user name and password (step 2), then refresh.
  explicit_auth_flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

  # How long one sign-in lasts (Cognito's default: 30 days; 60 minutes to
  # 10 years), and how long each access/ID token lives (5 minutes to 1 day).
  refresh_token_validity = 90
  access_token_validity  = 60
  id_token_validity      = 60
  token_validity_units {
    refresh_token = "days"
    access_token  = "minutes"
    id_token      = "minutes"
  }

  enable_token_revocation       = true
  prevent_user_existence_errors = "ENABLED"
  generate_secret               = false

  # Refresh-token rotation is off unless you add this block (AWS provider
  # versions that have it); read the rotation guide first, and drop
  # ALLOW_REFRESH_TOKEN_AUTH above when you enable it.
  # refresh_token_rotation {
  #   feature                    = "ENABLED"
  #   retry_grace_period_seconds = 60
  # }
}

output "client_id" {
  value     = aws_cognito_user_pool_client.terraform.id
  sensitive = true
}
