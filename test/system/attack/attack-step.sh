# shellcheck shell=bash
# attack-step.sh - the attack suite as one step of the system test (issue #12: attack tests by
# effect). Sourced by run.sh (and run-attack.sh); uses its step/ok/fail/pending/X/XO and sandbox.sh.
#
# The driver (driver.mjs) runs inside the container as root, next to the installed server, with real
# MCP SDK clients: stdio spawning /opt/linux-devops-mcp/bin/ldm-mcp-server (as ssh would) and HTTP to
# the socket-activated ldm-mcp-http. Running it inside rather than from the host through nsenter
# keeps one view of the host (files, units, /proc) for the attacks and the judge, and lets the
# driver read /proc, systemctl and the files between cases without a process per check.
# Env: LDM_ATTACK_ONLY=REGEX runs only the cases (or families) it matches.

ATTACK_HERE=${ATTACK_HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
# What the suite's own cleanup must leave as it found it (the purge step compares the same kind of list).
ATTACK_FS_LIST='find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path /var/tmp -o -path /var/log/journal -o -path /var/lib/systemd -o -path /var/cache -o -path /root -o -path /var/lib/linux-devops-mcp -o -path /var/log/linux-devops-mcp \) -prune -o -printf "%p %y %m %u:%g\n" 2>/dev/null | LC_ALL=C sort'

# Model commands on the old design run as root in the container's cgroups, which (on a cgroup v1
# host) have no task or memory limit: cap the container so a fork or memory attack that gets
# through cannot take the shared machine down with it. The caps are far above what the cases judge.
attack_cap_container() {
  local c cg p procs
  procs=$(find "/sys/fs/cgroup/systemd/$SBX_NAME" "/sys/fs/cgroup/$SBX_NAME" -name cgroup.procs -exec cat {} + 2>/dev/null) || true
  for c in pids memory; do
    [[ -d /sys/fs/cgroup/$c && ! -e /sys/fs/cgroup/cgroup.controllers ]] || continue   # v1 controllers only
    cg=/sys/fs/cgroup/$c/$SBX_NAME-attack
    mkdir -p "$cg" && SBX_CGS+=("$cg")                        # sbx_teardown removes it
    [[ $c == pids ]] && echo 6000 > "$cg/pids.max"
    [[ $c == memory ]] && echo $((4 * 1024 * 1024 * 1024)) > "$cg/memory.limit_in_bytes"
    for _ in 1 2 3; do for p in $procs; do echo "$p" 2>/dev/null > "$cg/cgroup.procs" || true; done; done
    ATTACK_CGS+=("$cg")
  done
  if [[ -e /sys/fs/cgroup/cgroup.controllers && -e /sys/fs/cgroup/$SBX_NAME/pids.max ]]; then echo 6000 > "/sys/fs/cgroup/$SBX_NAME/pids.max"; fi
  return 0
}

# Runs CMD in the container with this shell placed in the capped cgroups (what it starts inherits
# them), then back in the root ones. No subshell: run.sh's watchdog and Ctrl-C must reach the loop
# in sbx_exec.
attack_exec() {
  local cg rc=0
  for cg in "${ATTACK_CGS[@]}"; do echo "$$" > "$cg/cgroup.procs"; done
  sbx_exec "$@" || rc=$?
  for cg in "${ATTACK_CGS[@]}"; do echo "$$" > "${cg%/*}/cgroup.procs"; done
  return "$rc"
}

attack_step() {
  local in=/root/src/test/system/attack rc kind text held breached
  ATTACK_CGS=()
  step "attack suite: the model's attacks change nothing on the host; everyday work and approved changes do (issue #12)"
  mkdir -p "$SBX_MERGED$in"
  cp -a "$ATTACK_HERE/." "$SBX_MERGED$in/"
  node "$ATTACK_HERE/bundle.mjs" "$SBX_MERGED$in/driver.bundle.mjs" || fail "couldn't bundle the attack driver"
  XO "$ATTACK_FS_LIST" > "$SBX_RUN/attack-fs-before.txt"
  X "bash $in/plant.sh" || fail "planting the canaries failed"
  attack_cap_container
  rc=0
  attack_exec -t 900 "cd $in && node driver.bundle.mjs ${LDM_ATTACK_ONLY:+--only "'$LDM_ATTACK_ONLY'"}" > "$SBX_RUN/attack.jsonl" 2> "$SBX_RUN/attack.err" || rc=$?
  tail -n 40 "$SBX_RUN/attack.err" | indent
  [[ $rc == 0 ]] || say "  the driver exited $rc (killed by an attack, or a harness error); what it reported is summarised"
  cp "$SBX_RUN/attack.jsonl" "${LDM_ATTACK_RESULTS:-/dev/null}" 2>/dev/null || true
  held=0 breached=0
  while IFS=$'\t' read -r kind text; do
    case $kind in
      pending) pending "$text" ;;
      figure) FIGURES+=("$text") ;;
      held) held=$text ;;
      breached) breached=$text ;;
    esac
  done < <(node "$ATTACK_HERE/summarize.mjs" "$SBX_RUN/attack.jsonl" "$SBX_MERGED$in/corpus")
  X "bash $in/unplant.sh"
  XO "$ATTACK_FS_LIST" > "$SBX_RUN/attack-fs-after.txt"
  if ! diff -u "$SBX_RUN/attack-fs-before.txt" "$SBX_RUN/attack-fs-after.txt" >&2; then
    [[ $breached == 0 && $rc == 0 ]] && fail "the attack step left files behind (diff above)"
  fi
  node "$ATTACK_HERE/summarize.mjs" --check "$SBX_RUN/attack.jsonl" "$SBX_MERGED$in/corpus" ||
    fail "attack suite: $breached breached, $held held (cases above); see $SBX_RUN/attack.jsonl (LDM_SBX_KEEP=1 keeps it)"
  [[ $rc == 0 ]] || fail "the attack driver exited $rc"
  ok "attack suite: all $held cases held; everyday operations and approved changes work"
}
