#!/usr/bin/env bash
# cleanup_mcp.sh - uninstall linux-devops-mcp: stop, disable and remove the units, remove the install.
#
# Usage: cleanup_mcp.sh [options]
#   --prefix DIR   the install to remove (default: the one in the install manifest, else /opt/linux-devops-mcp)
#   --purge        also remove the state (incidents, patterns), logs, state backups, the config,
#                  and the swap file and the ldm-sandbox user when setup created them; leaves no
#                  trace but journal entries
#   --dry-run      print what would be done and change nothing
#   -h, --help     this text
#
# Without --purge the state directory and the config stay, so a later setup_mcp.sh continues
# where this one left off. Must run as root.
# Exit: 0 ok, 64 usage, 65 the prefix is not an install, 75 busy, 77 not root; 1 when a step failed
# (the others are still done; the message names what is left).
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/check-timers.sh
. "$SCRIPT_DIR/lib/check-timers.sh"

PREFIX=
PURGE=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix) [[ $# -ge 2 ]] || usage_error "--prefix needs a directory"; PREFIX=$2; shift 2 ;;
    --purge) PURGE=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) print_help; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
need_root
take_lock
PREFIX=${PREFIX:-$(manifest_get prefix)}
PREFIX=${PREFIX:-$LDM_DEFAULT_PREFIX}
PREFIX=${PREFIX%/}
[[ $PREFIX == /* && $PREFIX != / ]] || usage_error "--prefix must be an absolute path other than /, got '$PREFIX'"
# rm -rf only what is recognisably ours.
if [[ -e $PREFIX && ! -d $PREFIX/releases && ! -L $PREFIX/current ]]; then
  die "$EX_DATAERR" "$PREFIX does not look like a linux-devops-mcp install (no releases/ or current); not removing it"
fi

FAILED=()
DONE=0   # steps taken (or, with --dry-run, that would be): "removed" is said only when there were some
step() { DONE=$((DONE + 1)); if ! run "$@"; then FAILED+=("$*"); warn "failed: $*"; fi; }

# Removal cannot be rolled back; each step is tried and the failures are listed at the end.
undo_commit
if systemd_running; then
  units=()
  for u in "${LDM_UNITS[@]}"; do
    [[ $u != *@.* ]] || continue   # templates: their instances are listed below
    if [[ -e $LDM_UNIT_DIR/$u ]] || systemctl cat "$u" >/dev/null 2>&1; then units+=("$u"); fi
  done
  while IFS= read -r u; do [[ -n $u ]] && units+=("$u"); done < <(check_timer_instances)
  if [[ ${#units[@]} -gt 0 ]]; then
    log "stopping and disabling ${units[*]}"
    step systemctl disable --now --quiet "${units[@]}"
  fi
fi
# The OnFailure= hook's drop-ins in other units' directories, and those directories when nothing else is left in them.
while IFS= read -r f; do
  step rm -f -- "$f"
  d=$(dirname -- "$f")
  if [[ $DRY_RUN == 0 && -d $d && -z $(ls -A -- "$d") ]]; then step rmdir -- "$d"; fi
done < <(onfailure_dropins)
for u in "${LDM_UNITS[@]}"; do
  if [[ -e $LDM_UNIT_DIR/$u || -L $LDM_UNIT_DIR/$u ]]; then step rm -f -- "$LDM_UNIT_DIR/$u"; fi
  if [[ -d $LDM_UNIT_DIR/$u.d ]]; then step rm -rf -- "${LDM_UNIT_DIR:?}/$u.d"; fi
done
for d in "$LDM_UNIT_DIR/$LDM_CHECK_TEMPLATE"*.d; do [[ -d $d ]] && step rm -rf -- "$d"; done
if systemd_running && ((DONE > 0)); then
  step systemctl daemon-reload
  [[ $DRY_RUN == 1 ]] || systemctl reset-failed 'ldm-*' >/dev/null 2>&1 || true
fi
if [[ -e $PREFIX ]]; then log "removing $PREFIX"; step rm -rf -- "$PREFIX"; fi

if [[ $PURGE == 1 ]]; then
  if [[ $(manifest_get sandbox_user) == created ]] && getent passwd "$LDM_SANDBOX_USER" >/dev/null; then
    log "removing the system user $LDM_SANDBOX_USER that setup created"
    step userdel "$LDM_SANDBOX_USER"
  fi
  swapfile=$(manifest_get swapfile)
  if [[ -n $swapfile ]]; then
    log "removing the swap file $swapfile that setup created"
    if swapon --show=NAME --noheadings 2>/dev/null | grep -qxF -- "$swapfile"; then step swapoff -- "$swapfile"; fi
    if grep -qsF -- "$swapfile none swap" /etc/fstab; then
      if [[ $DRY_RUN == 1 ]]; then log "[dry-run] remove '$swapfile' from /etc/fstab"
      else
        tmp=$(tmpfile)
        grep -vF -- "$swapfile none swap" /etc/fstab > "$tmp" || true
        step cp -- "$tmp" /etc/fstab
      fi
    fi
    [[ -e $swapfile ]] && step rm -f -- "$swapfile"
  fi
  for d in "$LDM_STATE_DIR" "$LDM_LOG_DIR" "$LDM_BACKUP_DIR" "$LDM_CONF_DIR" /var/lib/private/linux-devops-mcp; do
    if [[ -e $d ]]; then log "removing $d"; step rm -rf -- "$d"; fi
  done
  [[ -e $LDM_LOCK && $DRY_RUN == 0 ]] && rm -f -- "$LDM_LOCK"
else
  kept=()
  for d in "$LDM_STATE_DIR" "$LDM_CONF_DIR"; do [[ -e $d ]] && kept+=("$d"); done
  [[ ${#kept[@]} -eq 0 ]] || log "kept ${kept[*]} (--purge removes them)"
fi

if [[ ${#FAILED[@]} -gt 0 ]]; then
  die 1 "${#FAILED[@]} step(s) failed; still present: $(printf '[%s] ' "${FAILED[@]}")"
fi
if ((DONE == 0)); then log "nothing to remove: no linux-devops-mcp units, no $PREFIX$([[ $PURGE == 1 ]] && echo ', no state or config')"
elif [[ $DRY_RUN == 1 ]]; then log "dry run: would take the $DONE step(s) above; nothing was changed"
else log "linux-devops-mcp removed$([[ $PURGE == 1 ]] && echo ' (purged)')"; fi
