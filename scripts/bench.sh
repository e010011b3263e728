#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/bench.sh (make bench)
#
# Measures the provider and writes the table to BENCHMARKS.md:
#   1. per-refresh overhead: Go benchmarks in dev/bench (bare SDK call vs
#      the framework's OpenEphemeralResource / ReadDataSource), loopback double
#   2. cold start to GetProviderSchema over the real plugin handshake, and peak
#      RSS, vs an empty framework provider built in the same run; package init
#      times (GODEBUG=inittrace=1), our own packages one by one
#   3. `apply` of N = 1, 10, 100, 1000 ephemeral instances through a real CLI
#   4. release-style binary sizes
#
# Environment:
#   TFCLI          terraform | tofu | any (default terraform): resolved by
#                  scripts/tfcli.sh
#   BENCH_OUT      report file (default BENCHMARKS.md; BENCH_QUICK default: none)
#   BENCH_COUNT    go test -count for the Go benchmarks (default 5)
#   BENCH_TIME     go test -benchtime (default 1s)
#   BENCH_SCALE    instance counts (default 1,10,100,1000)
#   BENCH_SCALE_RUNS  timed applies per count (default 3)
#   BENCH_COLD_RUNS   cold starts per binary (default 15)
#   BENCH_QUICK=1  smoke run (count 1, 200ms, N up to 100, 1 apply each)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

log() { printf '==> %s\n' "$*" >&2; }

if [[ "${BENCH_QUICK:-0}" == "1" ]]; then
	: "${BENCH_COUNT:=1}" "${BENCH_TIME:=200ms}" "${BENCH_SCALE:=1,10,100}" "${BENCH_SCALE_RUNS:=1}" "${BENCH_COLD_RUNS:=3}" "${BENCH_OUT:=}"
fi
count="${BENCH_COUNT:-5}"
benchtime="${BENCH_TIME:-1s}"
scale="${BENCH_SCALE:-1,10,100,1000}"
scale_runs="${BENCH_SCALE_RUNS:-3}"
cold_runs="${BENCH_COLD_RUNS:-15}"
out="${BENCH_OUT-BENCHMARKS.md}"
# BENCH_OUT may be absolute or relative to the repository root.
if [[ -n "$out" && "$out" != /* ]]; then
	out="$ROOT/$out"
fi

# Terraform/OpenTofu print a warning on stdout when TF_CLI_CONFIG_FILE names
# a missing file; the harness writes its own CLI config for the applies.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "$TF_CLI_CONFIG_FILE" ]]; then
	unset TF_CLI_CONFIG_FILE
fi
export CHECKPOINT_DISABLE=1
unset TF_LOG TF_LOG_PROVIDER TF_LOG_PATH TF_ACC

cli="$(bash scripts/tfcli.sh "${TFCLI:-terraform}")"

# store_section FILE: the write-window benchmark as a Markdown section.
store_section() {
	printf '\n## Refresh-token store: the write window\n\n'
	printf 'From Cognito'"'"'s answer with a rotated refresh token to the end of the store'"'"'s compare-and-swap write\n'
	printf '(`tokenstore.Outcome.WriteSpan`): the one window in which a crash loses the token. Against the\n'
	printf 'double on loopback, rotation with grace 0; `ns/op` is the whole read, exchange and write cycle.\n'
	printf 'A real Secrets Manager adds three round trips (ListSecretVersionIds, PutSecretValue, UpdateSecretVersionStage).\n\n'
	printf '```text\n'
	grep '^BenchmarkStoreWriteWindow' "$1"
	printf '```\n'
}

work="$(mktemp -d "${TMPDIR:-/tmp}/cognito-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/provider"

start=$SECONDS
run_started="$(date +%s)"
log "building release-style binaries (CGO_ENABLED=0 -trimpath -ldflags '-s -w')"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/provider/terraform-provider-cognito" .
# The workshop is its own module (dev/go.mod); go -C builds it from there.
CGO_ENABLED=0 go -C dev build -trimpath -ldflags "-s -w" -o "$work/emptyprovider" ./bench/emptyprovider
go -C dev build -o "$work/benchrun" ./bench/benchrun

log "Go benchmarks: go -C dev test -run '^\$' -bench BenchmarkRefresh -benchmem -count $count -benchtime $benchtime ./bench/"
go -C dev test -run '^$' -bench BenchmarkRefresh -benchmem -count "$count" -benchtime "$benchtime" ./bench/ | tee "$work/gobench.txt" >&2

# The provider's own packages, whose init time the report lists one by one.
own_packages="$(go list -deps -f '{{if and .Module (ne .Name "main")}}{{if .Module.Main}}{{.ImportPath}}{{end}}{{end}}' . | paste -sd, -)"

log "cold start, scale through $cli, sizes"
args=(-provider "$work/provider/terraform-provider-cognito" -empty "$work/emptyprovider" -cli "$cli"
	-gobench "$work/gobench.txt" -cold-runs "$cold_runs" -scale "$scale" -scale-runs "$scale_runs" -work "$work"
	-command "${BENCH_COMMAND:-make bench}" -since "$run_started" -own-packages "$own_packages")
if [[ -n "$out" ]]; then
	args+=(-out "$out")
fi
"$work/benchrun" "${args[@]}"

# The refresh-token store's write window (issue 16): how long a rotated token
# lives only in memory before the store holds it. Appended to the report.
log "Go benchmarks: go -C dev test -run '^\$' -bench BenchmarkStoreWriteWindow -count $count -benchtime $benchtime ./bench/"
go -C dev test -run '^$' -bench BenchmarkStoreWriteWindow -count "$count" -benchtime "$benchtime" ./bench/ | tee "$work/storebench.txt" >&2
if [[ -n "$out" ]]; then
	store_section "$work/storebench.txt" >>"$out"
fi
log "done in $((SECONDS - start))s${out:+; wrote $out}"
