#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/mutate.sh [DIR...]   (make mutate)
#
# Mutation testing with go-gremlins (pinned in tools/go.mod) over the
# packages below, unit tests only (TF_ACC unset), one package at a time.
# For each package it prints every mutant that survived or is not covered
# (file:line:column MUTATOR and the source line) and fails when test
# efficacy or mutator coverage is below the package's threshold.
# Configuration: .gremlins.yaml; equivalent mutants: .gremlins-equivalent.
# Every listed package must exist, and every equivalent entry must still
# match its line and, for a package that runs, a mutant the tests do not
# kill: a stale entry fails the run.
#
# Record: after each package that passes, its line of .mutation-record is
# rewritten (hash of what the run depended on, efficacy, coverage, date;
# see dev/cmd/mutation-gate/record.go). Only a passing gate writes it.
# Commit it after a full run.
#
# Environment:
#   MUTATE_MODE     full (default): every package (or the DIRs given), and
#                   rewrite their record lines.
#                   incremental (CI): only the packages whose hash differs
#                   from the record or that have no record line yet, plus
#                   one unchanged package by rotation (days since 1970
#                   modulo the number of packages, so each runs at least
#                   every N days).
#   MUTATE_SEED     rotation seed for incremental mode (default: the day)
#   MUTATE_TIMEBOX  seconds (default 0: none). Packages run from the one the
#                   rotation picked on, cyclically; one the box leaves no time
#                   for is deferred (listed, not failed). CI sets it so the
#                   gate fits CI's time limit.
#   MUTATE_WORKERS  parallel mutants (default: .gremlins.yaml's, 2)
#   MUTATE_OUT      keep gremlins' logs and JSON results in this directory
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
unset TF_ACC
# Every mutant relinks its package's test binary; without DWARF that is a
# third faster, and nothing here needs a debugger. -count=1: gremlins times
# its coverage run to set each mutant's timeout, and a cached run would make
# that timeout far too short.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-ldflags=-w -count=1"

# DIR  min efficacy %  min mutator coverage %
# The double's efficacy bound is its honest level when this gate came in
# (89%, its survivors listed by each run): raise it as tests kill them.
THRESHOLDS=(
	"internal/cognito      95 90"
	"internal/provider     95 90"
	"internal/cognitotest  88 95"
	"internal/clientcredentials 95 90"
	"internal/retrypolicy  95 90"
	"internal/redact       95 90"
	"internal/failure      95 90"
	"internal/awsenv       95 90"
	"internal/tokenstore   95 90"
	"internal/srp          95 90"
	"internal/totp         95 90"
)

log() { printf '==> %s\n' "$*" >&2; }

# All in a function: bash reads a script as it runs, and the run is long.
main() {

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="${MUTATE_OUT:-$tmp/out}"
mkdir -p "$out" "$tmp/bin"

go -C dev build -o "$tmp/mutation-gate" ./cmd/mutation-gate || exit 1
go build -modfile="$ROOT/tools/go.mod" -o "$tmp/gremlins" github.com/go-gremlins/gremlins/cmd/gremlins || exit 1

# gremlins runs `go test -coverprofile`; this `go` corrects the profile for
# tagless switches' case expressions (see dev/cmd/mutation-gate).
cat >"$tmp/bin/go" <<SHIM
#!/usr/bin/env bash
"$(command -v go)" "\$@" || exit \$?
if [[ "\${1:-}" == test ]]; then
	prev=
	for arg in "\$@"; do
		if [[ "\$prev" == -coverprofile ]]; then
			"$tmp/mutation-gate" fixcover "\$arg" || exit 1
		fi
		prev="\$arg"
	done
fi
SHIM
chmod +x "$tmp/bin/go"

mode="${MUTATE_MODE:-full}"
# The packages to measure: all listed, or the DIRs given (each must be listed).
dirs=()
selected=()
for entry in "${THRESHOLDS[@]}"; do
	read -r dir _ _ <<<"$entry"
	dirs+=("$dir")
	if [[ $# -eq 0 || " $* " =~ " ${dir} " ]]; then
		selected+=("$entry")
		if [[ ! -d "$dir" ]]; then
			echo "MUTATION TESTING FAILED: $dir is listed in scripts/mutate.sh but does not exist" >&2
			exit 1
		fi
	fi
done
# Every package the provider binary is built from must have a threshold: a
# new shipped package cannot slip past the gate.
module="$(go list -m)"
for pkg in $(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' .); do
	dir="${pkg#"$module"/}"
	if [[ "$dir" == internal/* && ! " ${dirs[*]} " =~ " ${dir} " ]]; then
		echo "MUTATION TESTING FAILED: $dir is shipped (the provider binary imports it) but has no line in scripts/mutate.sh's THRESHOLDS" >&2
		exit 1
	fi
done
for arg in "$@"; do
	if [[ ! " ${dirs[*]} " =~ " ${arg} " ]]; then
		echo "MUTATION TESTING FAILED: $arg is not listed in scripts/mutate.sh's THRESHOLDS" >&2
		exit 1
	fi
done
# A stale equivalent entry fails every run, even one that skips its package.
"$tmp/mutation-gate" equivalents -equivalent "$ROOT/.gremlins-equivalent" "${dirs[@]}" || exit 1

seed=()
if [[ -n "${MUTATE_SEED:-}" ]]; then
	seed=(-seed "$MUTATE_SEED")
fi
"$tmp/mutation-gate" plan -mode "$mode" "${seed[@]}" -record "$ROOT/.mutation-record" \
	-equivalent "$ROOT/.gremlins-equivalent" "${selected[@]}" >"$tmp/plan" || exit 1
declare -A planned hashes
first=
while read -r verb dir hash reason; do
	log "$verb $dir: $reason"
	hashes[$dir]="$hash"
	if [[ "$verb" == run ]]; then
		planned[$dir]=1
	fi
	if [[ "$reason" == *rotation* ]]; then
		first="$dir"
	fi
done <"$tmp/plan"
# Time box (MUTATE_TIMEBOX seconds): start from the package the rotation
# picked and go on cyclically, so each package is first on some day; a
# package that the box leaves no time for is deferred, not failed.
for i in "${!selected[@]}"; do
	read -r dir _ _ <<<"${selected[$i]}"
	if [[ "$dir" == "$first" ]]; then
		selected=("${selected[@]:$i}" "${selected[@]:0:$i}")
		break
	fi
done
timebox="${MUTATE_TIMEBOX:-0}"
box_start=$SECONDS
deferred=()

workers=()
if [[ -n "${MUTATE_WORKERS:-}" ]]; then
	workers=(--workers "$MUTATE_WORKERS")
fi

failed=()
summary=()
for entry in "${selected[@]}"; do
	read -r dir efficacy coverage <<<"$entry"
	if [[ -z "${planned[$dir]:-}" ]]; then
		continue
	fi
	name="${dir//\//-}"
	limit=()
	if [[ "$timebox" -gt 0 ]]; then
		left=$((timebox - (SECONDS - box_start)))
		if [[ "$left" -le 0 ]]; then
			deferred+=("$dir")
			continue
		fi
		limit=(timeout "$left")
	fi
	log "gremlins unleash ./$dir (thresholds: efficacy ${efficacy}%, mutator coverage ${coverage}%)"
	start=$SECONDS
	rc=0
	# --exclude-files '/': gremlins would also mutate the files of nested
	# packages (failure/failuretest, test support), which the package's own
	# tests do not exercise; paths are relative to the package.
	PATH="$tmp/bin:$PATH" "${limit[@]}" "$tmp/gremlins" unleash --config "$ROOT/.gremlins.yaml" "${workers[@]}" \
		--exclude-files / -o "$out/$name.json" "./$dir" >"$out/$name.log" 2>&1 || rc=$?
	if [[ "$rc" -eq 124 && ${#limit[@]} -gt 0 ]]; then
		log "$dir: deferred, the time box ran out after $((SECONDS - start))s"
		deferred+=("$dir")
		continue
	fi
	if [[ "$rc" -ne 0 || ! -s "$out/$name.json" ]]; then
		# gremlins exits non-zero only for its own thresholds (none set) or errors.
		if [[ ! -s "$out/$name.json" ]]; then
			cat "$out/$name.log"
			failed+=("$dir: gremlins did not finish (log above)")
			continue
		fi
	fi
	log "$dir: $((SECONDS - start))s"
	if result="$("$tmp/mutation-gate" gate -dir "$dir" -results "$out/$name.json" \
		-equivalent "$ROOT/.gremlins-equivalent" -efficacy "$efficacy" -coverage "$coverage" \
		-record "$ROOT/.mutation-record" -hash "${hashes[$dir]}" 2>&1)"; then
		printf '%s\n' "$result"
	else
		printf '%s\n' "$result"
		failed+=("$(tail -n1 <<<"$result")")
	fi
	summary+=("$(grep -E "^$dir: killed" <<<"$result")")
done

echo
echo "Mutation testing summary:"
printf '  %s\n' "${summary[@]}"
if [[ ${#deferred[@]} -gt 0 ]]; then
	echo "Deferred by the ${timebox}s time box (not measured in this run; the rotation puts each first in turn): ${deferred[*]}"
fi
if [[ ${#failed[@]} -gt 0 ]]; then
	echo
	echo "MUTATION TESTING FAILED:"
	printf '  %s\n' "${failed[@]}"
	exit 1
fi
echo "Mutation testing passed."
}

main "$@"; exit
