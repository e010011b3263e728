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
# Go 1.26's fuzz coordinator can report "context deadline exceeded" when
# -fuzztime runs out while a worker is mid-call (golang/go#75804, fixed in
# Go 1.27). Such a run wrote no crasher and found nothing: it is reported as
# a flake, not a failure. Any run that wrote a new input fails.
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
out=""
trap 'rm -f "$list" "$out"' EXIT

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
# corpus_files PKG NAME: the inputs go test keeps for target NAME (none yet
# is fine: the directory appears with the first failing input).
corpus_files() {
	local dir
	dir="$(go list -f '{{.Dir}}' "$1")/testdata/fuzz/$2"
	[[ -d "$dir" ]] || return 0
	find "$dir" -type f | sort
}

failed=0
passed=0
flaked=0
out="$(mktemp)"
trap 'rm -f "$list" "$out"' EXIT
for t in "${targets[@]}"; do
	pkg="${t% *}"
	name="${t#* }"
	echo "==> go test -run '^\$' -fuzz '^${name}\$' -fuzztime ${fuzztime} ${pkg}"
	start=$SECONDS
	before="$(corpus_files "$pkg" "$name")"
	if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" 2>&1 | tee "$out"; then
		passed=$((passed + 1))
		echo "--- PASS: ${name} (${pkg}) $((SECONDS - start))s"
	elif grep -q '^    context deadline exceeded$' "$out" && [[ "$(corpus_files "$pkg" "$name")" == "$before" ]]; then
		flaked=$((flaked + 1))
		echo "--- FLAKE: ${name} (${pkg}): the coordinator's deadline race (golang/go#75804), no failing input written"
	else
		failed=$((failed + 1))
		echo "--- FAIL: ${name} (${pkg}) $((SECONDS - start))s"
	fi
done
echo "fuzz: ${passed} passed, ${failed} failed, ${flaked} flaked"
[[ $failed -eq 0 ]]
