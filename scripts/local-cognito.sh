#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/local-cognito.sh start DIR [FLAGS]
#     A local Cognito and Secrets Manager for trying the provider without
#     AWS (`make local-cognito` runs it with DIR=~/cognito-local). It builds
#     this checkout's provider into a filesystem mirror at DIR/mirror with a
#     private CLI configuration DIR/cli.tfrc (your own CLI configuration is
#     left alone), starts the Cognito double (dev/cmd/cognito-double) in the
#     background with a user pool, a user, an app client, machine app clients,
#     a service user who signs in with a password (SERVICE_USERNAME,
#     SERVICE_PASSWORD; USER_SRP_AUTH and USER_PASSWORD_AUTH on CLIENT_ID)
#     and the user's first refresh token in DIR/refresh-token.txt, and prints
#     the environment to export:
#         eval "$(bash scripts/local-cognito.sh start ~/cognito-local)"
#     The same lines are in DIR/env, for `source` in another shell. FLAGS go
#     to the double, e.g. -rotation (refresh-token rotation, grace period
#     0), -secret (the app client has a secret); the region is eu-west-1,
#     as in the examples, unless -region says otherwise. A double already
#     running for DIR is stopped first.
# scripts/local-cognito.sh stop DIR
#     Stop it (or: kill "$COGNITO_LOCAL_PID").
#
# The double keeps everything in memory: a restart begins a new user pool,
# so seed stores again from the new DIR/refresh-token.txt.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
GO="${GO:-go}"

log() { printf 'local-cognito: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

stop() {
	local pid
	pid="$(cat "$1/double.pid" 2>/dev/null)" || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		log "stopped the Cognito double (pid $pid)"
	fi
	rm -f "$1/double.pid"
}

start() {
	local dir="$1" pid
	shift
	mkdir -p "$dir/bin"
	dir="$(cd "$dir" && pwd -P)"
	stop "$dir"
	bash "$ROOT/scripts/mirror.sh" "$dir/mirror" 2>"$dir/build.log" || { cat "$dir/build.log" >&2; die "building the provider failed"; }
	"$GO" -C "$ROOT/dev" build -o "$dir/bin/cognito-double" ./cmd/cognito-double 2>"$dir/build.log" ||
		{ cat "$dir/build.log" >&2; die "building the Cognito double failed"; }
	cat >"$dir/cli.tfrc" <<-TFRC
		# Installs cognito-tokens/cognito from the local mirror, every other provider as usual.
		provider_installation {
		  filesystem_mirror {
		    path    = "$dir/mirror"
		    include = ["cognito-tokens/cognito"]
		  }
		  direct {
		    exclude = ["cognito-tokens/cognito"]
		  }
		}
	TFRC
	rm -f "$dir/env" "$dir/refresh-token.txt"
	local region=(-region eu-west-1)
	[[ " $* " != *" -region "* ]] || region=()
	"$dir/bin/cognito-double" -addr 127.0.0.1:0 "${region[@]}" "$@" \
		-env "$dir/env" -refresh-token-file "$dir/refresh-token.txt" >"$dir/double.log" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$dir/double.pid"
	for _ in $(seq 300); do
		[[ -s "$dir/env" ]] && break
		kill -0 "$pid" 2>/dev/null || { cat "$dir/double.log" >&2; die "the Cognito double exited"; }
		sleep 0.1
	done
	[[ -s "$dir/env" ]] || die "the Cognito double did not start within 30s"
	cat >>"$dir/env" <<-ENV
		# This provider from the local mirror, through a private CLI configuration.
		export TF_CLI_CONFIG_FILE='$dir/cli.tfrc' CHECKPOINT_DISABLE=1
		# cognito-double create-secret / put-secret-value stand in for the AWS CLI's.
		export PATH='$dir/bin':"\$PATH"
		export COGNITO_LOCAL_PID=$pid
	ENV
	log "Cognito double running (pid $pid); first refresh token in $dir/refresh-token.txt"
	cat "$dir/env"
}

case "${1:-}" in
start)
	[[ -n "${2:-}" ]] || die "usage: $0 start DIR [FLAGS]"
	start "${@:2}"
	;;
stop)
	[[ -n "${2:-}" ]] || die "usage: $0 stop DIR"
	stop "$2"
	;;
*)
	sed -n '4,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
