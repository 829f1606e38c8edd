#!/usr/bin/env bash
# healthcheck_all.sh - one report of the whole linux-devops-mcp install, readable at a glance.
#
# Usage: healthcheck_all.sh [options]
#   --prefix DIR   the install (default: from the install manifest, else /opt/linux-devops-mcp)
#   --no-run       don't run the health check now (systemctl start ldm-healthcheck.service);
#                  report the last timer run's result from state.json
#   --no-ollama    leave Ollama out (by default it is checked when configured, when OLLAMA_HOST
#                  or OLLAMA_API_KEY is set, or when an ollama binary/unit exists)
#   -h, --help     this text
#
# Sections: units and timers (state, result, last run), the health check (a run now in its
# unit, or the last result in state.json), Ollama (ollama_check.sh), open incidents,
# the top 5 learned patterns. The first line and the exit code are Nagios-style, the worst
# section wins: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (e.g. not installed, not root).
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
usage_error() { printf '%s: %s\nTry %s --help.\n' "$PROG" "$*" "$PROG" >&2; echo "LDM UNKNOWN - bad usage: $*"; exit 3; }

PREFIX=
RUN_CHECK=1
OLLAMA=auto
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix) [[ $# -ge 2 ]] || usage_error "--prefix needs a directory"; PREFIX=$2; shift 2 ;;
    --no-run) RUN_CHECK=0; shift ;;
    --no-ollama) OLLAMA=no; shift ;;
    -h | --help) print_help; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
PREFIX=${PREFIX:-$(manifest_get prefix)}
PREFIX=${PREFIX:-$LDM_DEFAULT_PREFIX}

WORST=0
rank() { case $1 in 2) echo 3 ;; 3) echo 2 ;; *) echo "$1" ;; esac; }   # CRITICAL > UNKNOWN > WARNING > OK
worse() { (($(rank "$1") > $(rank "$WORST"))) && WORST=$1; return 0; }
word() { case $1 in 0) echo OK ;; 1) echo WARNING ;; 2) echo CRITICAL ;; *) echo UNKNOWN ;; esac; }
PROBLEMS=()
problem() { worse "$1"; PROBLEMS+=("$2"); }
REPORT=$(tmpfile)
say() { printf '%s\n' "$*" >> "$REPORT"; }
section() { printf '\n== %s\n' "$*" >> "$REPORT"; }

finish() {
  local text=${PROBLEMS[0]:-all units healthy}
  [[ ${#PROBLEMS[@]} -gt 1 ]] && text="$text (+$(( ${#PROBLEMS[@]} - 1 )) more)"
  printf 'LDM %s - %s\n' "$(word "$WORST")" "$text"
  cat "$REPORT"
  exit "$WORST"
}

NODE=$(manifest_get node)
[[ -n $NODE && -x $NODE ]] || NODE=$(command -v node 2>/dev/null || true)
if [[ ! -d $PREFIX/current ]]; then problem 3 "not installed in $PREFIX (run setup_mcp.sh)"; finish; fi
[[ $(id -u) == 0 ]] || { problem 3 "run as root: the state in $LDM_STATE_DIR and the journal are root's"; finish; }
[[ -n $NODE ]] || { problem 3 "node not found (the manifest names '$(manifest_get node)')"; finish; }
say "release $(basename "$(readlink "$PREFIX/current")"), node $("$NODE" -v), host $(hostname)"

# ---- units and timers
section "units"
select_units   # without the HTTP pair when setup was told --no-http
for u in "${UNITS[@]}"; do
  [[ $u == *@.service ]] && continue   # a template (the OnFailure= hook) has no state of its own
  declare -A p=()
  while IFS='=' read -r k v; do p[$k]=$v; done < <(systemctl show "$u" -p LoadState,ActiveState,SubState,Result,UnitFileState,ExecMainStatus,ExecMainExitTimestamp,LastTriggerUSec,NextElapseUSecRealtime 2>/dev/null)
  line=$(printf '%-26s %-10s %-9s %-8s' "$u" "${p[ActiveState]:-?}/${p[SubState]:-?}" "${p[UnitFileState]:-?}" "${p[Result]:-?}")
  if [[ ${p[LoadState]:-} != loaded ]]; then problem 2 "$u is ${p[LoadState]:-missing}"; say "$line  NOT LOADED"; unset p; continue; fi
  case $u in
    *.timer)
      say "$line last ${p[LastTriggerUSec]:-never}"
      [[ ${p[ActiveState]} == active ]] || problem 2 "$u is ${p[ActiveState]} (systemctl enable --now $u)" ;;
    *)
      say "$line exit ${p[ExecMainStatus]:-?} at ${p[ExecMainExitTimestamp]:-never}"
      [[ ${p[ActiveState]} != failed ]] || problem 2 "$u failed (journalctl -u $u)" ;;
  esac
  [[ ${p[UnitFileState]} == enabled || $u == *.service && $u != ldm-boot-check.service ]] || problem 1 "$u is not enabled"
  unset p
done
say ""
systemctl list-timers 'ldm-*' --all --no-pager 2>/dev/null | sed 's/^/  /' >> "$REPORT" || true

# ---- the health check: a fresh run through its unit (same sandbox as the timer's, and systemd
# serialises it with a timer run in progress), then its result from state.json.
section "health check"
since=0
if [[ $RUN_CHECK == 1 ]]; then
  since=$(date +%s)
  if ! timeout 120 systemctl start ldm-healthcheck.service 2>"$LDM_TMP/hc.err"; then
    hc_status=$(systemctl show -p ExecMainStatus --value ldm-healthcheck.service)
    # 78 (EX_CONFIG): the run's own words name the file and field; "exit-code 78" alone names nothing.
    if [[ $hc_status == 78 ]] && config_errors=$(journalctl -u ldm-healthcheck.service --since "@$since" -o cat --no-pager 2>/dev/null | grep -m 8 '^invalid config: ') && [[ -n $config_errors ]]; then
      while IFS= read -r line; do say "  $line"; done <<<"$config_errors"
      problem 2 "$(head -n1 <<<"$config_errors")"
    else
      say "  the run failed: $(systemctl show -p Result,ExecMainStatus --value ldm-healthcheck.service | paste -sd ' ') (journalctl -u ldm-healthcheck)"
    fi
  fi
fi
# shellcheck disable=SC2016  # JavaScript template literals, not shell expansions
summary=$("$NODE" -e '
  const fs = require("fs");
  const [stateFile, sinceText] = process.argv.slice(1);
  const since = Number(sinceText) * 1000;
  const out = (rc, lines) => { console.log(rc); for (const l of lines) console.log(l); };
  let h;
  try { h = JSON.parse(fs.readFileSync(stateFile, "utf8")).healthcheck; } catch (e) { out(3, [`no health check result: cannot read ${stateFile}: ${e.message}`]); process.exit(0); }
  if (!h?.status) { out(3, ["no health check result in state.json yet"]); process.exit(0); }
  const at = Date.parse(h.lastRun ?? "");
  if (since && !(at >= since - 1000)) { out(3, [`no fresh result: the run just now did not complete; the last one is from ${h.lastRun ?? "never"}`]); process.exit(0); }
  const code = { ok: 0, warn: 1, crit: 2 }[h.status] ?? 3;
  const results = h.results ?? [];
  const lines = [`status ${h.status} (${since ? "run now" : "last timer run"}, ${h.lastRun})`];
  for (const c of results) if (c.status !== "ok") lines.push(`  ${String(c.status).padEnd(8)} ${c.id}: ${c.message ?? ""}`);
  lines.push(`  ${results.filter((c) => c.status === "ok").length} of ${results.length} checks ok`);
  out(code, lines);
' "$LDM_STATE_DIR/state.json" "$since")
hc_code=$(head -n1 <<<"$summary")
tail -n +2 <<<"$summary" >> "$REPORT"
if [[ $hc_code != 0 ]]; then problem "$hc_code" "health check: $(sed -n 2p <<<"$summary" | sed 's/^ *//')"; fi

# ---- Ollama
section "ollama"
ollama_url=$("$NODE" -e 'try { const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(c.ollama?.url ?? "") } catch { console.log("") }' "$LDM_CONFIG" 2>/dev/null || true)
if [[ $OLLAMA == auto ]]; then
  if [[ -n $ollama_url || -n ${OLLAMA_HOST:-} || -n ${OLLAMA_API_KEY:-} ]] || command -v ollama >/dev/null 2>&1 || systemctl cat ollama.service >/dev/null 2>&1; then OLLAMA=yes; else OLLAMA=no; fi
  [[ $OLLAMA == no ]] && say "not installed or configured (skipped)"
else
  [[ $OLLAMA == no ]] && say "skipped (--no-ollama)"
fi
if [[ $OLLAMA == yes ]]; then
  o_rc=0
  "$SCRIPT_DIR/ollama_check.sh" ${ollama_url:+--url "$ollama_url"} > "$LDM_TMP/ollama.out" 2>&1 || o_rc=$?
  tail -n +2 "$LDM_TMP/ollama.out" | sed 's/^/  /' >> "$REPORT"
  [[ $o_rc == 0 ]] || problem "$o_rc" "$(head -n1 "$LDM_TMP/ollama.out")"
fi

# ---- incidents and patterns
section "open incidents"
# shellcheck disable=SC2016  # JavaScript template literals, not shell expansions
"$NODE" -e '
  const fs = require("fs");
  const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch (e) { return e.code === "ENOENT" ? null : { error: e.message }; } };
  const [incFile, patFile] = process.argv.slice(1);
  const inc = read(incFile), pat = read(patFile);
  const open = (inc?.incidents ?? []).filter((i) => (i.status ?? "open") === "open");
  if (inc?.error) console.log(`  cannot read ${incFile}: ${inc.error}`);
  else if (!open.length) console.log("  none");
  for (const i of open.slice(-10).reverse()) console.log(`  ${String(i.severity).padEnd(4)} ${i.lastSeen ?? i.time} x${i.count ?? 1} ${i.subject ? i.subject + ": " : ""}${i.summary}`);
  if (open.length > 10) console.log(`  ... ${open.length - 10} older`);
  console.log("\n== top patterns");
  const ps = [...(pat?.patterns ?? [])].sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || String(b.lastSeen).localeCompare(String(a.lastSeen)));
  if (pat?.error) console.log(`  cannot read ${patFile}: ${pat.error}`);
  else if (!ps.length) console.log("  none learned yet");
  for (const p of ps.slice(0, 5)) {
    const best = [...(p.resolutions ?? [])].sort((a, b) => (b.successes ?? 0) - (a.successes ?? 0))[0];
    console.log(`  x${String(p.count ?? 0).padEnd(4)} ${p.template}${best ? `  -> fix: ${best.action} (${best.successes ?? 0} worked, ${best.failures ?? 0} failed)` : ""}`);
  }
  process.stdout.write(`\n#open ${open.filter((i) => i.severity === "crit").length} ${open.filter((i) => i.severity === "warn").length}\n`);
' "$LDM_STATE_DIR/incidents.json" "$LDM_STATE_DIR/patterns.json" > "$LDM_TMP/docs.out"
grep -v '^#open ' "$LDM_TMP/docs.out" >> "$REPORT"
read -r _ n_crit n_warn < <(grep '^#open ' "$LDM_TMP/docs.out")
((n_crit == 0)) || problem 2 "$n_crit open critical incident(s)"
((n_warn == 0)) || problem 1 "$n_warn open warning incident(s)"
finish
