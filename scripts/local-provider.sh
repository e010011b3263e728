#!/usr/bin/env bash
# Sourced by scripts/docs.sh and scripts/examples.sh:
#   local_provider_cli_config DIR
# builds this checkout's provider into DIR/plugins and writes DIR/cli.tfrc,
# whose dev_overrides make Terraform and OpenTofu use that build without a
# registry. The caller exports TF_CLI_CONFIG_FILE=DIR/cli.tfrc: a config of
# our own, because the caller's may name a missing file (the CLI then prints
# a warning on stdout) or point at a released provider.

local_provider_cli_config() {
	local dir="$1" source_address="cognito-tokens/cognito"
	mkdir -p "$dir/plugins"
	"${GO:-go}" build -trimpath -o "$dir/plugins/terraform-provider-cognito" "$(dirname "${BASH_SOURCE[0]}")/.."
	cat >"$dir/cli.tfrc" <<CONFIG
provider_installation {
  dev_overrides {
    "registry.terraform.io/${source_address}" = "$dir/plugins"
    "registry.opentofu.org/${source_address}" = "$dir/plugins"
  }
  direct {}
}
CONFIG
}
