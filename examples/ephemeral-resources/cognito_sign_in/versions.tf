terraform {
  # Terraform: ephemeral resources arrived in 1.10.
  required_version = ">= 1.10"
}
