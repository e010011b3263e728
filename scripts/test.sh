#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/test.sh [all|acc|unit]
#
#   all (default)  unit + acceptance tests: TF_ACC=1 go test ./...
#   acc            acceptance tests only:  TF_ACC=1 go test -run TestAcc ./...
#   unit           unit tests only, no CLI needed (TF_ACC unset)
#
# Environment:
#   TFCLI      terraform | tofu | any (default any): which CLI the acceptance
#              tests run against; resolved by scripts/tfcli.sh (PATH or a
#              cached build from the Go module proxy).
#   TESTARGS   extra `go test` arguments, e.g. TESTARGS='-run TestAccTokens'
#   TESTPKGS   packages to test (default ./..., which includes the real-CLI
#              suites in ./internal/acctest/ and the provider's own tests)
#   TESTTIMEOUT  go test -timeout (default 30m)
#   TEST_LOG   also write the full log to this file
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode="${1:-all}"
cli_kind="${TFCLI:-any}"
pkgs="${TESTPKGS:-./...}"
timeout="${TESTTIMEOUT:-30m}"

log() { printf '==> %s\n' "$*" >&2; }

# A TF_CLI_CONFIG_FILE that names a missing file makes Terraform and OpenTofu
# print a warning on stdout, which breaks terraform-exec's version detection.
# Point it at an existing empty file instead.
fix_cli_config() {
	if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "${TF_CLI_CONFIG_FILE}" ]]; then
		local cache="${TFPC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-cognito}"
		mkdir -p "$cache"
		: >"$cache/empty.tfrc"
		log "TF_CLI_CONFIG_FILE=${TF_CLI_CONFIG_FILE} does not exist; using empty $cache/empty.tfrc"
		export TF_CLI_CONFIG_FILE="$cache/empty.tfrc"
	fi
}

setup_acc() {
	fix_cli_config
	local cli first
	cli="$(scripts/tfcli.sh "$cli_kind")"
	first="$("$cli" version)"
	first="${first%%$'\n'*}"
	export TF_ACC=1
	export TF_ACC_TERRAFORM_PATH="$cli"
	export CHECKPOINT_DISABLE=1
	if [[ "$first" == OpenTofu* ]]; then
		# terraform-plugin-testing reattaches the provider as
		# registry.terraform.io/hashicorp/<name>; OpenTofu resolves unqualified
		# providers under registry.opentofu.org, so use that host instead.
		export TF_ACC_PROVIDER_HOST="${TF_ACC_PROVIDER_HOST:-registry.opentofu.org}"
		export TF_ACC_PROVIDER_NAMESPACE="${TF_ACC_PROVIDER_NAMESPACE:-hashicorp}"
	fi
	log "acceptance tests against: $first ($cli)"
	log "TF_ACC=1 TF_ACC_TERRAFORM_PATH=$cli TF_ACC_PROVIDER_HOST=${TF_ACC_PROVIDER_HOST:-} TF_ACC_PROVIDER_NAMESPACE=${TF_ACC_PROVIDER_NAMESPACE:-}"
}

args=(-count=1 -timeout "$timeout")
label="TFCLI=${cli_kind}"
case "$mode" in
all)
	setup_acc
	;;
acc)
	setup_acc
	args+=(-run 'TestAcc')
	;;
unit)
	unset TF_ACC
	label="no CLI"
	;;
*)
	echo "usage: scripts/test.sh [all|acc|unit]" >&2
	exit 2
	;;
esac

# shellcheck disable=SC2206 # TESTARGS and TESTPKGS are word-split on purpose
extra=(${TESTARGS:-})
# shellcheck disable=SC2206
pkglist=($pkgs)

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
log "go test -v ${args[*]} ${extra[*]} ${pkglist[*]}"
start=$SECONDS
rc=0
go test -v "${args[@]}" "${extra[@]}" "${pkglist[@]}" 2>&1 | tee "$out" || rc=$?
if [[ -n "${TEST_LOG:-}" ]]; then
	cp "$out" "$TEST_LOG"
fi

pass="$(grep -cE '^[[:space:]]*--- PASS' "$out" || true)"
fail="$(grep -cE '^[[:space:]]*--- FAIL' "$out" || true)"
skip="$(grep -cE '^[[:space:]]*--- SKIP' "$out" || true)"
acc="$(grep -cE '^--- PASS: TestAcc' "$out" || true)"
log "${mode} tests (${label}) finished in $((SECONDS - start))s, exit ${rc}; ${acc} top-level TestAcc passed"
echo "${mode}: ${pass} passed, ${fail} failed, ${skip} skipped"
# A run meant to include acceptance tests proves nothing about the CLI if
# none ran (TF_ACC lost, every TestAcc* skipped, a -run that matches none).
if [[ "$mode" != unit && "$acc" -eq 0 ]]; then
	log "error: mode '${mode}' but no acceptance test (TestAcc*) passed; for packages without acceptance tests use 'scripts/test.sh unit'"
	[[ "$rc" -eq 0 ]] && rc=1
fi
exit "$rc"
