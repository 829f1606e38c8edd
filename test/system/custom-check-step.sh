# shellcheck shell=bash
# shellcheck disable=SC2016  # the commands for the container are single-quoted on purpose: they expand there
# custom-check-step.sh - issue #16 "watch my service" end to end, one step of the system test:
# a local web server unit, an owner's http check with a restart action; the server stopped, the
# next healthcheck run finds it, records the incident, restarts it under the cap, and records the
# recovery. Sourced by run.sh; uses its step/ok/fail/X/XO. Leaves config and units as it found them.

CUSTOM_CONFIG_SAVE=/root/ldm-config.before-custom.json

custom_check_step() {
  step "an owner's http check: the web server goes down, is restarted under the cap, and recovers"
  X 'cat > /etc/systemd/system/ldm-demo-web.service <<UNIT
[Unit]
Description=demo web server for the owner-check test
[Service]
ExecStart=/usr/bin/node -e "require(\"http\").createServer((q, r) => r.end(\"demo up\")).listen(8790, \"127.0.0.1\")"
UNIT
    systemctl daemon-reload && systemctl start ldm-demo-web.service' || fail "couldn't start ldm-demo-web.service"
  X 'cp -a /etc/linux-devops-mcp/config.json '"$CUSTOM_CONFIG_SAVE"' && node -e '"'"'
    const fs = require("fs"), f = "/etc/linux-devops-mcp/config.json";
    const c = JSON.parse(fs.readFileSync(f, "utf8"));
    c.healthcheck = { ...(c.healthcheck ?? {}), custom: [{ id: "demo-web", kind: "http", url: "http://127.0.0.1:8790/", keyword: "demo up", timeoutMs: 2000, action: { restart: "ldm-demo-web.service" } }] };
    fs.writeFileSync(f, JSON.stringify(c, null, 2));'"'" || fail "couldn't add healthcheck.custom to the config"
  # The web server answers before the first run: wait for it, not for a fixed time.
  local up=0
  for _ in $(seq 50); do
    if XO 'node -e "fetch(\"http://127.0.0.1:8790/\").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"'; then up=1; break; fi
    sleep 0.2
  done
  [[ $up == 1 ]] || fail "ldm-demo-web.service never answered on 127.0.0.1:8790"
  X 'systemctl start ldm-healthcheck.service' || fail "the healthcheck run failed with the owner's check configured"
  custom_state() {
    XO 'node -e '"'"'
      const fs = require("fs"), d = "/var/lib/linux-devops-mcp";
      const s = JSON.parse(fs.readFileSync(d + "/state.json", "utf8")), inc = JSON.parse(fs.readFileSync(d + "/incidents.json", "utf8")).incidents;
      const r = (s.healthcheck?.results ?? []).find((c) => c.id === "demo-web");
      const finding = inc.filter((i) => i.summary === "http check demo-web: no answer").at(-1);
      const action = inc.filter((i) => i.summary.startsWith("check action:") && i.subject === "ldm-demo-web.service").at(-1);
      const restarts = (s.restarts ?? []).filter((x) => x.target === "ldm-demo-web.service");
      console.log(JSON.stringify({ result: r && { kind: r.kind, status: r.status }, finding: finding && { status: finding.status, worked: finding.resolution?.worked }, action: action && { worked: action.resolution?.worked }, restarts: restarts.length }));'"'"
  }
  local before after
  before=$(custom_state)
  say "  before: $before"
  grep -q '"result":{"kind":"http","status":"ok"}' <<<"$before" || fail "the owner's check is not reported ok while the server answers: $before"
  X 'systemctl stop ldm-demo-web.service'
  [[ $(XO 'systemctl show -p ActiveState --value ldm-demo-web.service') != active ]] || fail "ldm-demo-web.service did not stop"
  X 'systemctl start ldm-healthcheck.service; journalctl -u ldm-healthcheck.service -n 4 -o cat --no-pager' || fail "the healthcheck run failed while the web server was down"
  after=$(custom_state)
  say "  after: $after"
  grep -q '"finding":{"status":"resolved","worked":true}' <<<"$after" || fail "no incident for the down web server resolved by the restart: $after"
  grep -q '"action":{"worked":true}' <<<"$after" || fail "the restart is not an incident of its own that worked: $after"
  grep -q '"restarts":1' <<<"$after" || fail "the restart is not counted for the cap: $after"
  [[ $(XO 'systemctl show -p ActiveState --value ldm-demo-web.service') == active ]] || fail "ldm-demo-web.service is not running again"
  ok "down -> finding and incident -> systemctl restart (1 of 3 in 15 min) -> answering again, recorded as worked"

  # The per-check unit: the same sandbox, one check.
  X 'systemctl start ldm-healthcheck-check@demo-web.service; journalctl -u ldm-healthcheck-check@demo-web.service -n 3 -o cat --no-pager' || fail "ldm-healthcheck-check@demo-web.service failed"
  XO 'journalctl -u ldm-healthcheck-check@demo-web.service -o cat --no-pager' | grep -q "demo-web (http, owner's check)" || fail "the per-check unit did not run the check"
  ok "ldm-healthcheck-check@demo-web.service runs the one check in the healthcheck's sandbox"

  local hca rc=0
  hca=$(XO '/opt/linux-devops-mcp/current/scripts/healthcheck_all.sh --no-run --no-ollama' 2>&1) || rc=$?
  indent <<<"$(grep -A2 'owner checks' <<<"$hca")"
  { grep -q 'owner checks (healthcheck.custom): 1 of 1 ok' <<<"$hca" && grep -q 'demo-web (http)' <<<"$hca"; } || fail "healthcheck_all.sh does not show the owner's check (exit $rc)"
  ok "healthcheck_all.sh lists the owner's check beside the built-in ones"

  # A Nagios plugin runs in the containment sandbox, not as the healthcheck's root: judged by effect.
  X 'node -e '"'"'
    const fs = require("fs"), f = "/etc/linux-devops-mcp/config.json";
    const c = JSON.parse(fs.readFileSync(f, "utf8"));
    const script = "touch /etc/ldm-plugin-was-here 2>/dev/null; cat /etc/linux-devops-mcp/config.json >/dev/null 2>&1 && echo LEAKED; echo \"PLUGIN OK - uid $(id -u) | uid=$(id -u)\"";
    c.healthcheck.custom.push({ id: "plugin", kind: "nagios", command: ["/bin/sh", "-c", script], timeoutMs: 20000 });
    fs.writeFileSync(f, JSON.stringify(c, null, 2));'"'" || fail "couldn't add the nagios check"
  X 'systemctl start ldm-healthcheck-check@plugin.service; journalctl -u ldm-healthcheck-check@plugin.service -n 3 -o cat --no-pager' || fail "ldm-healthcheck-check@plugin.service failed"
  local plugin
  plugin=$(XO 'node -e '"'"'const s = JSON.parse(require("fs").readFileSync("/var/lib/linux-devops-mcp/state.json", "utf8")); console.log(JSON.stringify((s.healthcheck.results ?? []).find((c) => c.id === "plugin")))'"'")
  say "  plugin: $plugin"
  { grep -q '"status":"ok"' <<<"$plugin" && grep -q '"message":"PLUGIN OK - uid [1-9]' <<<"$plugin"; } || fail "the plugin did not run as an unprivileged user in the sandbox: $plugin"
  [[ $(XO 'test -e /etc/ldm-plugin-was-here && echo yes || echo no') == no ]] || fail "the plugin wrote to /etc"
  ok "the Nagios plugin ran contained: not root, /etc read-only, the config unreadable; its perfdata became metrics"

  X 'mv -f '"$CUSTOM_CONFIG_SAVE"' /etc/linux-devops-mcp/config.json; systemctl stop ldm-demo-web.service; rm -f /etc/systemd/system/ldm-demo-web.service; systemctl daemon-reload; systemctl reset-failed "ldm-healthcheck-check@*" 2>/dev/null; true'
}
