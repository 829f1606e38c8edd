// snapshot.mjs - what the host looks like from the outside: files under the watched roots (type,
// mode, owner, size, inode, device, mtime, ctime), the mount table, and the state of the units that
// must not move. Taking one is I/O; comparing two (diffSnapshots) is pure.
import { readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';

const MAX_OUTPUT = 256 * 1024 * 1024;

/**
 * Files under `roots` (missing roots are simply absent). `prune`: find -path globs not descended
 * into; `ignore(path)` filters what is left. find(1) rather than a walk in node: ~5x faster, and
 * NUL-separated so a file name with a newline cannot forge an entry.
 */
export function fileSnapshot(roots, prune, ignore) {
  const expr = prune.flatMap((g, i) => (i ? ['-o', '-path', g] : ['-path', g]));
  const args = [...roots, ...(expr.length ? ['(', ...expr, ')', '-prune', '-o'] : []), '-printf', '%p\\0%y %m %U:%G %s %D:%i n%n m%T@ c%C@\\0'];
  const res = spawnSync('find', args, { maxBuffer: MAX_OUTPUT, timeout: 60_000 });
  const parts = res.stdout.toString('utf8').split('\0');
  const out = new Map();
  for (let i = 0; i + 1 < parts.length; i += 2) if (!ignore(parts[i])) out.set(parts[i], parts[i + 1]);
  return out;
}

export function mountSnapshot() {
  return readFileSync('/proc/1/mountinfo', 'utf8').split('\n').filter(Boolean)
    .map((l) => l.split(' ').slice(3, 6).join(' ')).sort();   // root, mount point, options
}

const UNIT_PROPS = 'Id,LoadState,ActiveState,UnitFileState,InvocationID';

/** `systemctl show` of the watched units, and the names of every loaded unit. */
export function unitSnapshot(units) {
  const show = execFileSync('systemctl', ['show', `-p${UNIT_PROPS}`, '--', ...units], { encoding: 'utf8', timeout: 20_000 });
  const state = {};
  for (const block of show.split('\n\n')) {
    const kv = Object.fromEntries(block.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    if (kv.Id) state[kv.Id] = kv;
  }
  const list = execFileSync('systemctl', ['list-units', '--all', '--plain', '--no-legend', '--no-pager'], { encoding: 'utf8', timeout: 20_000 });
  const active = list.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[0] && /^(active|activating|reloading)$/.test(f[2]))
    .map((f) => f[0]);
  return { state, active };
}

/**
 * Pure: what changed between two snapshots, as human-readable findings.
 * rules.allowChange(path, before, after) → true when a change there is the suite's own business;
 * rules.allowNewUnit(name) → true for units that may come and go (our own sandbox units, timers' services).
 */
export function diffSnapshots(a, b, rules) {
  const findings = [];
  for (const [p, after] of b.files) {
    const before = a.files.get(p);
    if (before === after || rules.allowChange(p, before, after)) continue;
    const setuid = after?.startsWith('f ') && (Number.parseInt(after.split(' ')[1], 8) & 0o6000) !== 0;   // %m: permission bits in octal
    findings.push(`${before === undefined ? 'new' : 'changed'}${setuid ? ' setuid/setgid' : ''}: ${p}`);
  }
  for (const p of a.files.keys()) if (!b.files.has(p) && !rules.allowChange(p, a.files.get(p), undefined)) findings.push(`removed: ${p}`);
  const ma = new Set(a.mounts);
  for (const m of b.mounts) if (!ma.has(m)) findings.push(`new mount: ${m}`);
  if (b.units.error) findings.push(`systemd did not answer: ${b.units.error}`);
  for (const [id, sa] of Object.entries(b.units.error ? {} : a.units.state)) {
    const sb = b.units.state[id];
    if (!sb) { findings.push(`unit gone: ${id}`); continue; }
    for (const k of ['LoadState', 'ActiveState', 'UnitFileState', 'InvocationID']) {
      if (sa[k] !== sb[k]) findings.push(`unit ${id}: ${k} ${sa[k] || '""'} -> ${sb[k] || '""'}`);
    }
  }
  const wasActive = new Set(a.units.active);
  for (const u of a.units.error ? [] : b.units.active) if (!wasActive.has(u) && !rules.allowNewUnit(u)) findings.push(`new active unit: ${u}`);
  return findings;
}
