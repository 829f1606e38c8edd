# shellcheck shell=bash
# sandbox.sh - a throw-away Debian bookworm with real systemd as PID 1 under systemd-nspawn,
# that can boot more than once on the same root file system. Sourced by run.sh; root only.
#
#   sbx_prepare            host tools (systemd-container pinned to the host's systemd) and a
#                          cached debootstrap rootfs, then a fresh overlay for this run
#   sbx_boot               boots the overlay and waits until the system is up
#   sbx_exec [-t SEC] CMD  runs CMD inside (bash -c), stdout/stderr passed through; its exit status
#   sbx_reboot             `systemctl reboot` inside, waits for the container to stop, boots again
#   sbx_teardown           halts the container, removes cgroups, the overlay and the run dir
#
# Adapted from our workplace's systemd-sandbox tool; the pitfalls it handles are real:
# - `apt-get install systemd-container` unpinned upgrades the host's systemd: pin the version.
# - machinectl / systemctl -M need systemd as the host's PID 1: use nsenter -t <container init>.
# - systemd-shutdown SIGSTOPs everything; nsenter mirrors its child's stop onto itself, so a halt
#   during a command would deadlock: a watchdog resumes it (unstick).
# - never SIGKILL nspawn first: its child, the container's PID 1, would be orphaned to the host's.
# - started from the root cgroup, nspawn leaves cgroup folders behind: use our own and remove them.
# Env: LDM_SBX_BASE (default /var/tmp/ldm-sandbox), LDM_SBX_MIRROR (default: apt's Debian mirror),
#      LDM_SBX_BINDS (extra "SRC[:DEST]" read-only binds), LDM_SBX_KEEP=1 keeps the run dir.

SBX_BASE=${LDM_SBX_BASE:-/var/tmp/ldm-sandbox}
# What debootstrap adds to minbase. The cache is named after the list, so a change builds a new
# cache rather than reusing one without the new packages (python3-aiosmtpd: the notify step's SMTP server).
SBX_PACKAGES=systemd,systemd-sysv,dbus,procps,curl,ca-certificates,python3-aiosmtpd
SBX_CACHE=$SBX_BASE/rootfs-cache-$(printf %s "$SBX_PACKAGES" | sha256sum | cut -c1-8)
SBX_NAME=ldm$$
SBX_RUN='' SBX_MERGED='' SBX_NSPAWN_PID='' SBX_LAUNCH_PID='' SBX_LEADER='' SBX_CPID='' SBX_BOOTS=0 SBX_LOCKF=''
SBX_CGS=()
SBX_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8 SYSTEMD_PAGER= SYSTEMD_COLORS=0)

sbx_log() { printf '[sandbox] %s\n' "$*" >&2; }

sbx_mirror() {   # the first Debian (non-security) mirror in apt's own sources
  { { cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/{print $2}'
    awk '$1=="deb"{print $2}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null; } |
    grep -v security | grep '/debian/\?$' | head -n1; } || true
}

sbx_prepare() {
  [[ $(id -u) == 0 ]] || { sbx_log "must run as root"; return 77; }
  if ! command -v systemd-nspawn >/dev/null || ! command -v debootstrap >/dev/null; then
    sbx_log "installing systemd-container (pinned to the host's systemd) and debootstrap"
    local v
    v=$(dpkg-query -W -f='${Version}' systemd)
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "systemd-container=$v" debootstrap >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "systemd-container=$v" debootstrap >/dev/null; } ||
      { sbx_log "couldn't install systemd-container=$v and debootstrap"; return 69; }
  fi
  mkdir -p "$SBX_BASE"
  (
    flock -w 600 9 || { sbx_log "timed out waiting for $SBX_BASE/.cache.lock"; exit 75; }
    [[ -e $SBX_CACHE/.complete ]] && exit 0
    local mirror=${LDM_SBX_MIRROR:-$(sbx_mirror)}
    [[ -n $mirror ]] || { sbx_log "no Debian mirror in apt's sources; set LDM_SBX_MIRROR"; exit 2; }
    sbx_log "debootstrap bookworm -> $SBX_CACHE (one-off, ~40 s)"
    rm -rf "$SBX_CACHE.tmp"
    debootstrap --variant=minbase --include="$SBX_PACKAGES" \
      bookworm "$SBX_CACHE.tmp" "$mirror" > "$SBX_BASE/debootstrap.log" 2>&1 ||
      { tail -20 "$SBX_BASE/debootstrap.log" >&2; exit 3; }
    : > "$SBX_CACHE.tmp/etc/machine-id"               # a fresh machine id for each run
    local t
    for t in apt-daily apt-daily-upgrade e2scrub_all fstrim dpkg-db-backup; do
      ln -sf /dev/null "$SBX_CACHE.tmp/etc/systemd/system/$t.timer"   # no background noise
    done
    ln -sf /dev/null "$SBX_CACHE.tmp/etc/systemd/system/console-getty.service"
    mkdir -p "$SBX_CACHE.tmp/var/log/journal"         # persistent journal, as on a real host
    mv "$SBX_CACHE.tmp" "$SBX_CACHE" && touch "$SBX_CACHE/.complete"
  ) 9>"$SBX_BASE/.cache.lock" || return

  SBX_RUN=$(mktemp -d "$SBX_BASE/run.XXXXXX")
  SBX_MERGED=$SBX_RUN/merged
  if [[ -e /sys/fs/cgroup/cgroup.controllers ]]; then SBX_CGS=("/sys/fs/cgroup/$SBX_NAME")   # pure v2 host
  else SBX_CGS=("/sys/fs/cgroup/unified/$SBX_NAME" "/sys/fs/cgroup/systemd/$SBX_NAME"); fi    # hybrid host
  mkdir -p "$SBX_RUN/upper" "$SBX_RUN/work" "$SBX_MERGED"
  mount -t overlay overlay -o "lowerdir=$SBX_CACHE,upperdir=$SBX_RUN/upper,workdir=$SBX_RUN/work" "$SBX_MERGED"
  echo "$SBX_NAME" > "$SBX_MERGED/etc/hostname"
}

# The container side of the current command: resume it when a halt SIGSTOPped it.
sbx_unstick() { [[ -n $SBX_CPID && $(awk '/^State/{print $2}' "/proc/$SBX_CPID/status" 2>/dev/null) == T ]] && kill -CONT "$SBX_CPID"; true; }
# Kill the in-container side (never nsenter itself: its child would be orphaned to host PID 1).
sbx_kill_cmd() {
  local c
  # shellcheck disable=SC2013  # the children file is one line of space-separated pids
  for c in $(cat "/proc/$SBX_CPID"/task/*/children 2>/dev/null); do kill -KILL -- "-$c" "$c" 2>/dev/null; done
  sbx_unstick
}

sbx_cgroups_clean() {
  local cg
  for cg in "${SBX_CGS[@]}"; do
    [[ -d $cg ]] || continue
    [[ -e $cg/cgroup.kill ]] && echo 1 > "$cg/cgroup.kill" 2>/dev/null
    for _ in $(seq 20); do find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null; [[ -d $cg ]] || break; sleep 0.1; done
    [[ -d $cg ]] && sbx_log "WARNING: could not remove $cg"
  done
  return 0
}

sbx_boot() {
  local binds=(--bind-ro=/usr/bin/node) b state i
  [[ -d /usr/lib/node_modules ]] && binds+=(--bind-ro=/usr/lib/node_modules)
  for b in ${LDM_SBX_BINDS:-}; do binds+=("--bind-ro=$b"); done
  SBX_BOOTS=$((SBX_BOOTS + 1))
  mkdir -p "${SBX_CGS[@]}"
  (
    for cg in "${SBX_CGS[@]}"; do echo "$BASHPID" > "$cg/cgroup.procs"; done
    exec systemd-nspawn -q -D "$SBX_MERGED" -M "$SBX_NAME" -b --register=no --keep-unit \
      --console=passive --setenv=SYSTEMD_COLORS=0 "${binds[@]}"
  ) >> "$SBX_RUN/console.log" 2>&1 &
  SBX_LAUNCH_PID=$! SBX_NSPAWN_PID=$! SBX_LEADER=''
  for i in $(seq 200); do                            # nspawn -> the container's PID 1
    SBX_LEADER=$(cat "/proc/$SBX_NSPAWN_PID"/task/*/children 2>/dev/null | awk '{print $1}') || true
    [[ -n $SBX_LEADER && $(cat "/proc/$SBX_LEADER/comm" 2>/dev/null) == systemd ]] && break
    SBX_LEADER=; sleep 0.05
  done
  SBX_LOCKF=/run/systemd/nspawn/locks/inode-$(stat -c %d "$SBX_MERGED"):$(stat -c %i "$SBX_MERGED")
  [[ -n $SBX_LEADER ]] || { sbx_log "the container did not start; console:"; tail -20 "$SBX_RUN/console.log" >&2; return 4; }
  for i in $(seq 600); do
    state=$(nsenter -t "$SBX_LEADER" -a -- "${SBX_ENV[@]}" timeout 5 systemctl is-system-running 2>/dev/null) || true
    case $state in running | degraded) break ;; esac
    kill -0 "$SBX_NSPAWN_PID" 2>/dev/null || { sbx_log "nspawn exited during boot; console:"; tail -20 "$SBX_RUN/console.log" >&2; return 4; }
    sleep 0.1
  done
  sbx_log "boot #$SBX_BOOTS: $state (container PID 1 = host pid $SBX_LEADER)"
  [[ $state == running || $state == degraded ]] || return 4
}

sbx_exec() {
  local limit=120 rc
  if [[ ${1:-} == -t ]]; then limit=$2; shift 2; fi
  nsenter -t "$SBX_LEADER" -a -- "${SBX_ENV[@]}" timeout -k 5 "$limit" /bin/bash -c "$*" &
  SBX_CPID=$!
  while kill -0 "$SBX_CPID" 2>/dev/null; do sbx_unstick; sleep 0.1; done   # bounded by timeout(1) inside
  rc=0; wait "$SBX_CPID" || rc=$?
  SBX_CPID=
  return "$rc"
}

# Waits for nspawn to exit by itself, up to $1 tenths of a second.
sbx_wait_exit() {
  local i
  for ((i = 0; i < $1; i++)); do kill -0 "$SBX_NSPAWN_PID" 2>/dev/null || break; sleep 0.1; done
  ! kill -0 "$SBX_NSPAWN_PID" 2>/dev/null
}

sbx_halt() {
  if [[ -z $SBX_NSPAWN_PID ]] || ! kill -0 "$SBX_NSPAWN_PID" 2>/dev/null; then SBX_NSPAWN_PID=''; return 0; fi
  kill -TERM "$SBX_NSPAWN_PID"                       # nspawn -> SIGRTMIN+3 -> orderly halt
  if ! sbx_wait_exit 150; then
    sbx_log "halt timed out: SIGKILL the container's init, then nspawn"
    kill -KILL "$SBX_LEADER" 2>/dev/null
    sbx_wait_exit 50 || kill -KILL "$SBX_NSPAWN_PID" 2>/dev/null
  fi
  wait "$SBX_LAUNCH_PID" 2>/dev/null || true
  SBX_NSPAWN_PID='' SBX_LEADER=''
  sbx_cgroups_clean
}

# A real reboot from inside: nspawn exits (status 133) when its container reboots; boot again on
# the same overlay, so everything written before the reboot is still there.
sbx_reboot() {
  nsenter -t "$SBX_LEADER" -a -- "${SBX_ENV[@]}" systemctl --no-block reboot || return
  if ! sbx_wait_exit 300; then sbx_log "the container did not stop after 'systemctl reboot'"; return 4; fi
  wait "$SBX_LAUNCH_PID" 2>/dev/null || true
  SBX_NSPAWN_PID='' SBX_LEADER=''
  sbx_cgroups_clean
  sbx_boot
}

sbx_teardown() {
  local i
  set +e                                             # best effort: every step runs
  if [[ -n $SBX_CPID ]] && kill -0 "$SBX_CPID" 2>/dev/null; then
    for i in $(seq 50); do sbx_kill_cmd; kill -0 "$SBX_CPID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SBX_CPID" 2>/dev/null && kill -KILL "$SBX_CPID"
    wait "$SBX_CPID" 2>/dev/null || true
  fi
  SBX_CPID=
  sbx_halt
  sbx_cgroups_clean
  [[ -n $SBX_MERGED ]] && mountpoint -q "$SBX_MERGED" && { umount "$SBX_MERGED" || umount -l "$SBX_MERGED"; }
  [[ -n $SBX_LOCKF ]] && rm -f "$SBX_LOCKF"          # stale only when nspawn died hard
  rmdir /run/systemd/nspawn/propagate/"$SBX_NAME" 2>/dev/null || true
  if [[ -n $SBX_RUN ]]; then
    if [[ ${LDM_SBX_KEEP:-0} == 1 ]]; then sbx_log "kept $SBX_RUN"; else rm -rf "$SBX_RUN"; fi
  fi
  return 0
}
