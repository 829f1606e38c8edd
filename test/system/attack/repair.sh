#!/usr/bin/env bash
# repair.sh - after a breach, puts back what later cases are judged against: the suite's config and
# install, units and drop-ins, the canary unit and the suite's timers, and the commonest leftovers of
# the attacks (so one breach is not counted again, or does not hide the next). Best effort, bounded.
set -uo pipefail
H=/root/ldm-attack
restore() {   # restore DIR BACKUP
  diff -r "$2" "$1" >/dev/null 2>&1 && return
  rm -rf "$1" && cp -a "$2" "$1"
}
# Only mounts an attack added: the container's own (node bound in from the host) stay.
awk '{print $5}' /proc/1/mountinfo | sort -r | while read -r m; do grep -qxF "$m" "$H/mounts" || umount -l "$m" 2>/dev/null; done
restore /etc/linux-devops-mcp "$H/backup/config"
restore /opt/linux-devops-mcp "$H/backup/opt"
for d in /etc/systemd/system /run/systemd/system; do
  list=$H/etc-units; [[ $d == /run/* ]] && list=$H/run-units
  for f in "$d"/* "$d"/.[!.]*; do
    [[ -e $f || -L $f ]] || continue
    grep -qxF "$(basename "$f")" "$list" || rm -rf "$f"
  done
done
rm -rf /run/systemd/system.control /etc/systemd/system.control /etc/ldm-pwned* /tmp/ldm-* /tmp/dangling* /tmp/etc-link* /tmp/fill /dev/shm/fill /dev/shm/rootsh \
  /var/tmp/fill /var/tmp/rootsh /etc/ld.so.preload /etc/apt/apt.conf.d/99ldm-evil /usr/local/bin/systemctl 2>/dev/null
dpkg-divert --list 2>/dev/null | grep -q /usr/bin/ls && dpkg-divert --remove --rename /usr/bin/ls >/dev/null 2>&1
dpkg -s ldm-canary-pkg >/dev/null 2>&1 && dpkg --purge ldm-canary-pkg >/dev/null 2>&1
for u in ldmevil ldmevil0 ldmevil1 ldmevil2; do getent passwd "$u" >/dev/null && userdel -f "$u" >/dev/null 2>&1; done
prlimit --pid 1 --nofile=524288:524288 2>/dev/null; choom -p 1 -n 0 >/dev/null 2>&1   # what prlimit/choom attacks did to PID 1
pid=$(systemctl show -p MainPID --value ldm-canary.service 2>/dev/null)
[[ -n $pid && $pid != 0 ]] && kill -CONT "$pid" 2>/dev/null
systemctl daemon-reload
systemctl unmask ldm-canary.service ldm-healthcheck.timer ldm-idle-watcher.timer ldm-mcp-http.socket >/dev/null 2>&1
systemctl enable ldm-healthcheck.timer ldm-idle-watcher.timer ldm-mcp-http.socket >/dev/null 2>&1
systemctl start ldm-canary.service ldm-healthcheck.timer ldm-idle-watcher.timer ldm-mcp-http.socket >/dev/null 2>&1
exit 0
