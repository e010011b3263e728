# Authenticate to an EKS cluster whose OIDC identity provider is the Cognito
# user pool: the cluster accepts the user's ID token (its `aud` is the app
# client ID) and maps `cognito:groups` to Kubernetes groups.
# versions.tf and versions.tofu beside this file require Terraform >= 1.10
# or OpenTofu >= 1.11.
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

variable "cognito_region" {
  type    = string
  default = "eu-west-1"
}

variable "cognito_client_id" {
  type        = string
  description = "App client ID configured as the cluster OIDC provider's client ID."
  sensitive   = true
  ephemeral   = true
}

variable "cognito_refresh_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "cluster_endpoint" {
  type        = string
  description = "API server URL of the cluster."
}

variable "cluster_ca_certificate" {
  type        = string
  description = "Base64-encoded CA certificate of the cluster."
}

provider "cognito" {
  region = var.cognito_region
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

resource "kubernetes_namespace_v1" "apps" {
  metadata {
    name = "apps"
  }
}
