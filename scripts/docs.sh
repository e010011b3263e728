#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/docs.sh - regenerate docs/ (run by `make docs` / `make generate`).
#
# Renders docs/ with tfplugindocs (pinned in tools/go.mod) from the provider
# schema, examples/ and templates/, then runs `tfplugindocs validate`.
#
# tfplugindocs normally builds the provider and asks a `terraform` binary for
# its schema. This script never lets it: it always produces the schema itself,
# with whatever CLI scripts/tfcli.sh finds (Terraform or OpenTofu):
#
#   1. build the provider into a temp dir,
#   2. write a CLI config with `dev_overrides` pointing at it,
#   3. run `<cli> providers schema -json` in a temp configuration that
#      requires the provider (no `init` needed with dev_overrides),
#   4. rename the provider key (registry.terraform.io/... for Terraform,
#      registry.opentofu.org/... for OpenTofu) to the short name `cognito`,
#      which tfplugindocs looks up, and pass the file as --providers-schema.
#
# The schema is otherwise the same from both CLIs, so docs/ is byte-identical
# whichever CLI is used, and CI can run `make docs && git diff --exit-code docs/`.
#
# Environment:
#   TFCLI   terraform | tofu | any (default any), passed to scripts/tfcli.sh
#   GO      Go command (default go)
#   KEEP_SCHEMA=FILE  also copy the normalized schema JSON to FILE (debugging)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

GO="${GO:-go}"
TFCLI="${TFCLI:-any}"
PROVIDER_NAME="cognito"
RENDERED_PROVIDER_NAME="Cognito"
SOURCE_ADDRESS="cognito-tokens/cognito"

log() { printf 'docs: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

tfplugindocs() {
	"$GO" tool -modfile="$ROOT/tools/go.mod" tfplugindocs "$@"
}

work="$(mktemp -d "${TMPDIR:-/tmp}/cognito-docs.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

cli="$(scripts/tfcli.sh "$TFCLI")" || die "no Terraform-compatible CLI (scripts/tfcli.sh $TFCLI failed)"

# A CLI config of our own: the caller's TF_CLI_CONFIG_FILE may not exist (the
# CLI then prints a warning on stdout, which would corrupt the JSON) and must
# not change what the schema looks like.
log "building the provider"
# shellcheck source=scripts/local-provider.sh
source scripts/local-provider.sh
local_provider_cli_config "$work"

mkdir "$work/config"
cat >"$work/config/main.tf" <<EOF
terraform {
  required_providers {
    ${PROVIDER_NAME} = {
      source = "${SOURCE_ADDRESS}"
    }
  }
}
EOF

cli_version="$(TF_CLI_CONFIG_FILE="$work/cli.tfrc" "$cli" version </dev/null 2>/dev/null || true)"
log "reading the provider schema with ${cli_version%%$'\n'*} ($cli)"
(
	cd "$work/config"
	TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 \
		TF_LOG='' TF_DATA_DIR="$work/config/.terraform" \
		"$cli" providers schema -json </dev/null
) >"$work/raw.json" || die "'$cli providers schema -json' failed"

# Normalize: the only CLI-dependent part of the output is the registry host in
# the provider's key. tfplugindocs looks the provider up by its short name.
sed -E "s#\"registry\.(terraform\.io|opentofu\.org)/${SOURCE_ADDRESS}\":#\"${PROVIDER_NAME}\":#" \
	"$work/raw.json" >"$work/schema.json"
grep -q "\"provider_schemas\":{\"${PROVIDER_NAME}\":{" "$work/schema.json" ||
	die "unexpected 'providers schema -json' output (no ${SOURCE_ADDRESS} schema): $(head -c 300 "$work/raw.json")"
if [[ -n "${KEEP_SCHEMA:-}" ]]; then
	cp "$work/schema.json" "$KEEP_SCHEMA"
fi

log "rendering docs/ with tfplugindocs"
tfplugindocs generate \
	--provider-dir "$ROOT" \
	--provider-name "$PROVIDER_NAME" \
	--rendered-provider-name "$RENDERED_PROVIDER_NAME" \
	--providers-schema "$work/schema.json" \
	--website-temp-dir "$work/website" \
	--examples-dir examples \
	--website-source-dir templates \
	--rendered-website-dir docs

log "validating docs/"
tfplugindocs validate \
	--provider-dir "$ROOT" \
	--provider-name "$PROVIDER_NAME" \
	--providers-schema "$work/schema.json"

log "docs/ is up to date with the schema, examples/ and templates/"
