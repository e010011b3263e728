# A CI pipeline deploys to an internal API behind Cognito with the machine's
# own identity: an app client with a secret and the client-credentials grant.
# Ephemeral resources: Terraform >= 1.10 or OpenTofu >= 1.11 (versions.tf and
# versions.tofu beside this file).
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
  description = "App client with a secret and the client_credentials grant, e.g. from TF_VAR_deployer_client_id."
  sensitive   = true
  ephemeral   = true
}

variable "deployer_client_secret" {
  type        = string
  description = "Its client secret, e.g. from TF_VAR_deployer_client_secret."
  sensitive   = true
  # Not written to the plan either.
  ephemeral = true
}

# The token endpoint needs no AWS credentials and no region: the domain says
# where the user pool is.
provider "cognito" {}

# Requested at plan and, by Terraform always and by OpenTofu when the apply uses
# it, again at apply (each request is billed by Cognito);
# the token never reaches the plan or the state.
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
