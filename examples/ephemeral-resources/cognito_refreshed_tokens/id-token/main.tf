# The ID token, for consumers that validate ID tokens (aud = the app client
# id), such as a Kubernetes API server with the user pool as its OIDC
# identity provider.
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.36"
    }
  }
}

variable "cognito_client_id" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "cognito_refresh_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "cluster_endpoint" {
  type = string
}

variable "cluster_ca_certificate" {
  type        = string
  description = "Base64-encoded CA certificate of the cluster."
}

provider "cognito" {
  region = "eu-west-1"
}

ephemeral "cognito_refreshed_tokens" "kubernetes" {
  client_id     = var.cognito_client_id
  refresh_token = var.cognito_refresh_token
}

provider "kubernetes" {
  host                   = var.cluster_endpoint
  cluster_ca_certificate = base64decode(var.cluster_ca_certificate)
  token                  = ephemeral.cognito_refreshed_tokens.kubernetes.id_token
}
