#!/usr/bin/env bash
# unplant.sh - removes everything plant.sh and the approved cases put on the host, so the later
# steps of the system test (re-setup, update, purge) see the host as setup left it.
set -uo pipefail
H=/root/ldm-attack
systemctl stop ldm-canary.service 2>/dev/null
rm -f /etc/systemd/system/ldm-canary.service
systemctl daemon-reload; systemctl reset-failed ldm-canary.service 2>/dev/null
dpkg --purge ldm-canary-pkg >/dev/null 2>&1
if [[ -f $H/apt-files ]]; then
  find /var/lib/apt /var/log/apt /var/lib/dpkg -xdev 2>/dev/null | sort -r | while read -r f; do
    grep -qxF "$f" "$H/apt-files" || rm -rf "$f"
  done
fi
userdel -r u 2>/dev/null
rm -f /root/.ssh/id_ed25519 /etc/ssh/ssh_host_ldmcanary_key /etc/ssl/private/x.key /etc/ldm-approved* /etc/ldm-pwned* \
  /var/lib/linux-devops-mcp/ldm-canary.txt /var/log/linux-devops-mcp/ldm-canary.txt /srv/ldm-attack/*.deb
for f in /etc/*-; do [[ -f $H/etc-backups ]] && ! grep -qxF "$f" "$H/etc-backups" && rm -f "$f"; done
[[ -f $H/oauth.json.before ]] && cp -a "$H/oauth.json.before" /var/lib/linux-devops-mcp/oauth.json
[[ -f $H/created ]] && tac "$H/created" | while read -r d; do rm -rf "$d"; done
rm -rf "$H"
exit 0
