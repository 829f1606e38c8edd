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
#   --no-http         leave out the Streamable HTTP transport (ldm-mcp-http.socket/.service and its
#                     token); MCP over ssh (stdio) needs neither. A later run without it adds them
#   --http-listen ADDR:PORT
#                     where the HTTP socket listens (default 127.0.0.1:8765); a fresh config records
#                     it as http.listen. Later, change http.listen in the config and run setup again
#   --on-failure all|none|UNIT[,UNIT...]
#                     the OnFailure= hook: when a service (all) or one of the units listed fails,
#                     ldm-onfailure@UNIT.service records it with its last journal lines and notifies
#                     (docs/notify.md). A drop-in adds to the unit's own OnFailure=. Default: as the
#                     last setup left it (none at first); none removes the drop-ins
#   --public HOST[:PORT]
#                     put the HTTP transport on the internet at https://HOST/mcp for ChatGPT and
#                     claude.ai: installs Caddy from the distribution's archive as the TLS reverse
#                     proxy (certificate from Let's Encrypt: TCP 80 and 443 must be open, see
#                     docs/remote.md), sets http.publicUrl (which turns on OAuth) and prints the
#                     connector URL. The server stays on loopback behind Caddy
#   --public-tls acme|internal
#                     with --public: acme (default) or Caddy's local CA (tests, a LAN)
#   --no-start        install and enable, but start neither the timers nor the boot check
#   --dry-run         print what would be done and change nothing
#   -h, --help        this text
#
# Idempotent: a second run with the same input changes nothing and restarts nothing.
# On any failure everything this run did is rolled back. Must run as root.
# Before anything is installed, the HTTP port is checked: a listener already on it is named
# (program and pid) and setup stops, so a taken port never costs a rolled-back install.
# Exit: 0 ok, 1 installed but the boot check failed, 64 usage, 65 bad input (or invalid config),
# 69 missing Node/tool, 70 the build failed (npm install, node build.mjs), 73 can't write,
# 75 busy (another setup/update/cleanup, or the HTTP port is taken), 77 not root.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/release.sh
. "$SCRIPT_DIR/lib/release.sh"
# shellcheck source=lib/check-timers.sh
. "$SCRIPT_DIR/lib/check-timers.sh"
# shellcheck source=lib/public-proxy.sh
. "$SCRIPT_DIR/lib/public-proxy.sh"

PREFIX=$LDM_DEFAULT_PREFIX
SOURCE=
DIST=
NODE_ARG=
SWAP_SIZE=
START=1
LDM_HTTP=on
HTTP_LISTEN_ARG=
ONFAILURE_ARG=-
PUBLIC=
PUBLIC_TLS=acme
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix) [[ $# -ge 2 ]] || usage_error "--prefix needs a directory"; PREFIX=$2; shift 2 ;;
    --source) [[ $# -ge 2 ]] || usage_error "--source needs a directory"; SOURCE=$2; shift 2 ;;
    --dist) [[ $# -ge 2 ]] || usage_error "--dist needs a directory"; DIST=$2; shift 2 ;;
    --node) [[ $# -ge 2 ]] || usage_error "--node needs a path"; NODE_ARG=$2; shift 2 ;;
    --swap) [[ $# -ge 2 ]] || usage_error "--swap needs a size such as 1G"; SWAP_SIZE=$2; shift 2 ;;
    --no-start) START=0; shift ;;
    --no-http) LDM_HTTP=off; shift ;;
    --http-listen) [[ $# -ge 2 ]] || usage_error "--http-listen needs ADDR:PORT, e.g. 127.0.0.1:8765"; HTTP_LISTEN_ARG=$2; shift 2 ;;
    --on-failure) [[ $# -ge 2 ]] || usage_error "--on-failure needs all, none or a list of units such as nginx.service,php-fpm.service"; ONFAILURE_ARG=$2; shift 2 ;;
    --public) [[ $# -ge 2 ]] || usage_error "--public needs a host name, e.g. mcp.example.com"; PUBLIC=$2; shift 2 ;;
    --public-tls) [[ $# -ge 2 ]] || usage_error "--public-tls needs acme or internal"; PUBLIC_TLS=$2; shift 2 ;;
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
[[ -z $HTTP_LISTEN_ARG || $LDM_HTTP == on ]] || usage_error "give --no-http or --http-listen, not both"
valid_listen() { [[ $1 =~ ^([0-9]{1,3}(\.[0-9]{1,3}){3}|\[[0-9A-Fa-f:.]+\]|localhost):([0-9]{1,5})$ ]] && ((10#${BASH_REMATCH[3]} >= 1 && 10#${BASH_REMATCH[3]} <= 65535)); }
[[ -z $HTTP_LISTEN_ARG ]] || valid_listen "$HTTP_LISTEN_ARG" || usage_error "--http-listen takes ADDR:PORT such as 127.0.0.1:8765 or [::1]:8765, got '$HTTP_LISTEN_ARG'"
if [[ $ONFAILURE_ARG != - && $ONFAILURE_ARG != all && $ONFAILURE_ARG != none ]]; then
  IFS=',' read -ra ONFAILURE_LIST <<<"$ONFAILURE_ARG"
  [[ ${#ONFAILURE_LIST[@]} -gt 0 ]] || usage_error "--on-failure needs all, none or a list of units"
  for u in "${ONFAILURE_LIST[@]}"; do
    [[ $u =~ ^[A-Za-z0-9@._:\\-]+\.(service|socket|mount|timer|path|swap)$ ]] || usage_error "--on-failure: '$u' is not a unit name such as nginx.service"
    [[ $u != ldm-* ]] || usage_error "--on-failure: '$u' is one of linux-devops-mcp's own units; they are never hooked"
  done
fi

[[ -z $PUBLIC ]] || valid_public "$PUBLIC" || usage_error "--public takes a DNS name such as mcp.example.com (optionally :PORT), got '$PUBLIC'"
[[ $PUBLIC_TLS == acme || $PUBLIC_TLS == internal ]] || usage_error "--public-tls takes acme or internal, got '$PUBLIC_TLS'"
[[ -z $PUBLIC || $LDM_HTTP == on ]] || usage_error "--public needs the HTTP transport: give --no-http or --public, not both"

need_root
need_cmd sha256sum
need_cmd flock
systemd_running || [[ $DRY_RUN == 1 ]] || die "$EX_UNAVAILABLE" "systemd is not running here (no /run/systemd/system); the units need it"
take_lock
find_node "$NODE_ARG"
log "using Node $("$NODE_BIN" -v) at $NODE_BIN"
select_units
# The hook's choice: this run's, else the last setup's (so a plain re-run changes nothing).
ONFAILURE=$ONFAILURE_ARG
[[ $ONFAILURE != - ]] || ONFAILURE=$(manifest_get onfailure)
[[ -n $ONFAILURE ]] || ONFAILURE=none

# ---- the HTTP port: settled before anything is installed
HTTP_LISTEN=
if http_enabled; then
  CONFIG_LISTEN=$(config_http_listen "$LDM_CONFIG") || exit "$EX_DATAERR"
  if [[ -n $HTTP_LISTEN_ARG && -e $LDM_CONFIG && $HTTP_LISTEN_ARG != "${CONFIG_LISTEN:-$LDM_DEFAULT_HTTP_LISTEN}" ]]; then
    die "$EX_DATAERR" "--http-listen $HTTP_LISTEN_ARG, but the config $LDM_CONFIG (yours, never overwritten) has http.listen ${CONFIG_LISTEN:-unset, i.e. $LDM_DEFAULT_HTTP_LISTEN}: set \"http\": {\"listen\": \"$HTTP_LISTEN_ARG\"} there and run setup again without --http-listen"
  fi
  HTTP_LISTEN=${HTTP_LISTEN_ARG:-${CONFIG_LISTEN:-$LDM_DEFAULT_HTTP_LISTEN}}
  valid_listen "$HTTP_LISTEN" || die "$EX_DATAERR" "invalid config: $LDM_CONFIG: http.listen: expected ADDR:PORT such as 127.0.0.1:8765, got '$HTTP_LISTEN'"
  # Our own socket already on that address is no conflict (a re-run).
  if ! { systemctl is-active --quiet ldm-mcp-http.socket 2>/dev/null && systemctl show -p Listen --value ldm-mcp-http.socket 2>/dev/null | grep -qF "$HTTP_LISTEN "; }; then
    holders=$(port_holders "$HTTP_LISTEN")
    if [[ -n $holders ]]; then
      die "$EX_TEMPFAIL" "the HTTP transport's address $HTTP_LISTEN is taken by $(paste -sd ';' <<<"$holders" | sed 's/;/; /g'). Nothing was installed. Stop that, or choose another port with --http-listen 127.0.0.1:PORT, or install without HTTP (MCP over ssh needs none): --no-http"
    fi
  fi
  [[ $HTTP_LISTEN == 127.* || $HTTP_LISTEN == '[::1]:'* || $HTTP_LISTEN == localhost:* ]] ||
    warn "the HTTP transport will listen on $HTTP_LISTEN, beyond loopback: its bearer token crosses the network in plain HTTP; put a TLS proxy in front"
fi

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
  HTTP_CONFIG_LINE=
  [[ -z $HTTP_LISTEN || $HTTP_LISTEN == "$LDM_DEFAULT_HTTP_LISTEN" ]] || HTTP_CONFIG_LINE=$(printf ',\n  "http": { "listen": "%s" }' "$HTTP_LISTEN")
  put_content "$LDM_CONFIG" 0640 <<JSON || true
{
  "logging": { "level": "info" },
  "healthcheck": { "killStaleSessions": false },
  "learn": { "autoRemediation": false }$HTTP_CONFIG_LINE
}
JSON
else
  log "keeping the existing config $LDM_CONFIG"
fi
PUBLIC_CONFIG_CHANGED=0
[[ -z $PUBLIC ]] || ! set_public_url "$LDM_CONFIG" "$(public_origin "$PUBLIC")" || PUBLIC_CONFIG_CHANGED=1

# ---- the HTTP transport's bearer token: generated once, readable by root alone
if http_enabled && [[ ! -e $LDM_HTTP_TOKEN ]]; then
  log "generating the HTTP bearer token $LDM_HTTP_TOKEN"
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n' | put_content "$LDM_HTTP_TOKEN" 0600 || true
fi

# ---- the sandbox user: the model's commands run as it (docs/policy.md, Containment), a uid no
# other daemon shares. A real system user, not a dynamic one: dbus refuses a uid NSS cannot resolve,
# and `systemctl status` from the sandbox is an everyday read. Removed by cleanup --purge if ours.
SANDBOX_USER_REC=$(manifest_get sandbox_user)
if ! getent passwd "$LDM_SANDBOX_USER" >/dev/null; then
  log "creating the system user $LDM_SANDBOX_USER for the command sandbox"
  log_groups=$(for g in adm systemd-journal; do getent group "$g" >/dev/null && printf '%s,' "$g"; done)
  run useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --comment "linux-devops-mcp command sandbox" ${log_groups:+--groups "${log_groups%,}"} "$LDM_SANDBOX_USER"
  undo_push userdel "$LDM_SANDBOX_USER"
  SANDBOX_USER_REC=created
  CHANGES=$((CHANGES + 1))
fi

# ---- manifest: what cleanup must undo (no timestamps, so a re-run leaves it byte-identical)
put_content "$LDM_MANIFEST" 0640 <<MANIFEST || true
# Written by setup_mcp.sh; read by update_mcp.sh and cleanup_mcp.sh. Do not edit.
manifest=1
prefix=$PREFIX
node=$NODE_BIN
source=$SOURCE_REC
swapfile=$SWAPFILE
units=${UNITS[*]}
user=root
http=$LDM_HTTP
sandbox_user=$SANDBOX_USER_REC
onfailure=$ONFAILURE
MANIFEST

# ---- units
# remove_http_units: with --no-http, an HTTP transport from an earlier setup is stopped and removed.
remove_http_units() {
  local u backup
  http_enabled && return 0
  [[ -e $LDM_UNIT_DIR/ldm-mcp-http.socket || -e $LDM_UNIT_DIR/ldm-mcp-http.service ]] || return 0
  log "--no-http: removing the HTTP transport's units"
  run systemctl disable --now --quiet "${LDM_HTTP_UNITS[@]}" 2>/dev/null || true
  undo_push systemctl enable --now --quiet ldm-mcp-http.socket
  undo_push systemctl daemon-reload
  for u in "${LDM_HTTP_UNITS[@]}" "${LDM_HTTP_UNITS[1]}.d"; do
    [[ -e $LDM_UNIT_DIR/$u ]] || continue
    backup=$LDM_TMP/removed-$u
    [[ $DRY_RUN == 1 ]] || cp -a -- "$LDM_UNIT_DIR/$u" "$backup"
    undo_push cp -a -- "$backup" "$LDM_UNIT_DIR/$u"
    run rm -rf -- "${LDM_UNIT_DIR:?}/$u"
  done
  run systemctl daemon-reload
  CHANGES=$((CHANGES + 1))
}

# http_listen_dropin: the socket's ListenStream= from http.listen, as a drop-in beside the unit
# (the unit itself stays as shipped). Sets LISTEN_CHANGED.
http_listen_dropin() {
  local dropin=$LDM_UNIT_DIR/$LDM_HTTP_DROPIN backup
  http_enabled || return 0
  if [[ $HTTP_LISTEN == "$LDM_DEFAULT_HTTP_LISTEN" ]]; then
    [[ -e $dropin ]] || return 0
    backup=$(tmpfile)
    [[ $DRY_RUN == 1 ]] || cp -a -- "$dropin" "$backup"
    undo_push cp -a -- "$backup" "$dropin"
    run rm -f -- "$dropin"
    CHANGES=$((CHANGES + 1))
    LISTEN_CHANGED=1
    return 0
  fi
  if put_content "$dropin" 0644 <<DROPIN; then LISTEN_CHANGED=1; fi
# Written by setup_mcp.sh from http.listen in $LDM_CONFIG; change it there and run setup again.
[Socket]
ListenStream=
ListenStream=$HTTP_LISTEN
DROPIN
}

# onfailure_hook: the drop-ins that make systemd start ldm-onfailure@UNIT.service when UNIT fails.
# `all` uses the top-level service.d/ (every service) and masks it for the hook's own template
# with a /dev/null drop-in of the same name; a list gets one drop-in per unit. Drop-ins of an
# earlier choice that are no longer wanted are removed. Sets ONFAILURE_CHANGED.
onfailure_hook() {
  local want=() f d backup u
  ONFAILURE_CHANGED=0
  case $ONFAILURE in
    none) ;;
    all) want=("$LDM_UNIT_DIR/service.d/$LDM_ONFAILURE_DROPIN" "$LDM_UNIT_DIR/ldm-onfailure@.service.d/$LDM_ONFAILURE_DROPIN") ;;
    *) IFS=',' read -ra ONFAILURE_LIST <<<"$ONFAILURE"; for u in "${ONFAILURE_LIST[@]}"; do want+=("$LDM_UNIT_DIR/$u.d/$LDM_ONFAILURE_DROPIN"); done ;;
  esac
  while IFS= read -r f; do
    [[ " ${want[*]} " == *" $f "* ]] && continue
    log "removing the OnFailure= hook drop-in $f"
    backup=$(tmpfile)
    [[ $DRY_RUN == 1 ]] || cp -a -- "$f" "$backup"
    undo_push cp -a -- "$backup" "$f"
    run rm -f -- "$f"
    d=$(dirname -- "$f")
    if [[ $DRY_RUN == 0 && -z $(ls -A -- "$d") ]]; then run rmdir -- "$d"; undo_push mkdir -p -- "$d"; fi
    CHANGES=$((CHANGES + 1))
    ONFAILURE_CHANGED=1
  done < <(onfailure_dropins)
  for f in "${want[@]}"; do
    d=$(dirname -- "$f")
    if [[ ! -d $d ]]; then run mkdir -p -- "$d"; undo_push rmdir -- "$d"; fi
    if [[ $f == */ldm-onfailure@.service.d/* ]]; then
      [[ -L $f && $(readlink -- "$f") == /dev/null ]] && continue
      run ln -sfn /dev/null "$f"
      undo_push rm -f -- "$f"
      CHANGES=$((CHANGES + 1))
      ONFAILURE_CHANGED=1
      continue
    fi
    if put_content "$f" 0644 <<DROPIN; then ONFAILURE_CHANGED=1; fi
# Written by setup_mcp.sh --on-failure $ONFAILURE: adds to this unit's own OnFailure= (a list).
# setup_mcp.sh --on-failure none removes it (docs/notify.md).
[Unit]
OnFailure=ldm-onfailure@%n.service
DROPIN
  done
}

remove_http_units
LISTEN_CHANGED=0
http_listen_dropin
install_units "$PREFIX" "$STAGE/units"   # = the release's units; read from the stage so --dry-run works
onfailure_hook
if [[ $ONFAILURE_CHANGED == 1 ]]; then
  log "OnFailure= hook: $ONFAILURE"
  run systemctl daemon-reload
  undo_push systemctl daemon-reload
fi
if [[ $LISTEN_CHANGED == 1 ]]; then
  [[ $UNITS_CHANGED == 1 ]] || run systemctl daemon-reload
  if systemctl is-active --quiet ldm-mcp-http.socket 2>/dev/null; then
    log "moving ldm-mcp-http.socket to $HTTP_LISTEN"
    run systemctl restart ldm-mcp-http.socket || die "couldn't restart ldm-mcp-http.socket on $HTTP_LISTEN (journalctl -u ldm-mcp-http.socket)"
    undo_push systemctl restart ldm-mcp-http.socket
  fi
fi
for u in "${ENABLE[@]}"; do
  if ! systemctl is-enabled --quiet "$u" 2>/dev/null; then
    run systemctl enable --quiet "$u" || die "couldn't enable $u (systemctl enable failed, see above)"
    undo_push systemctl disable --quiet "$u"
    CHANGES=$((CHANGES + 1))
  fi
done
sync_check_timers "$NODE_BIN" "$LDM_CONFIG" "$START"
if [[ $START == 1 ]]; then
  for u in ldm-healthcheck.timer ldm-idle-watcher.timer ldm-mcp-http.socket; do
    [[ " ${UNITS[*]} " == *" $u "* ]] || continue
    if ! systemctl is-active --quiet "$u" 2>/dev/null; then
      run systemctl start "$u" || die "couldn't start $u (journalctl -u $u)"
      undo_push systemctl stop "$u"
      CHANGES=$((CHANGES + 1))
    fi
  done
fi
if [[ -n $PUBLIC ]]; then
  install_caddy
  write_caddyfile "${PUBLIC,,}" "$HTTP_LISTEN" "$PUBLIC_TLS"
  restart_caddy
  # The server reads http.publicUrl at start: a running one is restarted to turn OAuth on.
  if [[ $PUBLIC_CONFIG_CHANGED == 1 ]] && systemctl is-active --quiet ldm-mcp-http.service 2>/dev/null; then
    run systemctl restart ldm-mcp-http.service || die "couldn't restart ldm-mcp-http.service (journalctl -u ldm-mcp-http.service)"
  fi
  firewall_hint
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
# The login that ran setup through sudo (ubuntu on Oracle's images, which refuse root logins);
# it reaches root with sudo -n, which needs its NOPASSWD sudo rule.
LOGIN=${SUDO_USER:-root}
[[ $LOGIN =~ ^[A-Za-z0-9._-]+$ ]] || LOGIN=root
if [[ $LOGIN == root ]]; then SUDO=; SUDO_ARG=; else SUDO='sudo -n '; SUDO_ARG='"sudo", "-n", '; fi
cat <<EOT

linux-devops-mcp is installed. Connect an MCP client over ssh (the server speaks MCP on stdio and
needs root: log in as root, or as a user with passwordless sudo and prefix 'sudo -n'):

  ssh -T $LOGIN@$HOST ${SUDO}$PREFIX/bin/ldm-mcp-server

Claude Code:
  claude mcp add linux-devops-mcp -- ssh -T -o BatchMode=yes $LOGIN@$HOST ${SUDO}$PREFIX/bin/ldm-mcp-server

Claude Desktop (claude_desktop_config.json):
  {
    "mcpServers": {
      "linux-devops-mcp": {
        "command": "ssh",
        "args": ["-T", "-o", "BatchMode=yes", "$LOGIN@$HOST", ${SUDO_ARG}"$PREFIX/bin/ldm-mcp-server"]
      }
    }
  }

$(if http_enabled; then
  port=${HTTP_LISTEN##*:}
  cat <<HTTP
Remote clients that speak Streamable HTTP: tunnel the endpoint ($HTTP_LISTEN) and send the token
(readable by root only, in $LDM_HTTP_TOKEN):

  ssh -N -L $port:${HTTP_LISTEN%:*}:$port $LOGIN@$HOST
  URL http://127.0.0.1:$port/mcp   header  Authorization: Bearer <token>
HTTP
else
  echo "The HTTP transport is not installed (--no-http); run setup again without it to add it."
fi)
$(if [[ -n $PUBLIC ]]; then
  cat <<PUBLICTEXT

On the internet, through Caddy, with OAuth. Connector URL:

  $(public_origin "$PUBLIC")/mcp

ChatGPT:   Settings > Apps & Connectors > Advanced settings > Developer mode on; then Create,
           paste the URL, Authentication: OAuth.
claude.ai: Settings > Connectors > Add custom connector, paste the URL.
On the consent page that opens, type the code this prints (valid 10 minutes, once):

  sudo $PREFIX/bin/ldm-mcp-server pair

Grants: sudo $PREFIX/bin/ldm-mcp-server grants (and grants revoke ID). docs/remote.md has the rest.
PUBLICTEXT
fi)

Status at a glance: $PREFIX/current/scripts/healthcheck_all.sh
Logs:               journalctl -u 'ldm-*'
Config:             $LDM_CONFIG
EOT
exit "$BOOT_RC"
