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

  # Optional; unset, they follow "Defaults from the environment".
  # max_retries = 25
  # retry_mode  = "standard"
  # timeout     = "10m"
  # endpoint    = "https://cognito-idp.eu-west-1.amazonaws.com" # VPC endpoint, proxy, local double
}
