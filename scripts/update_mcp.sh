#!/usr/bin/env bash
# update_mcp.sh - update linux-devops-mcp to a new build, or roll back to the previous one.
#
# Usage: update_mcp.sh [options]
#   --source DIR   build from this checkout (default: the one recorded by setup_mcp.sh); a git
#                  checkout is pulled first (git pull --ff-only)
#   --no-pull      build the checkout as it is
#   --dist DIR     install these prebuilt bundles (dist/ldm-*.mjs) instead of building
#   --rollback     switch back to the previous release and restore the state backup taken
#                  when the current one was installed (the state as it is now is backed up first)
#   --prefix DIR   the install (default: from the install manifest)
#   --dry-run      print what would be done and change nothing
#   -h, --help     this text
#
# Steps: build, stop the timers, back up the state directory (tarball in
# /var/backups/linux-devops-mcp; the binaries migrate the documents on their next read),
# install the release beside the old one, switch PREFIX/current, then check it: every binary's
# --version, and one real run of ldm-healthcheck.service (exit 0-2 is a result; a failed unit
# is not). On failure the old release, the units and the state backup are put back.
# Exit: 0 updated or already up to date, 1 the new release failed its check and was rolled
# back, 64 usage, 65 bad input, 69 missing tool, 70 the build failed (npm install, node build.mjs),
# 75 busy, 77 not root.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/release.sh
. "$SCRIPT_DIR/lib/release.sh"

PREFIX=
SOURCE=
DIST=
PULL=1
ROLLBACK=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --source) [[ $# -ge 2 ]] || usage_error "--source needs a directory"; SOURCE=$2; shift 2 ;;
    --dist) [[ $# -ge 2 ]] || usage_error "--dist needs a directory"; DIST=$2; shift 2 ;;
    --no-pull) PULL=0; shift ;;
    --rollback) ROLLBACK=1; shift ;;
    --prefix) [[ $# -ge 2 ]] || usage_error "--prefix needs a directory"; PREFIX=$2; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) print_help; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
[[ -z $SOURCE || -z $DIST ]] || usage_error "give --source or --dist, not both"
need_root
systemd_running || [[ $DRY_RUN == 1 ]] || die "$EX_UNAVAILABLE" "systemd is not running here (no /run/systemd/system)"
take_lock
[[ -r $LDM_MANIFEST ]] || die "$EX_DATAERR" "no install manifest $LDM_MANIFEST: install with setup_mcp.sh first"
PREFIX=${PREFIX:-$(manifest_get prefix)}
PREFIX=${PREFIX%/}
OLD=$(current_release "$PREFIX")
[[ -n $OLD && -d $PREFIX/releases/$OLD ]] || die "$EX_DATAERR" "$PREFIX/current does not point at a release: reinstall with setup_mcp.sh"
find_node "$(manifest_get node)"
select_units   # the HTTP transport only when setup installed it (the manifest's http=)

TIMERS=(ldm-healthcheck.timer ldm-idle-watcher.timer)
ACTIVE_TIMERS=()
# Quiesces the writers that systemd runs (the timers' jobs); an MCP session over ssh may still
# write, which the document store's locks and atomic renames make safe for the tarball.
stop_timers() {
  local t i
  for t in "${TIMERS[@]}"; do systemctl is-active --quiet "$t" && ACTIVE_TIMERS+=("$t"); done
  if [[ ${#ACTIVE_TIMERS[@]} -gt 0 ]]; then
    run systemctl stop "${ACTIVE_TIMERS[@]}"
    undo_push systemctl start "${ACTIVE_TIMERS[@]}"
  fi
  for i in $(seq 120); do   # a run in progress finishes (TimeoutStartSec bounds it)
    systemctl is-active --quiet ldm-healthcheck.service ldm-idle-watcher.service || break
    ((i == 1)) && log "waiting for a running health check / idle watcher to finish"
    sleep 1
  done
}

# backup_state LABEL: a tarball of the state directory; sets BACKUP. Keeps the newest 10.
backup_state() {
  BACKUP=
  [[ -d $LDM_STATE_DIR ]] || return 0
  run install -d -m 0700 "$LDM_BACKUP_DIR"
  BACKUP=$LDM_BACKUP_DIR/state-$(date -u +%Y%m%dT%H%M%SZ)-$1.tar.gz
  log "backing up $LDM_STATE_DIR to $BACKUP"
  run tar -C "$(dirname "$LDM_STATE_DIR")" -czf "$BACKUP.tmp" "$(basename "$LDM_STATE_DIR")" || die "couldn't back up $LDM_STATE_DIR to $BACKUP"
  run mv -f -- "$BACKUP.tmp" "$BACKUP"
  # The names start with a UTC timestamp, so name order is age order.
  [[ $DRY_RUN == 1 ]] || find "$LDM_BACKUP_DIR" -maxdepth 1 -name 'state-*.tar.gz' | sort -r | tail -n +11 | xargs -r rm -f --
}

# restore_state TARBALL: the state directory as it was in TARBALL; the current one is kept as
# a tarball beside it first, so nothing written since is lost.
restore_state() {
  local tarball=$1 parent
  parent=$(dirname "$LDM_STATE_DIR")
  tar -C "$parent" -czf "$LDM_BACKUP_DIR/state-$(date -u +%Y%m%dT%H%M%SZ)-before-restore.tar.gz" "$(basename "$LDM_STATE_DIR")" ||
    { warn "couldn't save the current state before restoring; leaving $LDM_STATE_DIR as it is"; return 1; }
  rm -rf -- "$LDM_STATE_DIR.restore"
  mkdir -p "$LDM_STATE_DIR.restore"
  tar -C "$LDM_STATE_DIR.restore" -xzf "$tarball" || { warn "couldn't unpack $tarball"; return 1; }
  rm -rf -- "$LDM_STATE_DIR"
  mv -T -- "$LDM_STATE_DIR.restore/$(basename "$LDM_STATE_DIR")" "$LDM_STATE_DIR"
  rmdir -- "$LDM_STATE_DIR.restore"
  log "restored $LDM_STATE_DIR from $tarball"
}

# The documents' schema versions, e.g. "state.json=1 incidents.json=1 patterns.json=1".
doc_versions() {
  # shellcheck disable=SC2016  # JavaScript template literals, not shell expansions
  "$NODE_BIN" -e '
    const fs = require("fs"), path = require("path");
    console.log(["state.json", "incidents.json", "patterns.json"].map((f) => {
      try { return `${f}=${JSON.parse(fs.readFileSync(path.join(process.argv[1], f), "utf8")).version ?? "?"}`; }
      catch (e) { return `${f}=${e.code === "ENOENT" ? "none" : "unreadable"}`; }
    }).join(" "));' "$LDM_STATE_DIR"
}

# verify_release ID: each binary answers --version with the release's version, and one real
# health check run in its unit does not fail. Prints why not and returns 1.
verify_release() {
  local id=$1 version b out result status
  version=$(cat "$PREFIX/releases/$id/VERSION")
  for b in "${LDM_BINARIES[@]}"; do
    out=$(timeout 30 "$PREFIX/bin/ldm-$b" --version 2>&1) || { log "check failed: ldm-$b --version: $out"; return 1; }
    [[ $out == "ldm-$b $version" ]] || { log "check failed: ldm-$b --version printed '$out', expected 'ldm-$b $version'"; return 1; }
  done
  log "running ldm-healthcheck.service once with the new release"
  systemctl reset-failed ldm-healthcheck.service 2>/dev/null || true
  systemctl start ldm-healthcheck.service || true
  result=$(systemctl show -p Result --value ldm-healthcheck.service)
  status=$(systemctl show -p ExecMainStatus --value ldm-healthcheck.service)
  if [[ $result != success ]]; then
    log "check failed: ldm-healthcheck.service result '$result', exit status $status; its last lines:"
    journalctl -u ldm-healthcheck.service -n 8 --no-pager -o cat >&2 || true
    return 1
  fi
  log "ldm-healthcheck exited $status (0 OK, 1 WARNING, 2 CRITICAL are all working results)"
}

if [[ $ROLLBACK == 1 ]]; then
  PREV=$(basename -- "$(readlink -- "$PREFIX/previous" 2>/dev/null || echo '')")
  [[ -n $PREV && -d $PREFIX/releases/$PREV ]] || die "$EX_DATAERR" "no previous release to roll back to in $PREFIX"
  log "rolling back $OLD -> $PREV"
  stop_timers
  set_link "$PREFIX" current "$PREV"
  set_link "$PREFIX" previous "$OLD"
  install_wrappers "$PREFIX"
  install_units "$PREFIX" "$PREFIX/current/units"
  match=$(find "$LDM_BACKUP_DIR" -maxdepth 1 -name "state-*-$PREV-to-$OLD.tar.gz" 2>/dev/null | sort -r | head -n1 || true)
  if [[ -n $match && $DRY_RUN == 0 ]]; then restore_state "$match" || die "couldn't restore the state from $match"
  else log "no state backup from the update $PREV -> $OLD; the state stays as it is"; fi
  [[ ${#ACTIVE_TIMERS[@]} -eq 0 ]] || run systemctl start "${ACTIVE_TIMERS[@]}"
  undo_commit
  log "rolled back to $PREV"
  exit 0
fi

ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
if [[ -n $DIST ]]; then
  DIST_DIR=$(cd "$DIST" 2>/dev/null && pwd) || die "$EX_DATAERR" "--dist $DIST: no such directory"
  UNIT_ROOT=$ROOT
else
  SOURCE=${SOURCE:-$(manifest_get source)}
  [[ -n $SOURCE ]] || die "$EX_USAGE" "setup installed prebuilt bundles, so there is no checkout to update from: pass --source DIR or --dist DIR"
  [[ -d $SOURCE ]] || die "$EX_DATAERR" "source checkout $SOURCE does not exist (pass --source or --dist)"
  if [[ $PULL == 1 && -d $SOURCE/.git ]]; then
    need_cmd git "to pull $SOURCE first; or update without pulling: --no-pull builds the checkout as it is, --dist DIR installs bundles built elsewhere"
    log "git pull --ff-only in $SOURCE"
    run git -C "$SOURCE" pull --ff-only >&2 || die "git pull failed in $SOURCE (local changes or diverged?); fix it or use --no-pull"
  fi
  build_from_source "$SOURCE"
  UNIT_ROOT=$SOURCE
fi
check_dist "$DIST_DIR"
# Units and scripts come with the code they belong to: from the checkout, or with --dist from
# the copy of the scripts that runs now.
stage_release "$DIST_DIR" "$UNIT_ROOT"
if [[ $RELEASE_ID == "$OLD" ]]; then
  log "already up to date (release $OLD)"
  exit 0
fi
log "updating $OLD -> $RELEASE_ID"

stop_timers
VERSIONS_BEFORE=$(doc_versions)
log "state schema versions: $VERSIONS_BEFORE"
backup_state "$OLD-to-$RELEASE_ID"
if [[ -n $BACKUP ]]; then undo_push restore_state "$BACKUP"; fi
install_release "$PREFIX"
switch_release "$PREFIX" "$RELEASE_ID"
install_wrappers "$PREFIX"
install_units "$PREFIX" "$STAGE/units"   # = the release's units; read from the stage so --dry-run works
undo_push systemctl reset-failed ldm-healthcheck.service
if [[ $DRY_RUN == 0 ]] && ! verify_release "$RELEASE_ID"; then
  # Rolls back through the EXIT trap: units, links, the new release, the state, the timers.
  die 1 "release $RELEASE_ID failed its check; rolling back to $OLD (the failed build is not kept)"
fi
VERSIONS_AFTER=$(doc_versions)
if [[ $VERSIONS_AFTER != "$VERSIONS_BEFORE" ]]; then log "the new release migrated the state: $VERSIONS_BEFORE -> $VERSIONS_AFTER (the backup has the old ones)"; fi
if systemctl is-active --quiet ldm-mcp-http.service 2>/dev/null; then run systemctl try-restart ldm-mcp-http.service; fi
[[ ${#ACTIVE_TIMERS[@]} -eq 0 ]] || run systemctl start "${ACTIVE_TIMERS[@]}"
undo_commit
prune_releases "$PREFIX"
log "updated to $RELEASE_ID (previous: $OLD, state backup: ${BACKUP:-none})"
