terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

# GetTokensFromRefreshToken is unauthenticated: the provider needs the user
# pool's region and never looks for AWS credentials.
provider "cognito" {
  region = "eu-west-1"

  # Retries and the bound on one token request. Left unset, they default to
  # 25 retries (or AWS_MAX_ATTEMPTS - 1 when that is set) and 10m. Setting
  # max_retries here, even to 25, makes the provider ignore AWS_MAX_ATTEMPTS.
  # max_retries = 25
  # retry_mode  = "standard"
  # timeout     = "10m"

  # Optional: send requests to a VPC endpoint, a proxy or a local emulator.
  # endpoint = "https://cognito-idp.eu-west-1.amazonaws.com"
}
