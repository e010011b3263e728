# `make demo` (scripts/demo.sh) applies this configuration. It shows the
# ways a run gets a Cognito token for another provider's configuration: a
# user's session refreshed with the ephemeral cognito_refreshed_tokens, a
# service user signed in with the ephemeral cognito_sign_in (which revokes
# its refresh token at close), and the machine's own token from the
# ephemeral cognito_client_credentials_token (OAuth 2.0 client-credentials
# grant). No token is ever written to the plan or the state.
#
# "platform" stands for your own API behind Cognito. It is a demo-only
# provider built from dev/demo/platform: it verifies the bearer token
# against the user pool's JWKS and reports who is calling.
#
# scripts/demo.sh sets the variables (TF_VAR_*), either from a local Cognito
# double or from COGNITO_DEMO_* for a real user pool.

# versions.tf and versions.tofu beside this file require Terraform >= 1.10
# or OpenTofu >= 1.11 (ephemeral resources).
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
    platform = {
      source = "cognito-tokens/platform" # demo only, never published
    }
  }
}

variable "region" {
  description = "AWS region of the user pool."
  type        = string
}

variable "client_id" {
  description = "App client that issued the refresh token."
  type        = string
  sensitive   = true
  ephemeral   = true # never stored in a plan file either
}

variable "client_secret" {
  description = "App client secret; null for a public client."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "refresh_token_file" {
  description = "File store holding the refresh token of the user's sign-in (mode 0600); the provider writes each rotated token back to it."
  type        = string
}

variable "user_pool_id" {
  description = "User pool ID; null lets the platform take it from the token's iss claim."
  type        = string
  default     = null
}

variable "endpoint" {
  description = "Cognito endpoint override (a local double, a proxy); null for AWS."
  type        = string
  default     = null
}

variable "jwks_url" {
  description = "JWKS override; null means <issuer>/.well-known/jwks.json."
  type        = string
  default     = null
}

variable "machine" {
  description = "Also get a machine token with the client-credentials grant."
  type        = bool
  default     = false
}

variable "domain" {
  description = "User pool domain for the machine token, e.g. my-prefix.auth.eu-west-1.amazoncognito.com."
  type        = string
  default     = null
}

variable "token_url" {
  description = "Token endpoint URL instead of domain (a local double, a proxy)."
  type        = string
  default     = null
}

variable "m2m_client_id" {
  description = "App client for the client-credentials grant."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "m2m_client_secret" {
  description = "Its client secret."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "machine_api" {
  description = "Also get a machine token from GetClientToken (no domain; an app client whose only auth flow is ALLOW_CLIENT_TOKEN_AUTH)."
  type        = bool
  default     = false
}

variable "m2m_api_client_id" {
  description = "App client for GetClientToken."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "m2m_api_client_secret" {
  description = "Its client secret."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "sign_in" {
  description = "Also sign a service user in with cognito_sign_in (needs user_pool_id)."
  type        = bool
  default     = false
}

variable "service_username" {
  description = "The service user that signs in."
  type        = string
  default     = null
}

variable "service_password" {
  description = "Its password."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "m2m_scopes" {
  description = "Custom scopes to request; null for every scope the app client is allowed."
  type        = set(string)
  default     = null
}

provider "cognito" {
  region   = var.region
  endpoint = var.endpoint
}

# Refreshed at plan and again at apply (OpenTofu: at apply only when the apply
# uses the token); never in the plan or the state. The app client rotates
# refresh tokens with a grace period of 0: each open reads the token from the
# store, exchanges it and writes the rotated one back before returning, so a
# plan followed by an apply keeps working.
ephemeral "cognito_refreshed_tokens" "session" {
  client_id     = var.client_id
  client_secret = var.client_secret
  refresh_token_store = {
    file = var.refresh_token_file
  }
}

# The hand-off: another provider authenticates with the fresh access token.
provider "platform" {
  token    = ephemeral.cognito_refreshed_tokens.session.access_token
  issuer   = var.user_pool_id == null ? null : "https://cognito-idp.${var.region}.amazonaws.com/${var.user_pool_id}"
  jwks_url = var.jwks_url
}

# "Who am I?" as the platform sees the caller: non-secret claims only.
data "platform_caller" "me" {}

# The machine's own identity: an access token for the app client itself, from
# the user pool's token endpoint (domain or token_url). Requested at plan and
# again at apply (OpenTofu: at apply only when the apply uses the token); each
# successful request is billed by Cognito.
ephemeral "cognito_client_credentials_token" "machine" {
  count = var.machine ? 1 : 0

  domain        = var.domain
  token_url     = var.token_url
  client_id     = var.m2m_client_id
  client_secret = var.m2m_client_secret
  scopes        = var.m2m_scopes
}

provider "platform" {
  alias    = "machine"
  token    = try(ephemeral.cognito_client_credentials_token.machine[0].access_token, "unused")
  issuer   = var.user_pool_id == null ? null : "https://cognito-idp.${var.region}.amazonaws.com/${var.user_pool_id}"
  jwks_url = var.jwks_url
}

data "platform_caller" "machine" {
  count    = var.machine ? 1 : 0
  provider = platform.machine
}

# The same kind of token without a domain: neither domain nor token_url, so the
# provider calls Cognito's GetClientToken in its region (through `endpoint`).
ephemeral "cognito_client_credentials_token" "machine_api" {
  count = var.machine_api ? 1 : 0

  client_id       = var.m2m_api_client_id
  client_secret   = var.m2m_api_client_secret
  scopes          = var.m2m_scopes
  client_metadata = { source = "demo" }
}

provider "platform" {
  alias    = "machine_api"
  token    = try(ephemeral.cognito_client_credentials_token.machine_api[0].access_token, "unused")
  issuer   = var.user_pool_id == null ? null : "https://cognito-idp.${var.region}.amazonaws.com/${var.user_pool_id}"
  jwks_url = var.jwks_url
}

data "platform_caller" "machine_api" {
  count    = var.machine_api ? 1 : 0
  provider = platform.machine_api
}

# A service user signs in at every open (SRP: the password never leaves this
# machine) on the same app client; when the CLI closes the resource, the
# provider revokes the refresh token it got (revoke_on_close, the default).
ephemeral "cognito_sign_in" "service" {
  count = var.sign_in ? 1 : 0

  user_pool_id  = var.user_pool_id
  client_id     = var.client_id
  client_secret = var.client_secret
  username      = var.service_username
  password      = var.service_password
}

provider "platform" {
  alias    = "service"
  token    = try(ephemeral.cognito_sign_in.service[0].access_token, "unused")
  issuer   = var.user_pool_id == null ? null : "https://cognito-idp.${var.region}.amazonaws.com/${var.user_pool_id}"
  jwks_url = var.jwks_url
}

data "platform_caller" "service" {
  count    = var.sign_in ? 1 : 0
  provider = platform.service
}

output "username" {
  value = data.platform_caller.me.username
}

output "sub" {
  value = data.platform_caller.me.sub
}

output "scopes" {
  value = join(" ", data.platform_caller.me.scopes)
}

output "token_use" {
  value = data.platform_caller.me.token_use
}

output "issuer" {
  value = data.platform_caller.me.issuer
}

output "expires_at" {
  value = data.platform_caller.me.expires_at
}

# For the machine token: no user (username is empty), sub is the app client.
output "machine_is_client" {
  value = var.machine ? data.platform_caller.machine[0].username == "" : null
}

output "machine_scopes" {
  value = var.machine ? join(" ", data.platform_caller.machine[0].scopes) : null
}

output "machine_token_use" {
  value = var.machine ? data.platform_caller.machine[0].token_use : null
}

output "machine_expires_at" {
  value = var.machine ? data.platform_caller.machine[0].expires_at : null
}

output "machine_api_is_client" {
  value = var.machine_api ? data.platform_caller.machine_api[0].username == "" : null
}

output "machine_api_scopes" {
  value = var.machine_api ? join(" ", data.platform_caller.machine_api[0].scopes) : null
}

output "service_username" {
  value = var.sign_in ? data.platform_caller.service[0].username : null
}

output "service_sub" {
  value = var.sign_in ? data.platform_caller.service[0].sub : null
}

output "service_token_use" {
  value = var.sign_in ? data.platform_caller.service[0].token_use : null
}
