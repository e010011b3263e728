#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/examples.sh [DIR...] - check the example configurations.
#
# For every directory under examples/ (or each DIR given) that holds *.tf files:
#
#   fmt       `<cli> fmt -check -diff` - the files are formatted and parse as HCL.
#   validate  `<cli> validate`, with the provider built from this checkout and
#             installed through a `dev_overrides` CLI config (no `init`), for
#             every directory that needs no provider other than cognito (and
#             the built-in `terraform` provider). Directories that configure
#             third-party providers (aws, restapi, ...) cannot be initialised
#             without a registry, so they are only checked by fmt.
#   README    with no DIR arguments, the ```terraform blocks of README.md are
#             fmt-checked as well.
#
# Each directory is copied to a temp dir before `providers`/`validate`, so no
# .terraform/ or lock file is ever left in examples/.
#
# Environment:
#   TFCLI  terraform | tofu | any (default any): the CLI, via scripts/tfcli.sh
#   GO     Go command (default go)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

GO="${GO:-go}"
TFCLI="${TFCLI:-any}"
SOURCE_ADDRESS="cognito-tokens/cognito"

log() { printf 'examples: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/cognito-examples.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

cli="$(scripts/tfcli.sh "$TFCLI")" || die "no Terraform-compatible CLI (scripts/tfcli.sh $TFCLI failed)"

# Our own CLI config, always, with this checkout's provider (not a released
# one) through dev_overrides.
log "building the provider"
# shellcheck source=scripts/local-provider.sh
source scripts/local-provider.sh
local_provider_cli_config "$work"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_LOG TF_WORKSPACE TF_DATA_DIR

cli_version="$("$cli" version </dev/null 2>/dev/null || true)"
cli_version="${cli_version%%$'\n'*}"

if [[ $# -gt 0 ]]; then
	dirs=()
	for d in "$@"; do
		[[ -d "$d" ]] || die "not a directory: $d"
		dirs+=("${d%/}")
	done
else
	mapfile -t dirs < <(find examples -name .terraform -prune -o -type f -name '*.tf' -printf '%h\n' | LC_ALL=C sort -u)
fi
[[ ${#dirs[@]} -gt 0 ]] || die "no *.tf files under examples/"

log "checking ${#dirs[@]} example directories with ${cli_version} (${cli})"

# only_cognito DIR: true if every provider the configuration in DIR requires is
# this provider or the built-in one. `<cli> providers` reads the configuration
# without init.
only_cognito() {
	local dir="$1" out addr n=0
	out="$(cd "$dir" && "$cli" providers -no-color 2>&1 </dev/null)" || {
		printf '%s\n' "$out" >&2
		return 2
	}
	while read -r addr; do
		n=$((n + 1))
		case "$addr" in
		*/"${SOURCE_ADDRESS}" | terraform.io/builtin/terraform) ;;
		*) return 1 ;;
		esac
	done < <(printf '%s\n' "$out" | sed -n 's/.*provider\[\([^]]*\)\].*/\1/p')
	[[ $n -gt 0 ]]
}

failed=()
validated=()
fmt_only=()
i=0
for dir in "${dirs[@]}"; do
	i=$((i + 1))
	status=ok

	if ! "$cli" fmt -check -diff -no-color "$dir" </dev/null >"$work/fmt.out" 2>&1; then
		log "FAIL fmt      $dir"
		sed 's/^/    /' "$work/fmt.out" >&2
		failed+=("$dir (fmt)")
		status=failed
	fi

	copy="$work/dirs/$i"
	mkdir -p "$copy"
	cp -R "$dir/." "$copy/"
	rm -rf "$copy/.terraform" "$copy/.terraform.lock.hcl"

	rc=0
	only_cognito "$copy" || rc=$?
	case "$rc" in
	0)
		if "$cli" -chdir="$copy" validate -no-color </dev/null >"$work/validate.out" 2>&1; then
			validated+=("$dir")
		else
			log "FAIL validate $dir"
			sed 's/^/    /' "$work/validate.out" >&2
			failed+=("$dir (validate)")
			status=failed
		fi
		;;
	1) fmt_only+=("$dir") ;;
	*)
		log "FAIL providers $dir"
		failed+=("$dir (providers)")
		status=failed
		;;
	esac
	[[ "$status" == ok ]] && log "ok            $dir"
done

# The README's ```terraform snippets are examples too (fmt only: they use
# third-party providers). Only when checking all of examples/.
readme_blocks=0
if [[ $# -eq 0 && -f README.md ]]; then
	mkdir -p "$work/readme"
	awk -v dir="$work/readme" '
		/^```(terraform|hcl)[[:space:]]*$/ { n++; f = sprintf("%s/block%02d.tf", dir, n); inblock = 1; next }
		/^```/ { inblock = 0; next }
		inblock { print > f }
	' README.md
	for f in "$work"/readme/*.tf; do
		[[ -e "$f" ]] || continue
		readme_blocks=$((readme_blocks + 1))
		if ! "$cli" fmt -check -diff -no-color "$f" </dev/null >"$work/fmt.out" 2>&1; then
			log "FAIL fmt      README.md (terraform block $readme_blocks)"
			sed 's/^/    /' "$work/fmt.out" >&2
			failed+=("README.md terraform block $readme_blocks (fmt)")
		else
			log "ok            README.md (terraform block $readme_blocks)"
		fi
	done
fi

echo "Checked example configurations with ${cli_version}:"
echo "  fmt -check (formatting, HCL syntax): ${#dirs[@]} directories, ${readme_blocks} README.md blocks"
echo "  validate (local provider via dev_overrides): ${#validated[@]}"
for d in "${validated[@]}"; do echo "    $d"; done
echo "  not validated (third-party providers need a registry; fmt only): ${#fmt_only[@]}"
for d in "${fmt_only[@]}"; do echo "    $d"; done
if [[ ${#failed[@]} -gt 0 ]]; then
	echo "FAILED: ${#failed[@]}"
	for d in "${failed[@]}"; do echo "    $d"; done
	exit 1
fi
echo "All example checks passed."
