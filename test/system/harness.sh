# harness.sh - sourced by run.sh, attack/run-attack.sh and public/run-public.sh after sandbox.sh:
# one system test at a time on a machine, the step reporting they print, and (for the two runs that
# test one part alone) booting the container with the checkout installed by setup_mcp.sh.
# shellcheck shell=bash disable=SC2016

# harness_begin NAME: takes the machine-wide lock (the containers share the host's network, port
# 8765) and starts the clock. Defines say, step, ok, pending, fail, indent, X and XO.
harness_begin() {
  exec 8>/var/tmp/ldm-systest.run.lock
  flock -w 1800 8 || { echo "$1: another system test holds /var/tmp/ldm-systest.run.lock" >&2; exit 75; }
  # shellcheck disable=SC2034  # PENDING and FIGURES are filled by the steps and printed by the caller
  T0=$(date +%s) STEP=0 PENDING=() FIGURES=()
}
say() { printf '%s\n' "$*" >&2; }
step() { STEP=$((STEP + 1)); printf '\n[%3ss] STEP %d: %s\n' "$(($(date +%s) - T0))" "$STEP" "$*" >&2; }
ok() { printf '  ok: %s\n' "$*" >&2; }
pending() { printf '  PENDING: %s\n' "$*" >&2; PENDING+=("step $STEP: $*"); }
fail() { printf '  FAIL (step %d): %s\n' "$STEP" "$*" >&2; exit 1; }
indent() { sed 's/^/    | /' >&2; }
# X CMD: runs CMD in the container; output indented. XO CMD: its stdout captured instead.
X() { sbx_exec "$@" 2>&1 | indent; return "${PIPESTATUS[0]}"; }
XO() { sbx_exec "$@"; }

# harness_install: builds (unless LDM_SYSTEST_NO_BUILD=1), prepares and boots the container with the
# checkout at /root/src, and installs it with setup_mcp.sh --dist.
harness_install() {
  if [[ ${LDM_SYSTEST_NO_BUILD:-0} != 1 ]]; then (cd "$REPO" && node build.mjs) || fail "node build.mjs failed"; fi
  LDM_SBX_BINDS="$REPO/node_modules:/src/node_modules ${LDM_SBX_BINDS:-}"
  sbx_prepare || fail "sandbox preparation failed"
  mkdir -p "$SBX_MERGED/root/src/dist"
  local f rc=0
  for f in scripts units docs packages build.mjs package.json package-lock.json tsconfig.json tsconfig.base.json; do
    [[ -e $REPO/$f ]] && cp -a "$REPO/$f" "$SBX_MERGED/root/src/"
  done
  ln -s /src/node_modules "$SBX_MERGED/root/src/node_modules"
  cp -a "$REPO"/dist/ldm-*.mjs "$REPO"/dist/chunks "$SBX_MERGED/root/src/dist/"
  sbx_boot || fail "the container did not boot"
  XO '/root/src/scripts/setup_mcp.sh --dist /root/src/dist' > "$SBX_RUN/setup.out" 2>&1 || rc=$?
  [[ $rc == 0 ]] || { indent < "$SBX_RUN/setup.out"; fail "setup_mcp.sh exited $rc"; }
}
