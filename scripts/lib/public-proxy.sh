# shellcheck shell=bash
# public-proxy.sh - setup_mcp.sh --public: Caddy (from the Debian/Ubuntu archive) in front of the
# HTTP transport, TLS from Let's Encrypt (or Caddy's local CA), OAuth's public base URL in the config.
# The server itself stays on loopback; Caddy is the only thing on the internet.
# Needs common.sh (log, die, run, undo_push, put_content, NODE_BIN).

LDM_CADDYFILE=${LDM_CADDYFILE:-/etc/caddy/Caddyfile}
LDM_CADDY_MARK='# linux-devops-mcp: written by setup_mcp.sh --public'

# valid_public HOST[:PORT]: a DNS name with at least one dot, optionally a port.
valid_public() {
  [[ $1 =~ ^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)(:([0-9]{1,5}))?$ ]] || return 1
  [[ -z ${BASH_REMATCH[6]} ]] || ((10#${BASH_REMATCH[6]} >= 1 && 10#${BASH_REMATCH[6]} <= 65535))
}

# public_origin HOST[:PORT]: https://HOST, with :PORT unless it is 443.
public_origin() { local h=${1%:443}; printf 'https://%s' "${h,,}"; }

# caddyfile_for HOST[:PORT] UPSTREAM TLS: the site. Only the MCP endpoint and the OAuth routes
# reach the server; everything else is 404 at the proxy. TLS "internal" is Caddy's local CA (tests,
# a LAN); otherwise Caddy gets a certificate by ACME, which needs port 80 and 443 open.
caddyfile_for() {
  local site=$1 upstream=$2 tls=$3 global=''
  if [[ $tls == internal ]]; then
    global=$'{\n\tauto_https disable_redirects\n\tskip_install_trust\n}\n\n'
  fi
  printf '%s\n# Change the flags and run setup again rather than editing this file.\n%s%s {\n' "$LDM_CADDY_MARK" "$global" "$site"
  [[ $tls == internal ]] && printf '\ttls internal\n'
  cat <<CADDY
	@ldm path /mcp /authorize /token /register /revoke /oauth/consent /.well-known/oauth-authorization-server /.well-known/oauth-protected-resource /.well-known/oauth-protected-resource/mcp
	handle @ldm {
		reverse_proxy $upstream {
			# MCP answers may be event streams: pass each event on at once.
			flush_interval -1
		}
	}
	handle {
		respond 404
	}
}
CADDY
}

# set_public_url CONFIG URL: sets http.publicUrl in the operator's config (the one key this option
# owns), keeping everything else. Undoable; no change when it already holds URL.
set_public_url() {
  local config=$1 url=$2 tmp
  tmp=$(tmpfile)
  # shellcheck disable=SC2016  # JavaScript template literals, not shell expansions
  "$NODE_BIN" -e '
    const fs = require("fs");
    const [file, url, out] = process.argv.slice(1);
    let c;
    try { c = JSON.parse(fs.readFileSync(file, "utf8")); }
    catch (e) { console.error(`invalid config: ${file}: ${e.message}`); process.exit(65); }
    c.http = { ...(c.http ?? {}), publicUrl: url };
    fs.writeFileSync(out, JSON.stringify(c, null, 2) + "\n");' "$config" "$url" "$tmp" || die "$EX_DATAERR" "couldn't set http.publicUrl in $config"
  if put_file "$tmp" "$config" 0640; then log "http.publicUrl = $url in $config"; return 0; fi
  return 1
}

# install_caddy: the archive's caddy package, if it is not there yet.
install_caddy() {
  command -v caddy >/dev/null 2>&1 && return 0
  log "installing caddy from the distribution's archive"
  if ! run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q caddy >/dev/null; then
    run apt-get update -q >/dev/null || true
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q caddy >/dev/null ||
      die "$EX_UNAVAILABLE" "couldn't install caddy (apt-get install caddy). On Ubuntu it is in universe: add-apt-repository universe"
  fi
  undo_push env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q caddy
  CHANGES=$((CHANGES + 1))
}

# write_caddyfile SITE UPSTREAM TLS: replaces the package's default Caddyfile or our own earlier
# one; a Caddyfile the operator wrote is left alone and the site block printed for them to add.
write_caddyfile() {
  local site=$1 upstream=$2 tls=$3
  local shipped
  # The package's own Caddyfile is the one whose md5 dpkg recorded for the conffile.
  shipped=$(dpkg-query -W -f='${Conffiles}\n' caddy 2>/dev/null | awk -v f="$LDM_CADDYFILE" '$1 == f {print $2}')
  if [[ -s $LDM_CADDYFILE ]] && ! grep -qF "$LDM_CADDY_MARK" "$LDM_CADDYFILE" && [[ $(md5sum < "$LDM_CADDYFILE" | awk '{print $1}') != "$shipped" ]]; then
    caddyfile_for "$site" "$upstream" "$tls" >&2
    die "$EX_DATAERR" "$LDM_CADDYFILE has sites of yours; add the site above to it (caddy reload), then run setup again with --public"
  fi
  if caddyfile_for "$site" "$upstream" "$tls" | put_content "$LDM_CADDYFILE" 0644; then
    run caddy validate --config "$LDM_CADDYFILE" --adapter caddyfile >/dev/null 2>&1 ||
      die "$EX_DATAERR" "caddy refused the Caddyfile it was given: caddy validate --config $LDM_CADDYFILE"
    CADDY_CHANGED=1
  fi
}

# restart_caddy: started and enabled; reloaded when its site changed.
restart_caddy() {
  run systemctl enable --quiet caddy.service 2>/dev/null || true
  if [[ ${CADDY_CHANGED:-0} == 1 ]] || ! systemctl is-active --quiet caddy.service; then
    if ! run systemctl restart caddy.service; then
      journalctl -u caddy.service -n 15 --no-pager -o cat >&2 || true
      die "couldn't start caddy (its last lines are above; journalctl -u caddy)"
    fi
    undo_push systemctl stop caddy.service
  fi
}

# firewall_hint: Oracle's Ubuntu images REJECT everything but ssh in iptables' INPUT chain.
firewall_hint() {
  command -v iptables >/dev/null 2>&1 || return 0
  iptables -S INPUT 2>/dev/null | grep -q -- '-j REJECT' || return 0
  iptables -S INPUT 2>/dev/null | grep -qE -- '--dport 443 .*-j ACCEPT' && return 0
  warn "iptables' INPUT chain rejects 80 and 443 (Oracle's images do). Open them before the REJECT rule and keep it across reboots:
  sudo iptables -I INPUT 5 -p tcp -m state --state NEW --dport 80 -j ACCEPT
  sudo iptables -I INPUT 5 -p tcp -m state --state NEW --dport 443 -j ACCEPT
  sudo netfilter-persistent save
and open TCP 80 and 443 in the VCN's security list (docs/remote.md)."
}
