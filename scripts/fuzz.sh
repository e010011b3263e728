#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/fuzz.sh
#
# Discovers every `func FuzzXxx` target in the module (go test -list '^Fuzz')
# and runs each one for ${FUZZTIME:-20s}. Zero targets is not an error.
# A crasher is written by `go test` to the package's testdata/fuzz/ directory
# and makes this script fail.
#
# Environment:
#   FUZZTIME   -fuzztime per target (default 20s)
#   FUZZPKGS   packages to search (default ./...)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

fuzztime="${FUZZTIME:-20s}"
# shellcheck disable=SC2206 # word-split on purpose
pkgs=(${FUZZPKGS:-./...})

list="$(mktemp)"
trap 'rm -f "$list"' EXIT

# `go test -list` prints each package's matching names followed by that
# package's "ok <import path> <time>" line (or "?  <path> [no test files]").
unset TF_ACC
go test -list '^Fuzz' "${pkgs[@]}" >"$list"

targets=()
pending=()
while IFS= read -r line; do
	case "$line" in
	Fuzz*)
		pending+=("$line")
		;;
	ok[[:space:]]*)
		read -r _ pkg _ <<<"$line"
		for name in "${pending[@]+"${pending[@]}"}"; do
			targets+=("${pkg} ${name}")
		done
		pending=()
		;;
	*)
		pending=()
		;;
	esac
done <"$list"

if [[ ${#targets[@]} -eq 0 ]]; then
	echo "fuzz: no fuzz targets found in ${pkgs[*]}"
	exit 0
fi

echo "fuzz: ${#targets[@]} target(s), ${fuzztime} each"
failed=0
passed=0
for t in "${targets[@]}"; do
	pkg="${t% *}"
	name="${t#* }"
	echo "==> go test -run '^\$' -fuzz '^${name}\$' -fuzztime ${fuzztime} ${pkg}"
	start=$SECONDS
	if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg"; then
		passed=$((passed + 1))
		echo "--- PASS: ${name} (${pkg}) $((SECONDS - start))s"
	else
		failed=$((failed + 1))
		echo "--- FAIL: ${name} (${pkg}) $((SECONDS - start))s"
	fi
done
echo "fuzz: ${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]
