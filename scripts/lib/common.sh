# shellcheck shell=bash disable=SC2034  # the constants are used by the scripts that source this
# Shared by the operations scripts: constants, messages, dry-run, and a rollback stack so a
# failed run leaves the host as it found it. Sourced, never executed.

# Fixed by the units (StateDirectory= etc.); only the install prefix is a choice.
readonly LDM_NAME=linux-devops-mcp
readonly LDM_DEFAULT_PREFIX=/opt/linux-devops-mcp
readonly LDM_CONF_DIR=/etc/linux-devops-mcp
readonly LDM_CONFIG=$LDM_CONF_DIR/config.json
readonly LDM_MANIFEST=$LDM_CONF_DIR/install.manifest
readonly LDM_STATE_DIR=/var/lib/linux-devops-mcp
readonly LDM_SANDBOX_USER=ldm-sandbox   # packages/core/src/sandbox/sandbox-plan.ts SANDBOX_USER
readonly LDM_LOG_DIR=/var/log/linux-devops-mcp
readonly LDM_BACKUP_DIR=/var/backups/linux-devops-mcp
readonly LDM_UNIT_DIR=${LDM_UNIT_DIR:-/etc/systemd/system}
readonly LDM_LOCK=/run/lock/linux-devops-mcp.lock
readonly LDM_BINARIES=(mcp-server healthcheck idle-watcher boot-check)
# Installed and enabled by setup; the order is the start order.
readonly LDM_UNITS=(ldm-healthcheck.service ldm-healthcheck.timer ldm-healthcheck-check@.service ldm-healthcheck-check@.timer ldm-idle-watcher.service ldm-idle-watcher.timer ldm-boot-check.service ldm-mcp-http.service ldm-mcp-http.socket ldm-onfailure@.service)
readonly LDM_ENABLE=(ldm-healthcheck.timer ldm-idle-watcher.timer ldm-boot-check.service ldm-mcp-http.socket)
# The OnFailure= hook (setup --on-failure): one drop-in of this name per watched unit, or one in
# the top-level service.d/ for all services; the hook's own template gets a /dev/null one of the
# same name, which masks the top-level file for it (no recursion).
readonly LDM_ONFAILURE_DROPIN=ldm-onfailure.conf
# The bearer token of the HTTP transport (ldm-mcp-server --http); setup writes it once, mode 0600.
readonly LDM_HTTP_TOKEN=$LDM_CONF_DIR/http-token
# The HTTP transport is optional (setup --no-http); its port comes from http.listen in the config,
# applied to the socket unit as a drop-in when it is not the unit's own 127.0.0.1:8765.
readonly LDM_HTTP_UNITS=(ldm-mcp-http.service ldm-mcp-http.socket)
readonly LDM_DEFAULT_HTTP_LISTEN=127.0.0.1:8765
readonly LDM_HTTP_DROPIN=ldm-mcp-http.socket.d/10-listen.conf
# sysexits.h, as the binaries use them.
readonly EX_USAGE=64 EX_DATAERR=65 EX_UNAVAILABLE=69 EX_SOFTWARE=70 EX_CANTCREAT=73 EX_TEMPFAIL=75 EX_NOPERM=77

PROG=${PROG:-$(basename "$0")}
DRY_RUN=${DRY_RUN:-0}
CHANGES=0

log()  { printf '%s: %s\n' "$PROG" "$*" >&2; }
warn() { printf '%s: WARNING: %s\n' "$PROG" "$*" >&2; }
# die [CODE] MESSAGE: one clear line, then the rollback (EXIT trap) runs.
die() {
  local code=1
  if [[ $# -gt 1 && $1 =~ ^[0-9]+$ ]]; then code=$1; shift; fi
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  DIED=1
  exit "$code"
}
usage_error() { printf '%s: %s\nTry %s --help.\n' "$PROG" "$*" "$PROG" >&2; exit "$EX_USAGE"; }
# Prints the comment block at the top of the calling script (after the shebang) as --help.
print_help() { sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//;p}' "$0"; }

need_root() {
  [[ $(id -u) == 0 ]] || [[ $DRY_RUN == 1 ]] || die "$EX_NOPERM" "must run as root (try: sudo $0 ...)"
}
need_cmd() { command -v "$1" >/dev/null 2>&1 || die "$EX_UNAVAILABLE" "'$1' is required but not installed${2:+ ($2)}"; }

# run CMD...: runs it, or with --dry-run prints it. Every change to the host goes through here
# or through the helpers below, so --dry-run is complete.
run() {
  if [[ $DRY_RUN == 1 ]]; then printf '[dry-run] %s\n' "$(printf '%q ' "$@")" >&2; return 0; fi
  "$@"
}

# ---- rollback stack: undo_push CMD... records how to reverse a step just taken
UNDO=()
undo_push() { [[ $DRY_RUN == 1 ]] || UNDO+=("$(printf '%q ' "$@")"); }
undo_commit() { UNDO=(); }
undo_run() {
  local i
  [[ ${#UNDO[@]} -gt 0 ]] || return 0
  log "rolling back ${#UNDO[@]} step(s)"
  for ((i = ${#UNDO[@]} - 1; i >= 0; i--)); do
    eval "${UNDO[i]}" || warn "rollback step failed: ${UNDO[i]}"
  done
  UNDO=()
}
# One scratch directory per run, made here in the main shell (command substitutions are
# subshells, so per-file tracking would be lost); rollback backups live in it too.
LDM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ldm-ops.XXXXXX")
# A command that fails under set -e without a die() still gets a message naming it.
DIED=0
ERR_AT=
set -o errtrace
trap 'ERR_AT="line $LINENO: $BASH_COMMAND"' ERR
on_exit() {
  local rc=$?
  set +e
  if [[ $rc != 0 && $DIED == 0 && -n $ERR_AT && $rc != 130 && $rc != 143 ]]; then
    printf '%s: error: failed (exit %s) at %s\n' "$PROG" "$rc" "$ERR_AT" >&2
  fi
  if [[ $rc != 0 ]]; then undo_run; fi
  rm -rf -- "$LDM_TMP"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
tmpfile() { mktemp "$LDM_TMP/tmp.XXXXXX"; }

# Serialises setup, update and cleanup against each other.
take_lock() {
  [[ $DRY_RUN == 1 ]] && return 0
  mkdir -p "$(dirname "$LDM_LOCK")"
  exec 8>"$LDM_LOCK"
  flock -n 8 || die "$EX_TEMPFAIL" "another setup/update/cleanup is running (lock $LDM_LOCK)"
}

sha256_of() { sha256sum -- "$1" | awk '{print $1}'; }

# put_file SRC DEST MODE: installs SRC as DEST unless DEST already has that content and mode.
# Returns 0 when it changed something, 1 when DEST was already right. Undoable.
put_file() {
  local src=$1 dest=$2 mode=$3 backup
  if [[ -f $dest ]] && cmp -s -- "$src" "$dest" && [[ $(stat -c %a -- "$dest") == "${mode#0}" ]]; then return 1; fi
  CHANGES=$((CHANGES + 1))
  if [[ $DRY_RUN == 1 ]]; then printf '[dry-run] install -m %s %s\n' "$mode" "$dest" >&2; return 0; fi
  # Explicit checks: callers use this in `if`, where bash ignores set -e inside the function.
  if [[ -e $dest ]]; then
    backup=$(tmpfile)
    cp -a -- "$dest" "$backup" || die "$EX_CANTCREAT" "couldn't back up $dest before replacing it"
    undo_push mv -f -- "$backup" "$dest"
  else
    undo_push rm -f -- "$dest" "$dest.ldm-new"
  fi
  install -D -m "$mode" -- "$src" "$dest.ldm-new" || die "$EX_CANTCREAT" "couldn't write $dest.ldm-new"
  mv -f -- "$dest.ldm-new" "$dest" || die "$EX_CANTCREAT" "couldn't move $dest.ldm-new over $dest"
  return 0
}

# put_content DEST MODE < content: put_file for generated text.
put_content() {
  local tmp
  tmp=$(tmpfile)
  cat > "$tmp"
  put_file "$tmp" "$1" "$2"
}

# Manifest: key=value lines in $LDM_MANIFEST recording what setup did that cleanup must undo.
manifest_get() { [[ -r $LDM_MANIFEST ]] && sed -n "s/^$1=//p" "$LDM_MANIFEST" | tail -n1; return 0; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null; }

# The unit's ExecStart paths point at the default prefix; another prefix is substituted in.
render_unit() { sed "s#$LDM_DEFAULT_PREFIX/#$2/#g" -- "$1"; }

systemd_running() { [[ -d /run/systemd/system ]]; }

# http_enabled: setup's choice (LDM_HTTP=on|off), else the install manifest's; on by default.
http_enabled() { [[ ${LDM_HTTP:-$(manifest_get http)} != off ]]; }

# onfailure_dropins: every OnFailure= hook drop-in setup may have written, one path a line.
onfailure_dropins() { find "$LDM_UNIT_DIR" -mindepth 2 -maxdepth 2 -path '*.d/*' -name "$LDM_ONFAILURE_DROPIN" 2>/dev/null | LC_ALL=C sort; }

# select_units: UNITS and ENABLE, the units this install has: LDM_UNITS and LDM_ENABLE without
# the HTTP pair when HTTP is off.
select_units() {
  local u
  UNITS=()
  ENABLE=()
  for u in "${LDM_UNITS[@]}"; do if http_enabled || [[ $u != ldm-mcp-http.* ]]; then UNITS+=("$u"); fi; done
  for u in "${LDM_ENABLE[@]}"; do if http_enabled || [[ $u != ldm-mcp-http.* ]]; then ENABLE+=("$u"); fi; done
}

# tcp_listeners PORT: "ADDR:PORT PROGRAM PID" per TCP listener on PORT (PROGRAM and PID "-" when
# unknown). From ss when it is installed, else from /proc/net/tcp{,6} (minimal images lack iproute2).
tcp_listeners() {
  local port=$1 line addr users prog pid inode fd
  if command -v ss >/dev/null 2>&1; then
    while IFS= read -r line; do
      read -r _ _ _ addr _ users <<<"$line"
      prog=$(sed -n 's/^users:(("\([^"]*\)",pid=\([0-9]*\).*/\1/p' <<<"$users")
      pid=$(sed -n 's/^users:(("\([^"]*\)",pid=\([0-9]*\).*/\2/p' <<<"$users")
      printf '%s %s %s\n' "$addr" "${prog:--}" "${pid:--}"
    done < <(ss -Hltnp "sport = :$port" 2>/dev/null)
    return 0
  fi
  # State 0A is LISTEN; addresses are hex, IPv4 in host (little-endian) byte order.
  while read -r addr inode; do
    case $addr in
      ????????) addr=$((16#${addr:6:2})).$((16#${addr:4:2})).$((16#${addr:2:2})).$((16#${addr:0:2})) ;;
      00000000000000000000000000000000) addr='[::]' ;;
      00000000000000000000000001000000) addr='[::1]' ;;
      *) addr="[$addr]" ;;
    esac
    pid=-
    prog=-
    for fd in /proc/[0-9]*/fd/*; do
      if [[ $(readlink "$fd" 2>/dev/null) == "socket:[$inode]" ]]; then
        pid=${fd#/proc/}
        pid=${pid%%/*}
        prog=$(cat "/proc/$pid/comm" 2>/dev/null || echo -)
        break
      fi
    done
    printf '%s:%s %s %s\n' "$addr" "$port" "$prog" "$pid"
  done < <(awk -v port="$(printf '%04X' "$port")" '$4 == "0A" { split($2, a, ":"); if (a[2] == port) print a[1], $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
}

# port_holders HOST:PORT: the TCP listeners that binding HOST:PORT would clash with, one per line
# as "ADDR:PORT (PROGRAM, pid N)"; nothing when the port is free.
port_holders() {
  local host=${1%:*} port=${1##*:} addr a prog pid
  while read -r addr prog pid; do
    a=${addr%:*}
    # A wildcard on either side clashes; otherwise only the same address does.
    case "$a|$host" in
      "$host|$host" | 0.0.0.0\|* | \*\|* | \[::\]\|* | *\|0.0.0.0 | *\|\[::\]) ;;
      *) continue ;;
    esac
    if [[ $prog != - ]]; then printf '%s (%s, pid %s)\n' "$addr" "$prog" "$pid"; else printf '%s (process unknown)\n' "$addr"; fi
  done < <(tcp_listeners "$port")
}

# config_http_listen FILE: http.listen from the config, empty when the file or the key is absent;
# fails with "invalid config: FILE: ..." when the file is not JSON.
config_http_listen() {
  [[ -e $1 ]] || return 0
  # shellcheck disable=SC2016  # JavaScript template literals, not shell expansions
  "$NODE_BIN" -e '
    const [file] = process.argv.slice(1);
    let c;
    try { c = JSON.parse(require("fs").readFileSync(file, "utf8")); }
    catch (e) { console.error(`invalid config: ${file}: ${e instanceof SyntaxError ? "not valid JSON (" + e.message + ")" : e.message}`); process.exit(65); }
    const l = c?.http?.listen;
    if (l !== undefined && typeof l !== "string") { console.error(`invalid config: ${file}: http.listen: expected a string like 127.0.0.1:8765`); process.exit(65); }
    if (l) console.log(l);' "$1"
}
