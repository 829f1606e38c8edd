# shellcheck shell=bash disable=SC2034  # DIST_DIR, STAGE etc. are results for the caller
# Building, staging and switching releases; shared by setup_mcp.sh and update_mcp.sh.
# Layout: PREFIX/releases/<version>-<hash>/  PREFIX/current -> releases/<id>  PREFIX/previous
#         PREFIX/bin/ldm-* (wrappers that run PREFIX/current/ldm-*.mjs with the recorded node)

# find_node [PATH]: sets NODE_BIN to a Node >= 20, or explains how to get one.
find_node() {
  local candidate=${1:-} major
  if [[ -z $candidate ]]; then candidate=$(command -v node 2>/dev/null || true); fi
  if [[ -z $candidate ]]; then
    die "$EX_UNAVAILABLE" "Node.js >= 20 is required and no 'node' is on PATH. Install it with one of:
  - NodeSource (Debian/Ubuntu): curl -fsSL https://deb.nodesource.com/setup_22.x | bash - && apt-get install -y nodejs
  - the distro package, when it is new enough: apt-get install nodejs   (Debian 13 / Ubuntu 24.04 ship >= 20)
  - nvm for one user: https://github.com/nvm-sh/nvm, then 'nvm install 22'
then run this again, or pass --node /path/to/node."
  fi
  candidate=$(readlink -f -- "$candidate")
  [[ -x $candidate ]] || die "$EX_UNAVAILABLE" "--node $candidate is not an executable file"
  node_is_root_only "$candidate"
  major=$(node_major "$candidate") || true
  [[ $major =~ ^[0-9]+$ ]] || die "$EX_UNAVAILABLE" "$candidate does not run as Node.js ($candidate -v failed)"
  ((major >= 20)) || die "$EX_UNAVAILABLE" "$candidate is Node $("$candidate" -v); Node >= 20 is required (NodeSource: https://github.com/nodesource/distributions, or nvm: 'nvm install 22')"
  NODE_BIN=$candidate
}

# node_is_root_only PATH: the root services will exec PATH, so it and every directory above it
# must be root's alone; an nvm node in a user's home would let that user run code as root.
node_is_root_only() {
  local p=$1 owner perms
  while [[ -n $p ]]; do
    read -r owner perms < <(stat -c '%u %a' -- "$p")
    if [[ $owner != 0 ]] || (( (8#$perms & 8#022) != 0 && (8#$perms & 8#1000) == 0 )); then
      die "$EX_NOPERM" "$1 can't run root's services: $p is $( [[ $owner != 0 ]] && echo "owned by uid $owner" || echo "writable by group or others (mode $perms)"), so that user could change what root runs. Install Node system-wide (NodeSource or the distro package), or copy it: install -m 0755 $1 /usr/local/bin/node && setup_mcp.sh --node /usr/local/bin/node"
    fi
    [[ $p == / ]] && break
    p=$(dirname -- "$p")
  done
}

mem_available_mb() { awk '/^(MemAvailable|SwapFree):/{kb += $2} END{print int(kb / 1024)}' /proc/meminfo; }

# build_from_source DIR: npm install --omit=dev (only when node_modules is missing or older than
# the lock file) and the esbuild bundle. esbuild is a runtime dependency for this reason: the
# build needs the runtime packages and esbuild, never jest, swc or typescript. Sets DIST_DIR. No type checking: that is the tests' job, and
# tsc does not fit on a 1 GB host next to the running services.
build_from_source() {
  local src=$1 avail
  [[ -f $src/package.json && -f $src/build.mjs ]] || die "$EX_DATAERR" "$src is not a linux-devops-mcp checkout (no package.json/build.mjs); pass --source CHECKOUT or --dist BUNDLES"
  [[ -w $src ]] || die "$EX_CANTCREAT" "can't build in $src: not writable (pass prebuilt bundles with --dist DIR)"
  if [[ ! -d $src/node_modules/esbuild || $src/package-lock.json -nt $src/node_modules/.package-lock.json ]]; then
    need_cmd npm "it comes with Node.js"
    avail=$(mem_available_mb)
    # npm installing this tree peaked at 640 MB RSS (measured, npm 11); keep some room for the host.
    if ((avail < 800)); then
      die "$EX_TEMPFAIL" "only ${avail} MB of memory+swap available; 'npm install' needs about 650 MB (800 MB with room for the host). Add swap (--swap 1G), or build on another machine and pass --dist DIR"
    fi
    npm_install "$src"
  fi
  log "bundling (node build.mjs in $src)"
  (cd "$src" && run "$NODE_BIN" build.mjs) >&2 || die "$EX_SOFTWARE" "node build.mjs failed in $src (see above); or build on another machine and pass --dist DIR"
  DIST_DIR=$src/dist
}

# npm_install DIR: npm install --omit=dev in DIR, with a progress line every LDM_NPM_PROGRESS_SEC
# (15) seconds, given up after LDM_NPM_TIMEOUT (1200) seconds; a failure shows npm's last lines
# and the usual causes. Exits 70 on failure.
npm_install() {
  local src=$1 limit=${LDM_NPM_TIMEOUT:-1200} every=${LDM_NPM_PROGRESS_SEC:-15} out pid rc=0 t=0
  local cmd=(npm install --omit=dev --no-audit --no-fund --no-update-notifier --loglevel=error)
  if [[ $DRY_RUN == 1 ]]; then run "${cmd[@]}"; return 0; fi
  out=$LDM_TMP/npm-install.log
  log "installing build dependencies: ${cmd[*]} in $src (minutes on a small host; progress every ${every} s, at most ${limit} s)"
  # npm's update notice is noise in an install log.
  (cd "$src" && NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false exec timeout --kill-after=10 "$limit" "${cmd[@]}") >"$out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    t=$((t + 1))
    if ((t % every == 0)); then log "npm install: ${t} s, $(find "$src/node_modules" -mindepth 1 -maxdepth 2 -name package.json 2>/dev/null | wc -l) packages so far"; fi
  done
  wait "$pid" || rc=$?
  if [[ $rc == 0 ]]; then log "npm install done in ${t} s"; return 0; fi
  if [[ -s $out ]]; then warn "npm's last lines:"; tail -n 20 "$out" | sed 's/^/  | /' >&2; fi
  if [[ $rc == 124 || $rc == 137 ]]; then
    die "$EX_SOFTWARE" "npm install did not finish within ${limit} s (LDM_NPM_TIMEOUT) in $src. A slow or blocked registry (check: npm ping), or too little memory (free -m; add --swap 1G). Or build on another machine and pass --dist DIR (README: Install on a 1 GB host)"
  fi
  die "$EX_SOFTWARE" "npm install failed (exit $rc) in $src; npm's last lines are above. Usual causes: no route to the registry (npm ping), out of memory (dmesg | grep -i oom; add --swap 1G), a read-only or full disk (df -h $src). Or build on another machine and pass --dist DIR"
}

# check_dist DIR: the four bundles are there, each starts (--version), and every chunk they
# or their chunks load, at start or later, is in DIR/chunks.
check_dist() {
  local dir=$1 b out chunk
  for b in "${LDM_BINARIES[@]}"; do
    [[ -f $dir/ldm-$b.mjs ]] || die "$EX_DATAERR" "$dir/ldm-$b.mjs is missing (run 'node build.mjs' in the checkout, or pass the right --dist)"
    out=$("$NODE_BIN" "$dir/ldm-$b.mjs" --version 2>&1) || die "$EX_DATAERR" "$dir/ldm-$b.mjs --version failed: $out"
    [[ $out == "ldm-$b "* ]] || die "$EX_DATAERR" "$dir/ldm-$b.mjs --version printed '$out', expected 'ldm-$b <version>'"
  done
  while IFS= read -r chunk; do
    [[ -f $dir/chunks/$chunk ]] || die "$EX_DATAERR" "$dir/chunks/$chunk is missing: the bundles load it (copy the whole dist directory)"
  done < <(cat "$dir"/ldm-*.mjs "$dir"/chunks/*.mjs 2>/dev/null | grep -o '"\./\(chunks/\)\?[A-Za-z0-9_-]*\.mjs"' | sed 's/^"\.\/\(chunks\/\)\?//; s/"$//' | sort -u)
}

# stage_release DIST SRC_ROOT: a complete release in a temp dir. Sets STAGE and RELEASE_ID
# (<version>-<12 hex of the content hash>: the same bundles give the same id, so a re-run is a no-op).
stage_release() {
  local dist=$1 root=$2 b version
  STAGE=$(mktemp -d "$LDM_TMP/stage.XXXXXX")
  mkdir -p "$STAGE/scripts/lib" "$STAGE/units" "$STAGE/docs"
  for b in "${LDM_BINARIES[@]}"; do install -m 0755 "$dist/ldm-$b.mjs" "$STAGE/"; done
  if [[ -d $dist/chunks ]]; then
    mkdir -p "$STAGE/chunks"
    install -m 0644 "$dist"/chunks/*.mjs "$STAGE/chunks/"
  fi
  install -m 0755 "$root"/scripts/*_mcp.sh "$root"/scripts/healthcheck_all.sh "$root"/scripts/ollama_check.sh "$STAGE/scripts/"
  # Every library the installed scripts source (cleanup needs check-timers.sh, setup public-proxy.sh).
  install -m 0644 "$root"/scripts/lib/*.sh "$STAGE/scripts/lib/"
  install -m 0644 "$root"/units/ldm-* "$STAGE/units/"
  if [[ -f $root/docs/operations.md ]]; then install -m 0644 "$root/docs/operations.md" "$STAGE/docs/"; fi
  version=$("$NODE_BIN" "$dist/ldm-healthcheck.mjs" --version | awk '{print $2}')
  [[ $version =~ ^[0-9A-Za-z.+-]+$ ]] || die "$EX_DATAERR" "unusable version '$version' from ldm-healthcheck --version"
  printf '%s\n' "$version" > "$STAGE/VERSION"
  (cd "$STAGE" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > "$LDM_TMP/sums")
  mv -- "$LDM_TMP/sums" "$STAGE/SHA256SUMS"
  RELEASE_ID=$version-$(sha256_of "$STAGE/SHA256SUMS" | cut -c1-12)
}

release_ok() { [[ -f $1/SHA256SUMS ]] && (cd "$1" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1); }

# install_release PREFIX: moves STAGE to PREFIX/releases/RELEASE_ID unless an intact copy is there.
install_release() {
  local prefix=$1 dest=$1/releases/$RELEASE_ID
  if [[ -d $dest ]] && release_ok "$dest"; then return 0; fi
  CHANGES=$((CHANGES + 1))
  if [[ -e $dest ]]; then
    warn "$dest is damaged (checksums differ); replacing it"
    run rm -rf -- "$dest"
  fi
  run mkdir -p "$prefix/releases"
  run cp -a -- "$STAGE" "$dest.tmp"
  undo_push rm -rf -- "$dest" "$dest.tmp"
  run chmod 0755 "$dest.tmp"
  run mv -T -- "$dest.tmp" "$dest"
}

current_release() { local t; t=$(readlink -- "$1/current" 2>/dev/null) || return 0; basename -- "$t"; }

# set_link PREFIX NAME ID: points PREFIX/NAME at releases/ID atomically (rename over the old link).
set_link() {
  local prefix=$1 name=$2 id=$3 old
  old=$(readlink -- "$prefix/$name" 2>/dev/null || true)
  [[ $old == "releases/$id" ]] && return 0
  CHANGES=$((CHANGES + 1))
  run ln -sfn -- "releases/$id" "$prefix/.$name.new"
  run mv -T -- "$prefix/.$name.new" "$prefix/$name"
  if [[ -n $old ]]; then undo_push ln -sfn -- "$old" "$prefix/$name"; else undo_push rm -f -- "$prefix/$name"; fi
}

# switch_release PREFIX ID: current -> ID, previous -> the old current.
switch_release() {
  local prefix=$1 id=$2 old
  old=$(current_release "$prefix")
  [[ $old == "$id" ]] && return 0
  [[ -n $old ]] && set_link "$prefix" previous "$old"
  set_link "$prefix" current "$id"
}

# install_wrappers PREFIX: PREFIX/bin/ldm-*, so `ssh host PREFIX/bin/ldm-mcp-server` works with
# the Node found at install time (a non-interactive ssh login may not have nvm on PATH).
install_wrappers() {
  local prefix=$1 b
  run mkdir -p "$prefix/bin"
  for b in "${LDM_BINARIES[@]}"; do
    put_content "$prefix/bin/ldm-$b" 0755 <<WRAPPER || true
#!/bin/sh
# Written by setup_mcp.sh. Runs the current release of ldm-$b with the Node it was installed for.
# Outside systemd (ssh, a shell) the state and log directories are the ones the units use.
if [ -z "\${LDM_STATE_DIR:-}" ] && [ -z "\${STATE_DIRECTORY:-}" ]; then LDM_STATE_DIR=$LDM_STATE_DIR; export LDM_STATE_DIR; fi
if [ -z "\${LDM_LOG_DIR:-}" ] && [ -z "\${LOGS_DIRECTORY:-}" ]; then LDM_LOG_DIR=$LDM_LOG_DIR; export LDM_LOG_DIR; fi
exec $NODE_BIN $prefix/current/ldm-$b.mjs "\$@"
WRAPPER
  done
}

# install_units PREFIX UNIT_SRC_DIR: copies changed units (UNITS, from select_units), then one
# daemon-reload. Sets UNITS_CHANGED.
install_units() {
  local prefix=$1 src=$2 u tmp
  UNITS_CHANGED=0
  # Pushed first so that on rollback it runs last, after the old unit files are back.
  undo_push systemctl daemon-reload
  for u in "${UNITS[@]}"; do
    [[ -f $src/$u ]] || die "$EX_DATAERR" "unit $src/$u is missing"
    tmp=$(tmpfile)
    render_unit "$src/$u" "$prefix" > "$tmp"
    if put_file "$tmp" "$LDM_UNIT_DIR/$u" 0644; then UNITS_CHANGED=1; fi
  done
  if [[ $UNITS_CHANGED == 1 ]]; then run systemctl daemon-reload; fi
}

# prune_releases PREFIX: keeps current, previous and the newest other one.
prune_releases() {
  local prefix=$1 cur prev d kept=0
  cur=$(current_release "$prefix")
  prev=$(basename -- "$(readlink -- "$prefix/previous" 2>/dev/null || echo none)")
  [[ -d $prefix/releases ]] || return 0
  while IFS= read -r d; do
    [[ $d == "$cur" || $d == "$prev" ]] && continue
    kept=$((kept + 1))
    ((kept <= 1)) && continue
    log "removing old release $d"
    run rm -rf -- "${prefix:?}/releases/$d"
  done < <(ls -1t -- "$prefix/releases")
}
