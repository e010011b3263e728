terraform {
  # Terraform: write-only arguments arrived in 1.11.
  required_version = ">= 1.11"
}
