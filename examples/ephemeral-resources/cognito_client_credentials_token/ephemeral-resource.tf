# A CI pipeline deploys to an API behind Cognito as itself: an app client
# with a secret and the client-credentials grant. The token is requested at
# plan and apply (each request billed) and never reaches the plan or state.
terraform {
  required_providers {
    cognito = { source = "cognito-tokens/cognito", version = "~> 0.1" }
    restapi = { source = "Mastercard/restapi", version = "~> 2.0" }
  }
}

# From TF_VAR_deployer_client_id and TF_VAR_deployer_client_secret.
variable "deployer_client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "deployer_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

# The domain says where the user pool is: no region, no AWS credentials.
provider "cognito" {}

ephemeral "cognito_client_credentials_token" "deployer" {
  domain        = "my-company.auth.eu-west-1.amazoncognito.com"
  client_id     = var.deployer_client_id
  client_secret = var.deployer_client_secret
  scopes        = ["platform/deploy"]
}

provider "restapi" {
  uri                  = "https://platform.example.com/api"
  write_returns_object = true
  headers = {
    Authorization = "Bearer ${ephemeral.cognito_client_credentials_token.deployer.access_token}"
  }
}

resource "restapi_object" "release" {
  path = "/releases"
  data = jsonencode({ id = "web-42", image = "web:42" })
}
