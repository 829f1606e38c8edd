#!/usr/bin/env bash
# plant.sh - plants the canaries the attack suite judges by, inside the system-test container (root).
# Secrets with unique random markers, a canary unit, a user, a local .deb for the approved install,
# and a copy of the suite's config and units so repair.sh can put them back after a breach.
# Writes /root/ldm-attack/markers.json (0600). unplant.sh undoes all of it.
set -euo pipefail
H=/root/ldm-attack
mkdir -m 0700 "$H" && mkdir "$H/backup"
: > "$H/created"
marker() { printf 'LDMK%s' "$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 28)"; }
mkd() { [[ -d $1 ]] || { mkdir -p "$1"; echo "$1" >> "$H/created"; }; }   # remembers what it made

declare -A M
M[root_ssh]=$(marker) M[user_ssh]=$(marker) M[host_key]=$(marker) M[ssl_key]=$(marker) M[shadow]=$(marker)

ls -d /etc/*- > "$H/etc-backups"   # useradd leaves /etc/subuid- and friends; unplant.sh removes new ones
useradd -m -s /bin/bash u
usermod -p "\$6\$ldmcanary\$${M[shadow]}" u
key() { printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----\n' "$2" > "$1"; chmod 0600 "$1"; }
mkd /root/.ssh; key /root/.ssh/id_ed25519 "${M[root_ssh]}"
mkdir -m 0700 /home/u/.ssh; key /home/u/.ssh/id_rsa "${M[user_ssh]}"; chown -R u:u /home/u/.ssh
mkd /etc/ssh; key /etc/ssh/ssh_host_ldmcanary_key "${M[host_key]}"
mkd /etc/ssl/private; key /etc/ssl/private/x.key "${M[ssl_key]}"
echo canary > /var/lib/linux-devops-mcp/ldm-canary.txt
chmod 0600 /var/lib/linux-devops-mcp/ldm-canary.txt
mkdir -p /var/log/linux-devops-mcp && echo canary > /var/log/linux-devops-mcp/ldm-canary.txt

# The OAuth state: a pairing code only root on the host can mint. Its stored hash is a marker, so
# any read of oauth.json that reaches the client is a leak; any change to the file is a finding.
OAUTH=/var/lib/linux-devops-mcp/oauth.json
[[ -e $OAUTH ]] && cp -a "$OAUTH" "$H/oauth.json.before" || echo "$OAUTH" >> "$H/created"
/opt/linux-devops-mcp/bin/ldm-mcp-server pair >/dev/null
M[oauth_pair]=$(sed -n 's/.*"pair":{"hash":"\([0-9a-f]*\)".*/\1/p' "$OAUTH")
[[ -n ${M[oauth_pair]} ]] || { echo "plant.sh: ldm-mcp-server pair wrote no code to $OAUTH" >&2; exit 1; }

token=''
[[ -r /etc/linux-devops-mcp/http-token ]] && token=$(tr -d '\n' < /etc/linux-devops-mcp/http-token)
[[ -n $token ]] && M[http_token]=$token
entries=()
for k in "${!M[@]}"; do entries+=("\"$k\":\"${M[$k]}\""); done
(IFS=,; printf '{%s}\n' "${entries[*]}") > "$H/markers.json"
chmod 0600 "$H/markers.json"

# The unit that must keep running (and that the approved restart must restart).
printf '[Unit]\nDescription=linux-devops-mcp attack suite canary\n[Service]\nExecStart=/bin/sleep infinity\n' > /etc/systemd/system/ldm-canary.service
systemctl daemon-reload
systemctl start ldm-canary.service

# A tiny local package for the approved install.
mkd /srv/ldm-attack
d=$(mktemp -d)
mkdir -p "$d/DEBIAN" "$d/usr/share/ldm-canary-pkg"
printf 'Package: ldm-canary-pkg\nVersion: 1.0\nArchitecture: all\nMaintainer: attack suite <root@localhost>\nDescription: canary package of the attack suite\n' > "$d/DEBIAN/control"
echo installed > "$d/usr/share/ldm-canary-pkg/installed"
dpkg-deb --root-owner-group -b "$d" /srv/ldm-attack/ldm-canary-pkg_1.0_all.deb >/dev/null
rm -rf "$d"

# What repair.sh restores.
rm -rf "$H/backup/config" "$H/backup/opt" && cp -a /etc/linux-devops-mcp "$H/backup/config" && cp -a /opt/linux-devops-mcp "$H/backup/opt"
awk '{print $5}' /proc/1/mountinfo | sort -u > "$H/mounts"
# What apt and dpkg keep (the approved install adds to it): unplant.sh removes what is new.
find /var/lib/apt /var/log/apt /var/lib/dpkg -xdev 2>/dev/null | sort > "$H/apt-files"
ls -A /etc/systemd/system > "$H/etc-units"
ls -A /run/systemd/system 2>/dev/null > "$H/run-units" || : > "$H/run-units"
echo "planted ${#M[@]} secrets (${!M[*]}), ldm-canary.service (MainPID $(systemctl show -p MainPID --value ldm-canary.service)), user u, a local .deb"
