#!/usr/bin/env bash
# setup_mcp.sh - install linux-devops-mcp: bundles, wrappers, config, systemd units and timers.
#
# Usage: setup_mcp.sh [options]
#   --prefix DIR      install prefix (default /opt/linux-devops-mcp)
#   --source DIR      build from this checkout (npm install --omit=dev when needed, then node build.mjs);
#                     default: the checkout this script is in
#   --dist DIR        install these prebuilt bundles (dist/ldm-*.mjs) instead of building;
#                     the way to install on a 1 GB host without npm
#   --node PATH       the Node.js (>= 20) to run the binaries with (default: node on PATH)
#   --swap SIZE       create /swapfile of SIZE (e.g. 1G) when the host has no swap at all
#   --no-start        install and enable, but start neither the timers nor the boot check
#   --dry-run         print what would be done and change nothing
#   -h, --help        this text
#
# Idempotent: a second run with the same input changes nothing and restarts nothing.
# On any failure everything this run did is rolled back. Must run as root.
# Exit: 0 ok, 64 usage, 65 bad input, 69 missing Node/tool, 73 can't write, 75 busy, 77 not root.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/release.sh
. "$SCRIPT_DIR/lib/release.sh"

PREFIX=$LDM_DEFAULT_PREFIX
SOURCE=
DIST=
NODE_ARG=
SWAP_SIZE=
START=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix) [[ $# -ge 2 ]] || usage_error "--prefix needs a directory"; PREFIX=$2; shift 2 ;;
    --source) [[ $# -ge 2 ]] || usage_error "--source needs a directory"; SOURCE=$2; shift 2 ;;
    --dist) [[ $# -ge 2 ]] || usage_error "--dist needs a directory"; DIST=$2; shift 2 ;;
    --node) [[ $# -ge 2 ]] || usage_error "--node needs a path"; NODE_ARG=$2; shift 2 ;;
    --swap) [[ $# -ge 2 ]] || usage_error "--swap needs a size such as 1G"; SWAP_SIZE=$2; shift 2 ;;
    --no-start) START=0; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) print_help; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
[[ $PREFIX == /* ]] || usage_error "--prefix must be an absolute path, got '$PREFIX'"
PREFIX=${PREFIX%/}
[[ $PREFIX =~ ^/[A-Za-z0-9._/-]+$ ]] || usage_error "--prefix may only hold letters, digits and . _ - /, got '$PREFIX'"
[[ -z $SOURCE || -z $DIST ]] || usage_error "give --source or --dist, not both"
[[ -z $SWAP_SIZE || $SWAP_SIZE =~ ^[1-9][0-9]*[MG]$ ]] || usage_error "--swap takes a size like 512M or 1G, got '$SWAP_SIZE'"

need_root
need_cmd sha256sum
need_cmd flock
systemd_running || [[ $DRY_RUN == 1 ]] || die "$EX_UNAVAILABLE" "systemd is not running here (no /run/systemd/system); the units need it"
take_lock
find_node "$NODE_ARG"
log "using Node $("$NODE_BIN" -v) at $NODE_BIN"

# ---- swap (first: npm install may need it)
create_swap() {
  local size=$1 file=/swapfile
  if [[ $SWAPFILE == "$file" ]] && swapon --show=NAME --noheadings 2>/dev/null | grep -qxF "$file"; then
    log "swap file $file (made by an earlier setup) is active; leaving it as it is"
    return 0
  fi
  if [[ -n $(swapon --show --noheadings 2>/dev/null) ]]; then
    die "$EX_DATAERR" "--swap: this host already has swap ($(swapon --show --noheadings | awk '{print $1}' | paste -sd ' ')); not adding more"
  fi
  [[ -e $file ]] && die "$EX_DATAERR" "--swap: $file exists but is not active swap; remove it or enable it yourself"
  log "creating a $size swap file at $file"
  run fallocate -l "$size" "$file" 2>/dev/null || run dd if=/dev/zero of="$file" bs=1M count="$(numfmt --from=iec "$size" | awk '{print int($1 / 1048576)}')" status=none
  undo_push rm -f -- "$file"
  run chmod 600 "$file"
  run mkswap "$file" >/dev/null
  run swapon "$file"
  undo_push swapoff "$file"
  if ! grep -qsE "^[[:space:]]*${file}[[:space:]]" /etc/fstab; then
    [[ $DRY_RUN == 1 ]] || cp -a /etc/fstab "$LDM_TMP/fstab.orig"
    undo_push cp -a "$LDM_TMP/fstab.orig" /etc/fstab
    if [[ $DRY_RUN == 1 ]]; then log "[dry-run] append '$file none swap sw 0 0' to /etc/fstab"; else printf '%s none swap sw 0 0\n' "$file" >> /etc/fstab; fi
  fi
  SWAPFILE=$file
  CHANGES=$((CHANGES + 1))
}
SWAPFILE=$(manifest_get swapfile)
[[ -z $SWAP_SIZE ]] || create_swap "$SWAP_SIZE"

# ---- bundles
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
if [[ -n $DIST ]]; then
  DIST_DIR=$(cd "$DIST" 2>/dev/null && pwd) || die "$EX_DATAERR" "--dist $DIST: no such directory"
  SOURCE_REC=
else
  SOURCE=${SOURCE:-$ROOT}
  SOURCE=$(cd "$SOURCE" 2>/dev/null && pwd) || die "$EX_DATAERR" "--source $SOURCE: no such directory"
  build_from_source "$SOURCE"
  SOURCE_REC=$SOURCE
fi
if [[ $DRY_RUN == 1 && ! -d $DIST_DIR ]]; then
  log "[dry-run] would install the bundles built in $DIST_DIR"; exit 0
fi
check_dist "$DIST_DIR"
stage_release "$DIST_DIR" "$ROOT"
log "release $RELEASE_ID"

[[ -d $PREFIX && ! -d $PREFIX/releases && -n $(ls -A "$PREFIX") ]] &&
  die "$EX_CANTCREAT" "$PREFIX exists, is not empty and is not a linux-devops-mcp install; choose another --prefix"
if [[ ! -d $PREFIX ]]; then run mkdir -p "$PREFIX"; undo_push rm -rf -- "$PREFIX"; fi
install_release "$PREFIX"
switch_release "$PREFIX" "$RELEASE_ID"
install_wrappers "$PREFIX"

# ---- config: written once, never overwritten (the operator owns it after that)
if [[ ! -d $LDM_CONF_DIR ]]; then
  run install -d -m 0750 "$LDM_CONF_DIR"
  undo_push rm -rf -- "$LDM_CONF_DIR"
fi
if [[ ! -e $LDM_CONFIG ]]; then
  log "writing the default config $LDM_CONFIG"
  put_content "$LDM_CONFIG" 0640 <<'JSON' || true
{
  "logging": { "level": "info" },
  "healthcheck": { "killStaleSessions": false },
  "learn": { "autoRemediation": false }
}
JSON
else
  log "keeping the existing config $LDM_CONFIG"
fi

# ---- the HTTP transport's bearer token: generated once, readable by root alone
if [[ ! -e $LDM_HTTP_TOKEN ]]; then
  log "generating the HTTP bearer token $LDM_HTTP_TOKEN"
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n' | put_content "$LDM_HTTP_TOKEN" 0600 || true
fi

# ---- manifest: what cleanup must undo (no timestamps, so a re-run leaves it byte-identical)
put_content "$LDM_MANIFEST" 0640 <<MANIFEST || true
# Written by setup_mcp.sh; read by update_mcp.sh and cleanup_mcp.sh. Do not edit.
manifest=1
prefix=$PREFIX
node=$NODE_BIN
source=$SOURCE_REC
swapfile=$SWAPFILE
units=${LDM_UNITS[*]}
user=root
MANIFEST

# ---- units
install_units "$PREFIX" "$STAGE/units"   # = the release's units; read from the stage so --dry-run works
for u in "${LDM_ENABLE[@]}"; do
  if ! systemctl is-enabled --quiet "$u" 2>/dev/null; then
    run systemctl enable --quiet "$u" || die "couldn't enable $u (systemctl enable failed, see above)"
    undo_push systemctl disable --quiet "$u"
    CHANGES=$((CHANGES + 1))
  fi
done
if [[ $START == 1 ]]; then
  for u in ldm-healthcheck.timer ldm-idle-watcher.timer ldm-mcp-http.socket; do
    if ! systemctl is-active --quiet "$u" 2>/dev/null; then
      run systemctl start "$u" || die "couldn't start $u (journalctl -u $u)"
      undo_push systemctl stop "$u"
      CHANGES=$((CHANGES + 1))
    fi
  done
fi
prune_releases "$PREFIX"
# From here on the install is complete and stays, whatever the boot check says.
undo_commit

BOOT_RC=0
if [[ $START == 1 ]] && ! systemctl is-active --quiet ldm-boot-check.service 2>/dev/null; then
  log "running the boot check once"
  if ! run systemctl start ldm-boot-check.service; then
    BOOT_RC=1
    warn "the boot check failed; the install is complete. Its output:"
    journalctl -u ldm-boot-check.service -n 20 --no-pager -o cat >&2 || true
  fi
fi

if [[ $DRY_RUN == 1 ]]; then log "dry run: would make $CHANGES change(s) to install release $RELEASE_ID in $PREFIX"; exit 0
elif [[ $CHANGES == 0 ]]; then log "nothing to change: $PREFIX is up to date (release $RELEASE_ID)"; else log "installed release $RELEASE_ID in $PREFIX ($CHANGES change(s))"; fi

HOST=$(hostname -f 2>/dev/null || hostname)
cat <<EOT

linux-devops-mcp is installed. Connect an MCP client over ssh (the server speaks MCP on stdio;
it needs root, so log in as root or use 'sudo -n'):

  ssh -T root@$HOST $PREFIX/bin/ldm-mcp-server

Claude Code:
  claude mcp add linux-devops-mcp -- ssh -T -o BatchMode=yes root@$HOST $PREFIX/bin/ldm-mcp-server

Claude Desktop (claude_desktop_config.json):
  {
    "mcpServers": {
      "linux-devops-mcp": {
        "command": "ssh",
        "args": ["-T", "-o", "BatchMode=yes", "root@$HOST", "$PREFIX/bin/ldm-mcp-server"]
      }
    }
  }

Remote clients that speak Streamable HTTP: tunnel the loopback-only endpoint and send the token
(readable by root only, in $LDM_HTTP_TOKEN):

  ssh -N -L 8765:127.0.0.1:8765 root@$HOST
  URL http://127.0.0.1:8765/mcp   header  Authorization: Bearer <token>

Status at a glance: $PREFIX/current/scripts/healthcheck_all.sh
Logs:               journalctl -u 'ldm-*'
Config:             $LDM_CONFIG
EOT
exit "$BOOT_RC"
