#!/usr/bin/env bash
# run-attack.sh - the attack suite alone: boot the system-test container, install, run attack-step.sh.
# Usage: test/system/attack/run-attack.sh [--help]   (root; the same lock and container as run.sh)
# Env: LDM_ATTACK_ONLY=REGEX (cases or families), LDM_ATTACK_RESULTS=FILE (keep the JSON lines),
#      LDM_SYSTEST_NO_BUILD=1, LDM_SBX_KEEP=1 as for run.sh.
# shellcheck disable=SC2016
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
ATTACK_HERE=$(cd "$(dirname "$0")" && pwd)
HERE=$(cd "$ATTACK_HERE/.." && pwd)
REPO=$(cd "$HERE/../.." && pwd)
[[ $(id -u) == 0 ]] || { echo "run-attack.sh: needs root (systemd-nspawn)" >&2; exit 77; }
# shellcheck source=../sandbox.sh
. "$HERE/sandbox.sh"
# shellcheck source=../harness.sh
. "$HERE/harness.sh"
# shellcheck source=attack-step.sh
. "$ATTACK_HERE/attack-step.sh"
harness_begin run-attack.sh
trap 'rc=$?; sbx_teardown; say "attack run $( ((rc == 0)) && echo PASSED || echo "FAILED (rc=$rc)") in $(($(date +%s) - T0)) s"; exit $rc' EXIT
trap 'exit 130' INT TERM

step "build, prepare and boot the container, install with setup_mcp.sh"
harness_install
X 'systemctl is-active ldm-healthcheck.timer ldm-idle-watcher.timer ldm-mcp-http.socket' || fail "the suite's units are not active"
ok "installed"

attack_step
for f in "${FIGURES[@]}"; do say "figure: $f"; done
for p in "${PENDING[@]}"; do say "PENDING: $p"; done
