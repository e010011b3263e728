# Provider functions need Terraform >= 1.8 or OpenTofu >= 1.7; the ephemeral
# resource Terraform >= 1.10 or OpenTofu >= 1.11: versions.tf and
# versions.tofu beside this file say so.
terraform {
  required_providers {
    cognito = {
      source  = "cognito-tokens/cognito"
      version = "~> 0.1"
    }
  }
}

provider "cognito" {
  region = "eu-west-1"
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

variable "expected_apply_duration" {
  type        = string
  description = "How long an apply of this configuration may take, as a duration such as 30m."
  default     = "30m"
}

ephemeral "cognito_refreshed_tokens" "deploy" {
  client_id     = var.cognito_client_id
  refresh_token = var.cognito_refresh_token

  lifecycle {
    # Fail at plan, before anything changes, rather than minutes into the
    # apply when the API refuses the token. A user's token from sign-in
    # through the user pools API (InitiateAuth, as in the getting-started
    # guide) carries only the scope aws.cognito.signin.user.admin, which an
    # API needs to read the user's profile from Cognito (GetUser). Custom
    # scopes such as platform/deploy are in a user's token only after managed
    # login that requests them, or when a pre token generation trigger adds
    # them: check for those only if your pool issues them.
    postcondition {
      condition     = contains(split(" ", provider::cognito::token_claims(self.access_token).scope), "aws.cognito.signin.user.admin")
      error_message = "the token lacks scope `aws.cognito.signin.user.admin`"
    }
  }
}

locals {
  # Ephemeral like the tokens: usable in provider blocks, write-only
  # arguments, conditions and other ephemeral values, never in plan or state.
  access_claims = provider::cognito::token_claims(ephemeral.cognito_refreshed_tokens.deploy.access_token)
  id_claims     = provider::cognito::token_claims(ephemeral.cognito_refreshed_tokens.deploy.id_token)

  user_sub = local.id_claims.sub
  # Cognito leaves the claim out when the user is in no group.
  user_groups = try(local.access_claims["cognito:groups"], [])
}

# A warning, not an error: the access token must outlive the apply. exp is a
# Unix time in seconds; timeadd turns it into a timestamp.
check "token_outlives_apply" {
  assert {
    condition     = timecmp(timeadd("1970-01-01T00:00:00Z", "${local.access_claims.exp}s"), timeadd(plantimestamp(), var.expected_apply_duration)) >= 0
    error_message = "The access token expires before the apply is expected to end (${var.expected_apply_duration} from now): lengthen the app client's access token validity, or refresh later."
  }
}

resource "terraform_data" "platform_settings" {
  input = "managed by the platform team"

  lifecycle {
    # Ephemeral values cannot choose count or for_each; a precondition can
    # still stop the run.
    precondition {
      condition     = contains(local.user_groups, "platform-admins") && length(local.user_sub) > 0
      error_message = "Only members of the Cognito group platform-admins may apply this configuration."
    }
  }
}
