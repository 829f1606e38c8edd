# shellcheck shell=bash
# Per-check timers for the owner's checks (healthcheck.custom entries with intervalSec): one
# enabled ldm-healthcheck-check@ID.timer each, its period in a drop-in. Sourced by setup_mcp.sh
# (run it again after changing intervalSec; it is idempotent) and by cleanup_mcp.sh.

readonly LDM_CHECK_TEMPLATE=ldm-healthcheck-check@

# check_intervals NODE CONFIG: "ID SECONDS" lines. Ids and periods are checked here as the config
# schema does, because they become file and unit names before any binary has validated the file.
check_intervals() {
  # shellcheck disable=SC2016  # JavaScript template literals, not shell expansions
  "$1" -e '
    const fs = require("fs");
    let c;
    try { c = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch (e) { if (e.code === "ENOENT") process.exit(0); console.error(e.message); process.exit(1); }
    for (const k of c?.healthcheck?.custom ?? []) {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(String(k?.id)) || k.enabled === false) continue;
      if (Number.isInteger(k.intervalSec) && k.intervalSec >= 10 && k.intervalSec <= 86400) console.log(`${k.id} ${k.intervalSec}`);
    }
  ' "$2"
}

# sync_check_timers NODE CONFIG START: timers for the checks with an interval, none for the others.
sync_check_timers() {
  local node=$1 config=$2 start=$3 want id sec dir tmp
  want=$(check_intervals "$node" "$config") || { warn "couldn't read healthcheck.custom from $config; per-check timers left as they are"; return 0; }
  local -A keep=()
  while read -r id sec; do
    [[ -n $id ]] || continue
    keep[$id]=1
    tmp=$(tmpfile)
    printf '# Written by %s from healthcheck.custom (%s): intervalSec.\n[Timer]\nOnUnitActiveSec=\nOnUnitActiveSec=%ss\n' "$PROG" "$config" "$sec" > "$tmp"
    put_file "$tmp" "$LDM_UNIT_DIR/$LDM_CHECK_TEMPLATE$id.timer.d/interval.conf" 0644 || true
  done <<< "$want"
  for dir in "$LDM_UNIT_DIR/$LDM_CHECK_TEMPLATE"*.timer.d; do
    [[ -d $dir ]] || continue
    id=${dir##*/"$LDM_CHECK_TEMPLATE"}
    id=${id%.timer.d}
    [[ -z ${keep[$id]:-} ]] || continue
    log "removing the timer of check $id (no intervalSec in the config any more)"
    run systemctl disable --now --quiet "$LDM_CHECK_TEMPLATE$id.timer" 2>/dev/null || true
    run rm -rf -- "$dir"
  done
  run systemctl daemon-reload
  for id in "${!keep[@]}"; do
    if [[ $start == 1 ]]; then
      run systemctl enable --now --quiet "$LDM_CHECK_TEMPLATE$id.timer" || warn "couldn't start $LDM_CHECK_TEMPLATE$id.timer"
    else
      run systemctl enable --quiet "$LDM_CHECK_TEMPLATE$id.timer" || warn "couldn't enable $LDM_CHECK_TEMPLATE$id.timer"
    fi
  done
}

# check_timer_instances: the loaded instances of the template (for cleanup).
check_timer_instances() {
  systemctl list-units "$LDM_CHECK_TEMPLATE*" --all --plain --no-legend --no-pager 2>/dev/null | awk '{print $1}'
}
