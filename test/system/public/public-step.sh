# shellcheck shell=bash
# public-step.sh - the way onto the internet, for real (issue #14): setup_mcp.sh --public installs
# Caddy from the archive with its local CA (tls internal; a real host gets Let's Encrypt), the
# client trusts that CA, and an SDK OAuth client does the whole flow through the proxy
# (oauth-proxy-driver.mjs). Sourced by run.sh and run-public.sh; needs their X, XO, step, ok, fail.
# shellcheck disable=SC2016  # commands for the container expand there

LDM_PUBLIC_SITE=${LDM_PUBLIC_SITE:-mcp.test:18443}
# The bundles setup installs from (run.sh keeps its own copy in /root/dist1).
LDM_PUBLIC_DIST=${LDM_PUBLIC_DIST:-/root/src/dist}

public_step() {
  local url=https://$LDM_PUBLIC_SITE/mcp ca=/var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt rc=0
  step "setup --public: Caddy (from the archive, tls internal) in front, OAuth through it with the SDK client"
  mkdir -p "$SBX_MERGED/root/src/test/system"
  cp -a "$HERE/public" "$SBX_MERGED/root/src/test/system/"
  # The minbase container has no /etc/hosts; a host has one, with localhost (Caddy's admin endpoint needs it).
  X "grep -qw localhost /etc/hosts 2>/dev/null || printf '127.0.0.1 localhost\n::1 localhost\n' >> /etc/hosts
     grep -q ' ${LDM_PUBLIC_SITE%:*}\$' /etc/hosts || echo '127.0.0.1 ${LDM_PUBLIC_SITE%:*}' >> /etc/hosts"
  XO "/root/src/scripts/setup_mcp.sh --dist $LDM_PUBLIC_DIST --public $LDM_PUBLIC_SITE --public-tls internal" > "$SBX_RUN/setup-public.out" 2>&1 || rc=$?
  indent < "$SBX_RUN/setup-public.out"
  [[ $rc == 0 ]] || fail "setup_mcp.sh --public exited $rc"
  grep -qF "$url" "$SBX_RUN/setup-public.out" || fail "setup --public did not print the connector URL $url"
  X "set -e; systemctl is-active caddy.service; grep -q '\"publicUrl\": \"https://$LDM_PUBLIC_SITE\"' /etc/linux-devops-mcp/config.json
     for i in \$(seq 100); do [ -s $ca ] && break; sleep 0.1; done; test -s $ca" || fail "caddy is not running with its local CA, or http.publicUrl is not set"
  ok "caddy runs, http.publicUrl is https://$LDM_PUBLIC_SITE, the connector URL was printed"
  # Only /mcp and the OAuth routes pass the proxy; the server's own port stays on loopback.
  X "set -e; code=\$(curl -s -o /dev/null -w '%{http_code}' --cacert $ca https://$LDM_PUBLIC_SITE/healthz); [ \"\$code\" = 404 ] || { echo \"/healthz through the proxy: \$code\"; exit 1; }
     systemctl show -p Listen --value ldm-mcp-http.socket | grep -q '^127\.0\.0\.1:8765 ' || { echo 'the server listens beyond loopback'; exit 1; }" ||
    fail "the proxy passes more than the MCP and OAuth routes, or the server is not on loopback alone"
  XO "cd /root/src/test/system/public && NODE_EXTRA_CA_CERTS=$ca node oauth-proxy-driver.mjs $url" > "$SBX_RUN/oauth-driver.out" 2>&1 || rc=$?
  indent < "$SBX_RUN/oauth-driver.out"
  [[ $rc == 0 ]] || fail "the OAuth flow through Caddy failed (last check above)"
  ok "through Caddy: discovery, registration, PKCE, consent with the pairing code, tools/list and a call, refresh, revoke -> 401 ($(grep -c '"ok":true' "$SBX_RUN/oauth-driver.out") checks)"
  XO "/root/src/scripts/setup_mcp.sh --dist $LDM_PUBLIC_DIST --public $LDM_PUBLIC_SITE --public-tls internal" > "$SBX_RUN/setup-public2.out" 2>&1 || fail "setup --public again failed"
  grep -q 'nothing to change' "$SBX_RUN/setup-public2.out" || { indent < "$SBX_RUN/setup-public2.out"; fail "setup --public a second time changed something"; }
  ok "setup --public again changes nothing"
}
