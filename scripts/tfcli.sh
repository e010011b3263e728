#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/tfcli.sh [terraform|tofu|any]
#
# Prints the absolute path of a working Terraform-compatible CLI on stdout.
# All diagnostics go to stderr, so `cli=$(scripts/tfcli.sh tofu)` is safe.
#
#   any (default)  $TF_ACC_TERRAFORM_PATH if set and executable, else
#                  `terraform` on PATH, else `tofu` on PATH, else build OpenTofu.
#   tofu           `tofu` on PATH, else build OpenTofu from the Go module proxy.
#   terraform      `terraform` on PATH, else build Terraform from the Go module
#                  proxy (its module zip omits the nested remote-state backend
#                  modules, so those backends are patched out of a private
#                  copy of the source; the local backend is all tests need).
#
# Builds are cached in
#   ${TFPC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-cognito}/bin
# and written atomically (temp file + mv), serialised with flock(1) when it is
# available, so an interrupted or concurrent build never leaves a broken binary.
#
# Environment:
#   TFPC_TOFU_VERSION        OpenTofu version to build     (default 1.12.6)
#   TFPC_TERRAFORM_VERSION   Terraform version to build    (default 1.14.8)
#   TFPC_NO_PATH=1           ignore terraform/tofu on PATH (always use/build
#                            the pinned version from the cache)
#   TFPC_CACHE_DIR           cache root (see above)
set -euo pipefail

TOFU_VERSION="${TFPC_TOFU_VERSION:-1.12.6}"
TERRAFORM_VERSION="${TFPC_TERRAFORM_VERSION:-1.14.8}"
CACHE_ROOT="${TFPC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-cognito}"
BIN_DIR="${CACHE_ROOT}/bin"

log() { printf 'tfcli: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

usage() {
	cat >&2 <<-'EOF'
		usage: scripts/tfcli.sh [terraform|tofu|any]
		Prints the absolute path of a working Terraform-compatible CLI.
	EOF
}

# abs_path FILE: absolute path of FILE (symlinks in the directory resolved).
abs_path() {
	local f="$1"
	case "$f" in
	/*) printf '%s\n' "$f" ;;
	*) printf '%s/%s\n' "$(cd "$(dirname "$f")" && pwd -P)" "$(basename "$f")" ;;
	esac
}

# works BIN [VERSION]: true if BIN is an executable that answers `version`
# (and, given VERSION, reports exactly that release, e.g. "OpenTofu v1.12.6").
# An empty CLI config is used so that a dangling TF_CLI_CONFIG_FILE in the
# caller's environment cannot make the check fail.
works() {
	local bin="$1" want="${2:-}" out
	[[ -f "$bin" && -x "$bin" ]] || return 1
	out="$(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$bin" version 2>/dev/null)" || return 1
	[[ -z "$want" ]] && return 0
	[[ "$(printf '%s\n' "$out" | head -n1)" == *" v${want}" ]]
}

# from_path NAME: absolute path of NAME on PATH if it works.
from_path() {
	local name="$1" p
	[[ "${TFPC_NO_PATH:-0}" == "1" ]] && return 1
	p="$(command -v "$name" 2>/dev/null)" || return 1
	p="$(abs_path "$p")"
	if works "$p"; then
		log "using $name from PATH: $p"
		printf '%s\n' "$p"
		return 0
	fi
	log "warning: $p does not answer '$name version'; ignoring it"
	return 1
}

# module_dir MODULE VERSION: download MODULE@VERSION from the Go module proxy
# and print its (read-only) directory in the module cache.
module_dir() {
	local mod="$1" ver="$2" json dir tmp
	command -v go >/dev/null 2>&1 || die "go is required to build $mod from source"
	tmp="$(mktemp -d)"
	# Run outside any module/workspace so the project's go.mod is untouched.
	if ! json="$(cd "$tmp" && GOFLAGS=-mod=mod GOWORK=off GO111MODULE=on go mod download -json "${mod}@${ver}")"; then
		rmdir "$tmp" 2>/dev/null || true
		printf '%s\n' "$json" >&2
		die "could not download ${mod}@${ver} from the Go module proxy"
	fi
	rmdir "$tmp" 2>/dev/null || true
	dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)"
	[[ -n "$dir" && -d "$dir" ]] || die "no module directory for ${mod}@${ver} in: $json"
	printf '%s\n' "$dir"
}

# with_lock NAME CMD...: run CMD holding an exclusive lock for NAME.
with_lock() {
	local name="$1"
	shift
	if command -v flock >/dev/null 2>&1; then
		(
			exec 9>"${BIN_DIR}/.${name}.lock"
			if ! flock -n 9; then
				log "waiting for another build of ${name} to finish ..."
				flock 9
			fi
			"$@"
		)
	else
		"$@"
	fi
}

# go_build SRCDIR PKG OUT VERSION LDFLAGS: CGO-free, trimmed release-style
# build of PKG into OUT, written atomically (temp file in the same dir + mv).
go_build() {
	local src="$1" pkg="$2" out="$3" ver="$4" ldflags="$5" tmp rc=0
	tmp="$(mktemp "${out}.tmp.XXXXXX")"
	log "building $(basename "$out") in $src (about 5 minutes on 2 cores; cached afterwards) ..."
	local start=$SECONDS
	(cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off \
		go build -trimpath -ldflags "$ldflags" -o "$tmp" "$pkg") >&2 || rc=$?
	if [[ $rc -ne 0 ]]; then
		rm -f "$tmp"
		return "$rc"
	fi
	chmod 0755 "$tmp"
	if ! works "$tmp" "$ver"; then
		rm -f "$tmp"
		log "built binary does not report v${ver} from 'version'"
		return 1
	fi
	mv -f "$tmp" "$out"
	log "built $out in $((SECONDS - start))s"
}

build_tofu() {
	local out="$1" dir
	# Another process may have finished the build while we waited for the lock.
	works "$out" "$TOFU_VERSION" && return 0
	dir="$(module_dir github.com/opentofu/opentofu "v${TOFU_VERSION}")"
	# `go install` refuses this module (replace directives) and the module
	# cache is read-only, so build from the module dir with -o outside it.
	# version.dev=no drops the "-dev" suffix, as OpenTofu's own release does.
	go_build "$dir" ./cmd/tofu "$out" "$TOFU_VERSION" \
		"-s -w -X github.com/opentofu/opentofu/version.dev=no" || die "building OpenTofu v${TOFU_VERSION} failed"
}

build_terraform() {
	local out="$1" dir work nested aliases imp alias
	works "$out" "$TERRAFORM_VERSION" && return 0
	dir="$(module_dir github.com/hashicorp/terraform "v${TERRAFORM_VERSION}")"
	work="$(mktemp -d "${BIN_DIR}/.terraform-src.XXXXXX")"
	# shellcheck disable=SC2064 # expand now: $work is local
	trap "rm -rf '$work'" EXIT
	cp -R "$dir/." "$work/"
	chmod -R u+w "$work"

	# The module zip omits nested modules (directories with their own go.mod),
	# but go.mod replaces them with those (missing) local directories. Drop
	# every local-path replacement and its requirement, and unregister the
	# backends that lived in them.
	nested="$(cd "$work" && GOFLAGS='' GOWORK=off go mod edit -json |
		sed -n 's/.*"Path": "\(github.com\/hashicorp\/terraform\/[^"]*\)".*/\1/p' | sort -u)"
	local edit_args=()
	for imp in $nested; do
		edit_args+=("-dropreplace=${imp}" "-droprequire=${imp}")
	done
	if [[ ${#edit_args[@]} -gt 0 ]]; then
		(cd "$work" && GOFLAGS='' GOWORK=off go mod edit "${edit_args[@]}")
	fi
	local init="$work/internal/backend/init/init.go"
	if [[ -f "$init" ]]; then
		aliases=""
		for imp in $nested; do
			alias="$(sed -n "s|^[[:space:]]*\([A-Za-z0-9_]*\)[[:space:]]*\"${imp}\"\$|\1|p" "$init")"
			if grep -q "\"${imp}\"" "$init"; then
				sed -i "\|\"${imp}\"|d" "$init"
				[[ -n "$alias" ]] && aliases+="${alias} "
			fi
		done
		for alias in $aliases; do
			sed -i "/[^A-Za-z0-9_]${alias}\.New(/d" "$init"
		done
		[[ -n "$aliases" ]] && log "patched out remote-state backends not in the module zip: ${aliases}"
	fi
	if ! go_build "$work" ./ "$out" "$TERRAFORM_VERSION" \
		"-s -w -X github.com/hashicorp/terraform/version.dev=no"; then
		die "building Terraform v${TERRAFORM_VERSION} from the Go module proxy failed" \
			"(see the compiler output above). Install terraform on PATH or set" \
			"TF_ACC_TERRAFORM_PATH, or try another TFPC_TERRAFORM_VERSION."
	fi
	rm -rf "$work"
	trap - EXIT
}

# cached NAME VERSION BUILDFN: print the cached build, building it if needed.
cached() {
	local name="$1" ver="$2" fn="$3" out
	mkdir -p "$BIN_DIR"
	out="${BIN_DIR}/${name}-v${ver}"
	if ! works "$out" "$ver"; then
		[[ -e "$out" ]] && log "cached $out is unusable or not v${ver}; rebuilding it"
		with_lock "${name}-v${ver}" "$fn" "$out"
	fi
	works "$out" "$ver" || die "no working ${name} v${ver} at $out"
	log "using ${name} v${ver}: $out"
	printf '%s\n' "$out"
}

main() {
	local mode="${1:-any}"
	case "$mode" in
	-h | --help)
		usage
		return 0
		;;
	any)
		if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
			if works "$TF_ACC_TERRAFORM_PATH"; then
				log "using TF_ACC_TERRAFORM_PATH: $TF_ACC_TERRAFORM_PATH"
				abs_path "$TF_ACC_TERRAFORM_PATH"
				return 0
			fi
			log "warning: TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not a working CLI; ignoring it"
		fi
		from_path terraform || from_path tofu || cached tofu "$TOFU_VERSION" build_tofu
		;;
	tofu | opentofu)
		from_path tofu || cached tofu "$TOFU_VERSION" build_tofu
		;;
	terraform)
		from_path terraform || cached terraform "$TERRAFORM_VERSION" build_terraform
		;;
	*)
		usage
		die "unknown mode '$mode'"
		;;
	esac
}

main "$@"
