#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/mirror.sh DIR    build this checkout's provider into a local
#                          filesystem mirror at DIR, for a CI runner or a
#                          machine without the registry (docs: "Installation")
# scripts/mirror.sh --check
#                          CI: install from such a mirror with a real `init`,
#                          both ways the CLIs offer, into a copy of
#                          examples/guides/getting-started/check, then
#                          `validate` it:
#                            1. a CLI configuration with
#                               provider_installation { filesystem_mirror }
#                            2. `init -plugin-dir=DIR`
#
# The mirror uses the "unpacked" layout both CLIs read:
#   DIR/<host>/cognito-tokens/cognito/<version>/<os>_<arch>/terraform-provider-cognito_v<version>
# for host registry.terraform.io (Terraform) and registry.opentofu.org
# (OpenTofu). Terraform: https://developer.hashicorp.com/terraform/cli/config/config-file#filesystem_mirror
# OpenTofu: https://opentofu.org/docs/cli/config/config-file/#filesystem_mirror
#
# Environment:
#   MIRROR_VERSION  version to file the build under (default 0.1.0; the
#                   examples ask for "~> 0.1")
#   TFCLI           terraform | tofu | any, for --check (scripts/tfcli.sh)
#   GO              Go command (default go)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
GO="${GO:-go}"
VERSION="${MIRROR_VERSION:-0.1.0}"
SOURCE_ADDRESS="cognito-tokens/cognito"

log() { printf 'mirror: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# build_mirror DIR: the provider for this machine's platform, under both hosts.
build_mirror() {
	local dir="$1" target host bin
	target="$("$GO" env GOOS)_$("$GO" env GOARCH)"
	bin="$dir/.build/terraform-provider-cognito_v${VERSION}"
	mkdir -p "$dir/.build"
	(cd "$ROOT" && CGO_ENABLED=0 "$GO" build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o "$bin" .)
	for host in registry.terraform.io registry.opentofu.org; do
		mkdir -p "$dir/$host/$SOURCE_ADDRESS/$VERSION/$target"
		cp "$bin" "$dir/$host/$SOURCE_ADDRESS/$VERSION/$target/"
	done
	rm -rf "$dir/.build"
	log "built ${SOURCE_ADDRESS} ${VERSION} (${target}) into $dir"
}

check() {
	local work cli cli_version example lock
	work="$(mktemp -d "${TMPDIR:-/tmp}/cognito-mirror.XXXXXX")"
	# shellcheck disable=SC2064 # expand now
	trap "rm -rf '$work'" EXIT
	cli="$("$ROOT/scripts/tfcli.sh" "${TFCLI:-any}")" || die "no Terraform-compatible CLI"
	cli_version="$(TF_CLI_CONFIG_FILE=/dev/null "$cli" version </dev/null 2>/dev/null | head -n1)"
	build_mirror "$work/mirror"

	cat >"$work/cli.tfrc" <<-EOF
		provider_installation {
		  filesystem_mirror {
		    path    = "$work/mirror"
		    include = ["$SOURCE_ADDRESS"]
		  }
		  direct {
		    exclude = ["$SOURCE_ADDRESS"]
		  }
		}
	EOF
	export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
	unset TF_LOG TF_DATA_DIR TF_WORKSPACE TF_PLUGIN_CACHE_DIR

	example="$ROOT/examples/guides/getting-started/check"
	for how in filesystem_mirror plugin-dir; do
		local dir="$work/$how"
		mkdir -p "$dir"
		cp "$example"/*.tf "$example"/*.tofu "$dir/"
		if [[ "$how" == filesystem_mirror ]]; then
			TF_CLI_CONFIG_FILE="$work/cli.tfrc" "$cli" -chdir="$dir" init -no-color </dev/null >"$work/init.out" 2>&1 ||
				{ cat "$work/init.out" >&2; die "$cli_version: init through filesystem_mirror failed"; }
		else
			# -plugin-dir turns off every other installation method.
			TF_CLI_CONFIG_FILE=/dev/null "$cli" -chdir="$dir" init -no-color -plugin-dir="$work/mirror" </dev/null >"$work/init.out" 2>&1 ||
				{ cat "$work/init.out" >&2; die "$cli_version: init -plugin-dir failed"; }
		fi
		lock="$dir/.terraform.lock.hcl"
		grep -q "provider \"registry\.[a-z.]*/${SOURCE_ADDRESS}\"" "$lock" && grep -q "version *= *\"${VERSION}\"" "$lock" ||
			{ cat "$lock" >&2; die "$cli_version ($how): the lock file does not record ${SOURCE_ADDRESS} ${VERSION}"; }
		TF_CLI_CONFIG_FILE=/dev/null "$cli" -chdir="$dir" validate -no-color </dev/null >"$work/validate.out" 2>&1 ||
			{ cat "$work/validate.out" >&2; die "$cli_version ($how): validate failed"; }
		log "ok: $cli_version installed ${SOURCE_ADDRESS} ${VERSION} through $how; init and validate passed"
	done
}

case "${1:-}" in
--check) check ;;
"" | -h | --help)
	sed -n '4,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	[[ -n "${1:-}" ]] || exit 2
	;;
*)
	mkdir -p "$1"
	build_mirror "$(cd "$1" && pwd -P)"
	;;
esac
