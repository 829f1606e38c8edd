#!/usr/bin/env bash
# run-public.sh - the public path alone: boot the system-test container, install, run public-step.sh.
# Usage: test/system/public/run-public.sh [--help]   (root; the same lock and container as run.sh)
# Env: LDM_SYSTEST_NO_BUILD=1, LDM_SBX_KEEP=1, LDM_SBX_BINDS as for run.sh.
# shellcheck disable=SC2016
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
HERE=$(cd "$(dirname "$0")/.." && pwd)
REPO=$(cd "$HERE/../.." && pwd)
[[ $(id -u) == 0 ]] || { echo "run-public.sh: needs root (systemd-nspawn)" >&2; exit 77; }
# shellcheck source=../sandbox.sh
. "$HERE/sandbox.sh"
# shellcheck source=public-step.sh
. "$HERE/public/public-step.sh"
exec 8>/var/tmp/ldm-systest.run.lock
flock -w 1800 8 || { echo "run-public.sh: another system test holds /var/tmp/ldm-systest.run.lock" >&2; exit 75; }
T0=$(date +%s) STEP=0
say() { printf '%s\n' "$*" >&2; }
step() { STEP=$((STEP + 1)); printf '\n[%3ss] STEP %d: %s\n' "$(($(date +%s) - T0))" "$STEP" "$*" >&2; }
ok() { printf '  ok: %s\n' "$*" >&2; }
fail() { printf '  FAIL (step %d): %s\n' "$STEP" "$*" >&2; exit 1; }
indent() { sed 's/^/    | /' >&2; }
X() { sbx_exec "$@" 2>&1 | indent; return "${PIPESTATUS[0]}"; }
XO() { sbx_exec "$@"; }
trap 'rc=$?; sbx_teardown; say "public run $( ((rc == 0)) && echo PASSED || echo "FAILED (rc=$rc)") in $(($(date +%s) - T0)) s"; exit $rc' EXIT
trap 'exit 130' INT TERM

step "build, prepare and boot the container, install with setup_mcp.sh"
if [[ ${LDM_SYSTEST_NO_BUILD:-0} != 1 ]]; then (cd "$REPO" && node build.mjs) || fail "node build.mjs failed"; fi
LDM_SBX_BINDS="$REPO/node_modules:/src/node_modules ${LDM_SBX_BINDS:-}"
sbx_prepare || fail "sandbox preparation failed"
mkdir -p "$SBX_MERGED/root/src/dist"
for f in scripts units docs packages build.mjs package.json package-lock.json tsconfig.json tsconfig.base.json; do
  [[ -e $REPO/$f ]] && cp -a "$REPO/$f" "$SBX_MERGED/root/src/"
done
ln -s /src/node_modules "$SBX_MERGED/root/src/node_modules"
cp -a "$REPO"/dist/ldm-*.mjs "$REPO"/dist/chunks "$SBX_MERGED/root/src/dist/"
sbx_boot || fail "the container did not boot"
rc=0; XO '/root/src/scripts/setup_mcp.sh --dist /root/src/dist' > "$SBX_RUN/setup.out" 2>&1 || rc=$?
[[ $rc == 0 ]] || { indent < "$SBX_RUN/setup.out"; fail "setup_mcp.sh exited $rc"; }
ok "installed"

public_step
