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
# shellcheck source=../harness.sh
. "$HERE/harness.sh"
# shellcheck source=public-step.sh
. "$HERE/public/public-step.sh"
harness_begin run-public.sh
trap 'rc=$?; sbx_teardown; say "public run $( ((rc == 0)) && echo PASSED || echo "FAILED (rc=$rc)") in $(($(date +%s) - T0)) s"; exit $rc' EXIT
trap 'exit 130' INT TERM

step "build, prepare and boot the container, install with setup_mcp.sh"
harness_install
ok "installed"

public_step
