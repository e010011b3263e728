terraform {
  required_providers {
    cognito = {
      source = "cognito-tokens/cognito"
    }
  }
}

# GetTokensFromRefreshToken is unauthenticated: the provider needs the user
# pool's region and never looks for AWS credentials.
provider "cognito" {
  region = "eu-west-1"

  # Optional tuning; these are the defaults.
  max_retries = 25
  retry_mode  = "standard"
  timeout     = "10m"

  # Optional: send requests to a VPC endpoint, a proxy or a local emulator.
  # endpoint = "https://cognito-idp.eu-west-1.amazonaws.com"
}
