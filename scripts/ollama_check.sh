#!/usr/bin/env bash
# ollama_check.sh - is Ollama answering, locally and (with a key) in the cloud? Nagios-style.
#
# Usage: ollama_check.sh [options]
#   --url URL         local Ollama (default: $OLLAMA_HOST, else http://127.0.0.1:11434)
#   --no-local        skip the local target
#   --cloud           also check the cloud API (implied when $OLLAMA_API_KEY is set)
#   --cloud-url URL   cloud API base (default https://ollama.com/api)
#   --timeout SEC     per request (default 5)
#   -h, --help        this text
#
# Local: GET /api/version, /api/tags (installed models), /api/ps (loaded models).
# Cloud: GET <base>/tags with "Authorization: Bearer $OLLAMA_API_KEY" (the key never
# appears on a command line: curl reads it from a mode-0600 file).
#
# First line: OLLAMA OK|WARNING|CRITICAL|UNKNOWN - summary | perfdata; then one line per check.
# Exit codes (Nagios; the worst target wins, CRITICAL over UNKNOWN over WARNING):
#   0 OK        the API answered and (local) has at least one model
#   1 WARNING   local: no models installed
#   2 CRITICAL  connection refused, timeout, DNS/TLS failure, HTTP 401/403 (key rejected),
#               HTTP 404 (not an Ollama API at that URL), HTTP 5xx or any other non-2xx
#   3 UNKNOWN   the answer is not the JSON Ollama sends; --cloud without $OLLAMA_API_KEY;
#               curl or node missing; bad usage
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# Nagios semantics beat sysexits here: bad usage is UNKNOWN (3), not 64.
usage_error() { printf '%s: %s\nTry %s --help.\n' "$PROG" "$*" "$PROG" >&2; echo "OLLAMA UNKNOWN - bad usage: $*"; exit 3; }
unknown() { echo "OLLAMA UNKNOWN - $*"; exit 3; }

LOCAL_URL=
LOCAL=1
CLOUD=0
CLOUD_URL=https://ollama.com/api
TIMEOUT=5
while [[ $# -gt 0 ]]; do
  case $1 in
    --url) [[ $# -ge 2 ]] || usage_error "--url needs a URL"; LOCAL_URL=$2; shift 2 ;;
    --no-local) LOCAL=0; shift ;;
    --cloud) CLOUD=1; shift ;;
    --cloud-url) [[ $# -ge 2 ]] || usage_error "--cloud-url needs a URL"; CLOUD_URL=$2; shift 2 ;;
    --timeout) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout needs whole seconds > 0"; TIMEOUT=$2; shift 2 ;;
    -h | --help) print_help; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
command -v curl >/dev/null 2>&1 || unknown "curl is not installed (apt-get install curl)"
NODE=$(manifest_get node)
[[ -n $NODE && -x $NODE ]] || NODE=$(command -v node 2>/dev/null) || unknown "node is not installed (needed to read the JSON answers)"
[[ -n ${OLLAMA_API_KEY:-} ]] && CLOUD=1

# OLLAMA_HOST takes the forms Ollama itself accepts: host, host:port, scheme://host:port; the
# server's bind-all 0.0.0.0 means "this host" for a client.
normalize_url() {
  local u=$1
  [[ $u == *://* ]] || u=http://$u
  u=${u%/}
  u=${u/:\/\/0.0.0.0/://127.0.0.1}
  [[ $u =~ ^https?://(\[[^]]+\]|[^/:]+):[0-9]+ ]] || { [[ $u =~ ^http://[^/]+$ ]] && u=$u:11434; }
  printf '%s\n' "$u"
}
LOCAL_URL=$(normalize_url "${LOCAL_URL:-${OLLAMA_HOST:-127.0.0.1:11434}}")
CLOUD_URL=${CLOUD_URL%/}

# get URL [AUTHFILE]: sets CODE (HTTP status or 000), CURL_RC, CURL_ERR, MS, BODY (a file).
get() {
  local url=$1 auth=${2:-} out errf
  BODY=$(tmpfile); errf=$(tmpfile)
  local args=(-sS -o "$BODY" -w '%{http_code} %{time_total}' --connect-timeout "$TIMEOUT" --max-time "$TIMEOUT" -H 'Accept: application/json')
  [[ -n $auth ]] && args+=(-K "$auth")
  CURL_RC=0
  out=$(curl "${args[@]}" -- "$url" 2>"$errf") || CURL_RC=$?
  CODE=${out%% *}; CODE=${CODE:-000}
  MS=$(awk -v t="${out#* }" 'BEGIN{printf "%d", t * 1000}')
  CURL_ERR=$(head -c 300 "$errf" | tr '\n' ' ')
}

# transport_problem NAME URL: prints the message and returns 0 when the request failed below JSON.
transport_problem() {
  local name=$1 url=$2
  case $CURL_RC in
    0) ;;
    7) echo "CRITICAL $name: connection refused at $url (is ollama running? systemctl status ollama)"; return 0 ;;
    28) echo "CRITICAL $name: no answer from $url within ${TIMEOUT}s (timeout)"; return 0 ;;
    6) echo "CRITICAL $name: can't resolve the host in $url"; return 0 ;;
    35 | 51 | 53 | 54 | 58 | 59 | 60 | 77 | 80 | 83 | 90 | 91) echo "CRITICAL $name: TLS failure talking to $url (curl $CURL_RC: $CURL_ERR)"; return 0 ;;
    *) echo "CRITICAL $name: request to $url failed (curl $CURL_RC: $CURL_ERR)"; return 0 ;;
  esac
  case $CODE in
    2??) return 1 ;;
    401 | 403) echo "CRITICAL $name: HTTP $CODE from $url: the API key was rejected${OLLAMA_API_KEY:+ (check OLLAMA_API_KEY)}"; return 0 ;;
    404) echo "CRITICAL $name: HTTP 404 from $url: no Ollama API there (wrong URL?)"; return 0 ;;
    5??) echo "CRITICAL $name: HTTP $CODE from $url: server error: $(head -c 200 "$BODY" | tr '\n' ' ')"; return 0 ;;
    *) echo "CRITICAL $name: unexpected HTTP $CODE from $url"; return 0 ;;
  esac
}

# json KIND FILE: validates an answer and prints its facts ("version V" | "models N NAMES"),
# or "badjson REASON" (exit 0 either way; the caller decides).
json() {
  "$NODE" -e '
    const [kind, file] = process.argv.slice(1);
    let v;
    try { v = JSON.parse(require("fs").readFileSync(file, "utf8")); } catch (e) { console.log("badjson not JSON: " + e.message.slice(0, 120)); process.exit(0); }
    if (kind === "version") {
      if (!v || typeof v.version !== "string") { console.log("badjson no \"version\" string in the answer"); process.exit(0); }
      console.log("version " + v.version);
    } else {
      if (!v || !Array.isArray(v.models)) { console.log("badjson no \"models\" array in the answer"); process.exit(0); }
      const names = v.models.map((m) => String(m && (m.name ?? m.model))).slice(0, 5).join(",");
      console.log("models " + v.models.length + " " + (names || "-"));
    }' "$1" "$2"
}

LINES=()
PERF=()
WORST=0
rank() { case $1 in 2) echo 3 ;; 3) echo 2 ;; *) echo "$1" ;; esac; }   # CRITICAL > UNKNOWN > WARNING > OK
record() {   # record CODE LINE
  LINES+=("$2")
  (($(rank "$1") > $(rank "$WORST"))) && WORST=$1
  return 0
}
# fetch NAME URL KIND [AUTH]: one request; on success sets FACT. Records the failure and returns 1.
fetch() {
  local name=$1 url=$2 kind=$3 auth=${4:-} msg fact
  get "$url" "$auth"
  if msg=$(transport_problem "$name" "$url"); then record 2 "$msg"; return 1; fi
  fact=$(json "$kind" "$BODY")
  if [[ $fact == badjson* ]]; then
    record 3 "UNKNOWN $name: HTTP $CODE from $url but ${fact#badjson }; is this an Ollama API?"
    return 1
  fi
  FACT=$fact
}

SUMMARY=()
if [[ $LOCAL == 1 ]]; then
  if fetch local "$LOCAL_URL/api/version" version; then
    version=${FACT#version }; t_version=$MS
    if fetch local "$LOCAL_URL/api/tags" models; then
      read -r _ n_models names <<<"$FACT"
      if fetch local "$LOCAL_URL/api/ps" models; then
        read -r _ n_loaded _ <<<"$FACT"
        PERF+=("local_models=$n_models" "local_loaded=$n_loaded" "local_ms=${t_version}ms")
        if ((n_models == 0)); then
          record 1 "WARNING local: Ollama $version at $LOCAL_URL has no models installed (ollama pull MODEL)"
          SUMMARY+=("local $version, no models")
        else
          record 0 "OK local: Ollama $version at $LOCAL_URL, $n_models model(s) ($names), $n_loaded loaded"
          SUMMARY+=("local $version, $n_models model(s), $n_loaded loaded")
        fi
      fi
    fi
  fi
fi
if [[ $CLOUD == 1 ]]; then
  if [[ -z ${OLLAMA_API_KEY:-} ]]; then
    record 3 "UNKNOWN cloud: --cloud given but OLLAMA_API_KEY is not set"
  else
    auth=$(tmpfile)   # mode 0600 (mktemp), removed on exit
    printf 'header = "Authorization: Bearer %s"\n' "$OLLAMA_API_KEY" > "$auth"
    if fetch cloud "$CLOUD_URL/tags" models "$auth"; then
      read -r _ n_cloud _ <<<"$FACT"
      PERF+=("cloud_models=$n_cloud" "cloud_ms=${MS}ms")
      record 0 "OK cloud: $CLOUD_URL answered with $n_cloud model(s)"
      SUMMARY+=("cloud $n_cloud model(s)")
    fi
  fi
fi
[[ $LOCAL == 1 || $CLOUD == 1 ]] || unknown "nothing to check (--no-local without --cloud or OLLAMA_API_KEY)"

case $WORST in 0) word=OK ;; 1) word=WARNING ;; 2) word=CRITICAL ;; *) word=UNKNOWN ;; esac
if [[ $WORST == 0 ]]; then text=$(IFS=';'; echo "${SUMMARY[*]}"); text=${text//;/; }
else text=$(printf '%s\n' "${LINES[@]}" | grep -v '^OK ' | head -n1 | cut -d' ' -f2-); fi
printf 'OLLAMA %s - %s%s\n' "$word" "$text" "${PERF:+ | ${PERF[*]}}"
printf '%s\n' "${LINES[@]}"
exit "$WORST"
