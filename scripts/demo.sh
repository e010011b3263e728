#!/usr/bin/env bash
# Copyright (c) The terraform-provider-cognito authors
# SPDX-License-Identifier: MPL-2.0
#
# scripts/demo.sh - `make demo`: the provider's main job in one command.
#
# Builds this provider and the demo-only "platform" provider
# (dev/demo/platform), starts the local Cognito double
# (dev/cmd/cognito-double) on 127.0.0.1, and runs a real `init`, `plan` and
# `apply -auto-approve` of examples/demo, in which
# ephemeral "cognito_refreshed_tokens" refreshes a session and hands the access
# token to the platform provider's configuration (the app client rotates
# refresh tokens with a grace period of 0; a file store keeps the chain, so
# the plan followed by the apply works); and
# ephemeral "cognito_client_credentials_token" gets the machine's own token
# (client-credentials grant) twice, from the token endpoint and from
# GetClientToken (no domain), for two more platform configurations; and
# ephemeral "cognito_sign_in" signs a service user in (SRP) for a fourth,
# revoking its refresh token when the CLI closes it: afterwards the double is
# asked to refresh with each revoked token, and its refusal is shown. Then it
# says who each token is for, its scopes and expiry, and whether the refresh
# token rotated - never a token. The CLI's own output goes to a log that is shown
# only on failure. Everything (server, temp dir) is gone when it exits.
#
# Needs only Go: both providers are installed from a local filesystem mirror
# named in a private CLI config file (TF_CLI_CONFIG_FILE), so no registry is
# contacted.
#
# Environment:
#   TFCLI        terraform | tofu | any (default any), resolved by
#                scripts/tfcli.sh exactly as `make test` does.
#   DEMO_LOG     also keep the full CLI log in this file.
#
#   A real user pool instead of the double - set all three:
#   COGNITO_DEMO_REGION          e.g. eu-west-1
#   COGNITO_DEMO_CLIENT_ID       the app client that issued the refresh token
#   COGNITO_DEMO_REFRESH_TOKEN   a refresh token from a user's sign-in
#   and optionally:
#   COGNITO_DEMO_CLIENT_SECRET   when the app client has a secret
#   COGNITO_DEMO_USER_POOL_ID    pins the expected issuer; without it the
#                                platform takes it from the token's iss claim
#                                (accepted only in Cognito's URL form)
#   COGNITO_DEMO_ENDPOINT        Cognito endpoint override (proxy, emulator)
#   COGNITO_DEMO_JWKS_URL        JWKS override (default <issuer>/.well-known/jwks.json)
#   The machine token too - set all three:
#   COGNITO_DEMO_DOMAIN              the user pool's domain (prefix or custom)
#   COGNITO_DEMO_M2M_CLIENT_ID       an app client with the client-credentials grant
#   COGNITO_DEMO_M2M_CLIENT_SECRET   its secret
#   and optionally COGNITO_DEMO_M2M_SCOPES, space-separated custom scopes
#   A service user's sign-in too - set both, and COGNITO_DEMO_USER_POOL_ID:
#   COGNITO_DEMO_SERVICE_USERNAME       a user of the pool who signs in with a
#                                       password (ALLOW_USER_SRP_AUTH on the client)
#   COGNITO_DEMO_SERVICE_PASSWORD       its password
#   The machine token from GetClientToken (no domain) too - set both:
#   COGNITO_DEMO_M2M_API_CLIENT_ID      an app client whose only auth flow is
#                                       ALLOW_CLIENT_TOKEN_AUTH
#   COGNITO_DEMO_M2M_API_CLIENT_SECRET  its secret
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
	bold=$'\e[1m' green=$'\e[32m' red=$'\e[31m' dim=$'\e[2m' off=$'\e[0m'
else
	bold="" green="" red="" dim="" off=""
fi
# Messages go to fds 3/4 (the script's stdout/stderr), so a trap that fires
# while a step's output is redirected to the log still reaches the user.
exec 3>&1 4>&2
ok() { printf '  %s✓%s %s\n' "$green" "$off" "$*" >&3; }
row() { printf '    %-10s %s\n' "$1" "$2"; }
fail() {
	printf '  %s✗ %s%s\n' "$red" "$*" "$off" >&4
	exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/cognito-demo.XXXXXX")"
log="$work/demo.log"
: >"$log"
double_pid=""
show_log=1
mark=0 # log lines before the current step; a failure shows what follows

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n "$double_pid" ]] && kill -0 "$double_pid" 2>/dev/null; then
		kill -TERM "$double_pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$double_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$double_pid" 2>/dev/null || true
		wait "$double_pid" 2>/dev/null || true
	fi
	if [[ $rc -ne 0 && $show_log -eq 1 && -s "$log" ]]; then
		printf '\n%s--- log of the failed step ---%s\n' "$dim" "$off" >&4
		tail -n "+$((mark + 1))" "$log" | tail -n 80 >&4
		if [[ -s "$work/double.log" ]]; then
			printf '%s--- Cognito double ---%s\n' "$dim" "$off" >&4
			tail -n 20 "$work/double.log" >&4
		fi
		printf '%s--- end of log%s ---%s\n' "$dim" "${DEMO_LOG:+ (all of it in $DEMO_LOG)}${DEMO_LOG:- (DEMO_LOG=file keeps all of it)}" "$off" >&4
	fi
	if [[ -n "${DEMO_LOG:-}" && $show_log -eq 1 ]]; then
		cp "$log" "$DEMO_LOG" 2>/dev/null || true
	fi
	rm -rf "$work"
	if [[ $rc -eq 0 ]]; then
		ok "cleaned up: ${double_pid:+Cognito double stopped, }temporary files removed"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'show_log=0; printf "  interrupted\n" >&4; exit 130' INT
trap 'exit 143' TERM

# json_string FILE KEY: the string value of KEY in a flat JSON object
# (compact or indented; the double's values need no escaping).
json_string() {
	grep -o "\"$2\"[[:space:]]*:[[:space:]]*\"[^\"]*\"" "$1" | head -n1 | sed 's/.*:[[:space:]]*"\(.*\)"$/\1/' || true
}

# minutes_until RFC3339: whole minutes from now, or nothing if date(1) cannot parse it.
minutes_until() {
	local t
	t="$(date -u -d "$1" +%s 2>/dev/null || date -u -j -f '%Y-%m-%dT%H:%M:%SZ' "$1" +%s 2>/dev/null)" || return 0
	echo $(((t - $(date +%s) + 30) / 60))
}

printf '%sCognito token hand-off demo%s %s(full log on failure)%s\n' "$bold" "$off" "$dim" "$off"

# --- which user pool ------------------------------------------------------
real=0
if [[ -n "${COGNITO_DEMO_REGION:-}${COGNITO_DEMO_CLIENT_ID:-}${COGNITO_DEMO_REFRESH_TOKEN:-}" ]]; then
	missing=""
	for v in COGNITO_DEMO_REGION COGNITO_DEMO_CLIENT_ID COGNITO_DEMO_REFRESH_TOKEN; do
		[[ -n "${!v:-}" ]] || missing+=" $v"
	done
	[[ -z "$missing" ]] || {
		show_log=0
		fail "a real user pool needs COGNITO_DEMO_REGION, COGNITO_DEMO_CLIENT_ID and COGNITO_DEMO_REFRESH_TOKEN; missing:$missing"
	}
	real=1
fi

# --- the CLI ----------------------------------------------------------------
cli="$(scripts/tfcli.sh "${TFCLI:-any}" 2>>"$log")" || fail "no Terraform/OpenTofu CLI (scripts/tfcli.sh ${TFCLI:-any})"
cli_version="$(TF_CLI_CONFIG_FILE=/dev/null "$cli" version 2>>"$log")" || fail "$cli does not answer 'version'"
cli_version="${cli_version%%$'\n'*}"
case "$cli_version" in
"Terraform v"*) need_minor=10 host=registry.terraform.io ;;
"OpenTofu v"*) need_minor=11 host=registry.opentofu.org ;;
*) fail "$cli does not look like Terraform or OpenTofu: $cli_version" ;;
esac
ver="${cli_version##* v}"
IFS=. read -r major minor _ <<<"$ver"
if ((major < 1 || (major == 1 && minor < need_minor))); then
	fail "$cli_version is too old: ephemeral resources need Terraform 1.10 or OpenTofu 1.11"
fi

# --- build ----------------------------------------------------------------
# The providers go into a local filesystem mirror, so `init` really installs
# them (and writes a lock file) without any registry. dev_overrides would
# need no init at all, but with them `init` still asks the registry and fails
# offline.
mirror="$work/mirror"
target="$(go env GOOS)_$(go env GOARCH)"
cognito_dir="$mirror/$host/cognito-tokens/cognito/0.1.0/$target" # matches the examples' "~> 0.1"
platform_dir="$mirror/$host/cognito-tokens/platform/0.0.1/$target"
{
	go build -o "$cognito_dir/terraform-provider-cognito" .
	# The demo provider and the double live in the workshop module (dev/go.mod).
	go -C dev build -o "$platform_dir/terraform-provider-platform" ./demo/platform/cmd/terraform-provider-platform
	[[ $real -eq 1 ]] || go -C dev build -o "$work/cognito-double" ./cmd/cognito-double
} >>"$log" 2>&1 || fail "go build failed"
if [[ $real -eq 1 ]]; then
	ok "built the cognito provider and the demo platform provider"
else
	ok "built the cognito provider, the demo platform provider and the local Cognito double"
fi
cat >"$work/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["cognito-tokens/cognito", "cognito-tokens/platform"]
  }
  direct {
    exclude = ["cognito-tokens/cognito", "cognito-tokens/platform"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_LOG TF_LOG_PATH TF_LOG_PROVIDER TF_LOG_CORE TF_DATA_DIR TF_WORKSPACE TF_PLUGIN_CACHE_DIR

# --- the user pool ------------------------------------------------------------
export TF_VAR_region TF_VAR_client_id
refresh_token=""
m2m_secret=""
m2m_api_secret=""
service_password=""
if [[ $real -eq 1 ]]; then
	TF_VAR_region="$COGNITO_DEMO_REGION"
	TF_VAR_client_id="$COGNITO_DEMO_CLIENT_ID"
	refresh_token="$COGNITO_DEMO_REFRESH_TOKEN"
	[[ -z "${COGNITO_DEMO_CLIENT_SECRET:-}" ]] || export TF_VAR_client_secret="$COGNITO_DEMO_CLIENT_SECRET"
	[[ -z "${COGNITO_DEMO_USER_POOL_ID:-}" ]] || export TF_VAR_user_pool_id="$COGNITO_DEMO_USER_POOL_ID"
	[[ -z "${COGNITO_DEMO_ENDPOINT:-}" ]] || export TF_VAR_endpoint="$COGNITO_DEMO_ENDPOINT"
	[[ -z "${COGNITO_DEMO_JWKS_URL:-}" ]] || export TF_VAR_jwks_url="$COGNITO_DEMO_JWKS_URL"
	if [[ -n "${COGNITO_DEMO_DOMAIN:-}" && -n "${COGNITO_DEMO_M2M_CLIENT_ID:-}" && -n "${COGNITO_DEMO_M2M_CLIENT_SECRET:-}" ]]; then
		export TF_VAR_machine=true TF_VAR_domain="$COGNITO_DEMO_DOMAIN"
		export TF_VAR_m2m_client_id="$COGNITO_DEMO_M2M_CLIENT_ID" TF_VAR_m2m_client_secret="$COGNITO_DEMO_M2M_CLIENT_SECRET"
		m2m_secret="$COGNITO_DEMO_M2M_CLIENT_SECRET"
		if [[ -n "${COGNITO_DEMO_M2M_SCOPES:-}" ]]; then
			scopes_hcl="$(printf '"%s",' $COGNITO_DEMO_M2M_SCOPES)"
			export TF_VAR_m2m_scopes="[${scopes_hcl%,}]"
		fi
	fi
	if [[ -n "${COGNITO_DEMO_M2M_API_CLIENT_ID:-}" && -n "${COGNITO_DEMO_M2M_API_CLIENT_SECRET:-}" ]]; then
		export TF_VAR_machine_api=true TF_VAR_m2m_api_client_id="$COGNITO_DEMO_M2M_API_CLIENT_ID"
		export TF_VAR_m2m_api_client_secret="$COGNITO_DEMO_M2M_API_CLIENT_SECRET"
		m2m_api_secret="$COGNITO_DEMO_M2M_API_CLIENT_SECRET"
	fi
	if [[ -n "${COGNITO_DEMO_SERVICE_USERNAME:-}" && -n "${COGNITO_DEMO_SERVICE_PASSWORD:-}" && -n "${COGNITO_DEMO_USER_POOL_ID:-}" ]]; then
		service_password="$COGNITO_DEMO_SERVICE_PASSWORD"
		export TF_VAR_sign_in=true TF_VAR_service_username="$COGNITO_DEMO_SERVICE_USERNAME" TF_VAR_service_password="$service_password"
	fi
	ok "using your user pool in $COGNITO_DEMO_REGION${COGNITO_DEMO_USER_POOL_ID:+ ($COGNITO_DEMO_USER_POOL_ID)}${COGNITO_DEMO_ENDPOINT:+ via $COGNITO_DEMO_ENDPOINT} - no local double"
else
	info="$work/double.json"
	# The demo app client rotates refresh tokens with a grace period of 0:
	# every open spends the token it presents, and only the store keeps the
	# chain between plan and apply.
	"$work/cognito-double" -addr 127.0.0.1:0 -region us-east-1 -secret -rotation -grace 0 -out "$info" >"$work/double.log" 2>&1 3>&- 4>&- &
	double_pid=$!
	refresh_token=""
	for _ in $(seq 300); do
		[[ -s "$info" ]] && refresh_token="$(json_string "$info" refresh_token)"
		[[ -n "$refresh_token" ]] && break
		kill -0 "$double_pid" 2>/dev/null || fail "the Cognito double exited early"
		sleep 0.1
	done
	[[ -n "$refresh_token" ]] || fail "the Cognito double did not start within 30s"
	endpoint="$(json_string "$info" endpoint)"
	pool_id="$(json_string "$info" pool_id)"
	TF_VAR_region="$(json_string "$info" region)"
	TF_VAR_client_id="$(json_string "$info" client_id)"
	client_secret="$(json_string "$info" client_secret)"
	[[ -z "$client_secret" ]] || export TF_VAR_client_secret="$client_secret"
	export TF_VAR_endpoint="$endpoint" TF_VAR_user_pool_id="$pool_id"
	export TF_VAR_jwks_url="$endpoint/$pool_id/.well-known/jwks.json"
	# The machine flow: the double's token endpoint and its M2M app client.
	m2m_secret="$(json_string "$info" m2m_client_secret)"
	export TF_VAR_machine=true TF_VAR_token_url="$(json_string "$info" token_url)"
	export TF_VAR_m2m_client_id="$(json_string "$info" m2m_client_id)" TF_VAR_m2m_client_secret="$m2m_secret"
	export TF_VAR_m2m_scopes='["platform/deploy"]'
	# And GetClientToken, with the double's ALLOW_CLIENT_TOKEN_AUTH client.
	m2m_api_secret="$(json_string "$info" m2m_api_client_secret)"
	export TF_VAR_machine_api=true TF_VAR_m2m_api_client_id="$(json_string "$info" m2m_api_client_id)"
	export TF_VAR_m2m_api_client_secret="$m2m_api_secret"
	# And a service user who signs in with SRP on the same app client.
	service_password="$(json_string "$info" service_password)"
	export TF_VAR_sign_in=true TF_VAR_service_username="$(json_string "$info" service_username)" TF_VAR_service_password="$service_password"
	ok "local Cognito double at $endpoint (user pool $pool_id, refresh-token rotation on, a service user who signs in, token endpoint and GetClientToken for machines)"
fi

# --- the refresh-token store: seeded once, kept current by the provider ----------
store="$work/refresh-token"
(
	umask 077
	printf '%s\n' "$refresh_token" >"$store"
)
export TF_VAR_refresh_token_file="$store"

# kill -USR1 makes the double write its counts next to $info.
double_stats() {
	[[ $real -eq 0 ]] || return 0
	rm -f "$info.stats"
	kill -USR1 "$double_pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		[[ -s "$info.stats" ]] && break
		sleep 0.1
	done
	grep -o '"rotations":[0-9]*' "$info.stats" 2>/dev/null | cut -d: -f2
}

# stat KEY: a number from the double's last stats.
double_stat() { grep -o "\"$1\":[0-9]*" "$info.stats" 2>/dev/null | cut -d: -f2; }

# --- init + plan + apply ---------------------------------------------------------
tf="$work/tf"
mkdir -p "$tf"
cp "$root"/examples/demo/*.tf "$root"/examples/demo/*.tofu "$tf/"
start=$SECONDS
mark="$(wc -l <"$log")"
"$cli" -chdir="$tf" init -input=false -no-color >>"$log" 2>&1 || fail "$cli_version init failed"
mark="$(wc -l <"$log")"
"$cli" -chdir="$tf" plan -input=false -no-color >>"$log" 2>&1 || fail "$cli_version plan failed"
after_plan="$(double_stats)"
ok "$cli_version: plan succeeded${after_plan:+ (rotations so far: $after_plan; the file store holds the new token)}"
mark="$(wc -l <"$log")"
"$cli" -chdir="$tf" apply -auto-approve -input=false -no-color >>"$log" 2>&1 || fail "$cli_version apply failed"
rotations="$(double_stats)"
ok "$cli_version: apply succeeded after that plan${rotations:+ (rotations so far: $rotations)}; init + plan + apply of examples/demo in $((SECONDS - start))s"

out() { "$cli" -chdir="$tf" output -raw "$1" 2>>"$log" || fail "reading output $1 failed"; }
username="$(out username)"
sub="$(out sub)"
scopes="$(out scopes)"
token_use="$(out token_use)"
issuer="$(out issuer)"
expires_at="$(out expires_at)"

# --- never a token: check what this run wrote ------------------------------------
stored="$(tr -d '[:space:]' <"$store")"
if grep -q 'eyJ' "$tf/terraform.tfstate" || { [[ -n "$refresh_token" ]] && grep -qF "$refresh_token" "$tf/terraform.tfstate" "$log"; } ||
	{ [[ -n "$stored" ]] && grep -qF "$stored" "$tf/terraform.tfstate" "$log"; } ||
	{ [[ -n "$m2m_secret" ]] && grep -qF "$m2m_secret" "$tf/terraform.tfstate" "$log"; } ||
	{ [[ -n "$m2m_api_secret" ]] && grep -qF "$m2m_api_secret" "$tf/terraform.tfstate" "$log"; } ||
	{ [[ -n "$service_password" ]] && grep -qF "$service_password" "$tf/terraform.tfstate" "$log"; }; then
	show_log=0
	fail "a token or secret reached the state or the CLI output - please report this (log withheld)"
fi

mins="$(minutes_until "$expires_at")"
if [[ -n "$rotations" && "$rotations" -gt 0 ]]; then
	rotation="$rotations times (grace period 0), across the plan and the apply; each new token was written to the file store before the run went on"
elif [[ "$stored" != "$refresh_token" ]]; then
	rotation="yes - Cognito issued new refresh tokens, and the file store holds the latest"
else
	rotation="no - this app client does not rotate refresh tokens"
fi

opens="$(grep -cE '^ephemeral\.cognito_refreshed_tokens\.[^:]+: Open(ing)? complete' "$log" || true)"
case "$opens" in
0) refreshed="no token stored in the plan or the state" ;;
1) refreshed="once; no token stored in the plan or the state" ;;
*) refreshed="$opens times (once per plan or apply phase); no token stored in the plan or the state" ;;
esac

printf '\n%sThe platform provider was configured with a freshly refreshed access token:%s\n' "$bold" "$off"
row "user" "$username (sub $sub)"
row "scopes" "$scopes"
row "verified" "$token_use token; RS256 signature checked against the pool's JWKS"
row "issuer" "$issuer"
row "expires" "$expires_at${mins:+ (in $mins minutes)}"
row "rotated" "$rotation"
row "refreshed" "$refreshed"
if [[ "${TF_VAR_machine:-false}" == true ]]; then
	machine_is_client="$(out machine_is_client)"
	machine_expires="$(out machine_expires_at)"
	machine_mins="$(minutes_until "$machine_expires")"
	requests="$(grep -cE '^ephemeral\.cognito_client_credentials_token\.machine\[[^:]+: Open(ing)? complete' "$log" || true)"
	printf '\n%sThe platform provider (alias "machine") was configured with the machine'"'"'s own access token, from the token endpoint:%s\n' "$bold" "$off"
	if [[ "$machine_is_client" == true ]]; then
		row "identity" "the app client itself: no user, sub is the client id (not shown)"
	else
		row "identity" "unexpected: the token names a user"
	fi
	row "scopes" "$(out machine_scopes)"
	row "verified" "$(out machine_token_use) token; RS256 signature checked against the same JWKS"
	row "expires" "$machine_expires${machine_mins:+ (in $machine_mins minutes)}"
	case "$requests" in
	1) requested="once (billed by Cognito); no token stored in the plan or the state" ;;
	*) requested="${requests:-0} times (plan, then apply), each billed by Cognito; no token stored in the plan or the state" ;;
	esac
	row "requested" "$requested"
fi
if [[ "${TF_VAR_machine_api:-false}" == true ]]; then
	api_requests="$(grep -cE '^ephemeral\.cognito_client_credentials_token\.machine_api\[[^:]+: Open(ing)? complete' "$log" || true)"
	printf '\n%sThe platform provider (alias "machine_api") was configured with a machine token from GetClientToken (no domain):%s\n' "$bold" "$off"
	if [[ "$(out machine_api_is_client)" == true ]]; then
		row "identity" "the app client itself (its only auth flow: ALLOW_CLIENT_TOKEN_AUTH)"
	else
		row "identity" "unexpected: the token names a user"
	fi
	row "scopes" "$(out machine_api_scopes)"
	row "requested" "${api_requests:-0} times through the Cognito API, each billed like a token-endpoint request; no token stored in the plan or the state"
fi
if [[ "${TF_VAR_sign_in:-false}" == true ]]; then
	sign_ins="$(grep -cE '^ephemeral\.cognito_sign_in\.service\[[^:]+: Open(ing)? complete' "$log" || true)"
	printf '\n%sThe platform provider (alias "service") was configured with a service user'"'"'s access token, from a sign-in:%s\n' "$bold" "$off"
	row "user" "$(out service_username) (sub $(out service_sub))"
	row "verified" "$(out service_token_use) token; RS256 signature checked against the same JWKS"
	row "signed in" "${sign_ins:-0} times (once per plan or apply phase), with SRP: the password never left this machine"
	if [[ $real -eq 0 ]]; then
		refused="$(double_stat revoked_refused)"
		refusal="$(json_string "$info.stats" refusal)"
		row "revoked" "$(double_stat revocations) refresh tokens, each when the CLI closed the resource (revoke_on_close)"
		if [[ -n "$refused" && "$refused" -gt 0 && "$refused" == "$(double_stat revocations)" ]]; then
			row "afterwards" "each presented again to GetTokensFromRefreshToken: refused ($refusal)"
		else
			fail "a revoked refresh token still works (refused ${refused:-0} of $(double_stat revocations))"
		fi
	else
		row "revoked" "each sign-in's refresh token when the CLI closed the resource (revoke_on_close)"
	fi
fi
if [[ $real -eq 1 && "$stored" != "$refresh_token" ]]; then
	printf '\n  Note: Cognito rotated COGNITO_DEMO_REFRESH_TOKEN. It stops working after the app\n'
	printf '  client'"'"'s grace period, and the demo'"'"'s store is deleted with it: sign in again.\n'
fi
printf '\n'
