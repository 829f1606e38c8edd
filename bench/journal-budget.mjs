// The healthcheck's journal check inside the daemons' budget (<= 400 ms, <= 60 MB): one
// ldm-healthcheck run (spawned bundle, median of BENCH_RUNS) that reads 10,000 error-priority
// lines since its last run, from a fake journalctl that prints them as `journalctl -o json` does,
// on a store that has lived for months (1000 incidents, 200 patterns).
//   known: every group seen before (a noisy host's usual run); new: 96 groups over 12 units never
//   seen, of which 3 units are recorded in the run (MAX_UNITS_PER_RUN), the others in later runs.
// usage: node build.mjs && node bench/journal-budget.mjs
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measureProcess } from './lib/measure.mjs';
import { writeLivedInState } from './lib/lived-in-state.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 9);
const LINES = 10_000;
const dist = new URL('../dist/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-journal-'));
const bin = join(dir, 'bin');
const runtime = join(dir, 'run-systemd-system');
mkdirSync(bin);
mkdirSync(runtime);

// 60 templates over 12 units, with the instance values real lines carry (PIDs, IPs, ports, ids).
const units = ['nginx', 'sshd', 'app', 'worker', 'cron', 'postgresql@15-main', 'docker', 'containerd', 'api', 'redis-server', 'php8.2-fpm', 'kernel'];
const shapes = [
  (i) => `connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.${i % 250}.${i % 200}, server: example.com, request: "GET /api/v${i % 3}/items/${i} HTTP/1.1"`,
  (i) => `error: kex_exchange_identification: read: Connection reset by peer [preauth] from 203.0.113.${i % 250} port ${30000 + (i % 30000)}`,
  (i) => `Error: request ${i.toString(16)} timed out after ${1000 + (i % 5000)} ms`,
  (i) => `ERROR job ${i} failed: ECONNREFUSED 127.0.0.1:${6379 + (i % 3)}`,
  (i) => `FATAL:  password authentication failed for user "app${i % 7}" at 2026-11-24 10:${String(i % 60).padStart(2, '0')}:00 UTC`,
];
const fields = (u, i) => (u === 'kernel' ? { _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel' } : { _TRANSPORT: 'syslog', SYSLOG_IDENTIFIER: u.split('@')[0], _PID: String(1000 + (i % 30000)), _SYSTEMD_UNIT: `${u}.service` });
const t0 = Date.now() * 1000;
const out = [];
for (let i = 0; i < LINES; i++) {
  const u = units[i % units.length];
  const shape = shapes[Math.floor(i / units.length) % shapes.length];
  out.push(JSON.stringify({ __CURSOR: `s=bench;i=${i.toString(16)}`, __REALTIME_TIMESTAMP: String(t0 + i), MESSAGE: `${u}: ${shape(i)}`, _HOSTNAME: 'web-1', ...fields(u, i) }));
}
const journalFile = join(dir, 'journal.json');
writeFileSync(journalFile, `${out.join('\n')}\n`);
const fake = {
  systemctl: 'case "$1" in list-units) ;; show) printf "LoadState=loaded\\nActiveState=active\\nSubState=running\\nResult=success\\n";; esac',
  journalctl: `case "$*" in *--priority*) [ "$LDM_BENCH_JOURNAL" = off ] || cat '${journalFile}';; *) echo "-- No entries --";; esac`,
  timedatectl: 'printf "NTP=yes\\nNTPSynchronized=yes\\n"',
};
for (const [name, body] of Object.entries(fake)) {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}
// NODE_OPTIONS as units/ldm-healthcheck.service sets it.
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, LDM_SYSTEMD_RUNTIME_DIR: runtime, NODE_OPTIONS: '--max-semi-space-size=1' };
const DOCS = ['state.json', 'incidents.json', 'patterns.json'];

function prepare(name, forget, quiet = false) {
  const d = join(dir, name);
  writeLivedInState(d);
  const runEnv = quiet ? { ...env, LDM_BENCH_JOURNAL: 'off' } : env;
  const argv = [process.execPath, `${dist}ldm-healthcheck.mjs`, '--once', '--json', '--state-dir', d, '--config', join(d, 'config.json')];
  spawnSync(argv[0], argv.slice(1), { env: runEnv }); // baseline: the cursor, and every group's usual count
  spawnSync(argv[0], argv.slice(1), { env: runEnv });
  const state = JSON.parse(readFileSync(join(d, 'state.json'), 'utf8'));
  if (forget) state.healthcheck.memory.journal.groups = {};
  writeFileSync(join(d, 'state.json'), JSON.stringify(state));
  for (const f of DOCS) copyFileSync(join(d, f), join(d, `${f}.template`));
  // Each run starts from the same documents: `sh -c 'cp ... && exec node ...'`, so the figures are node's.
  const restore = DOCS.map((f) => `cp '${join(d, `${f}.template`)}' '${join(d, f)}'`).join(' && ');
  const last = JSON.parse(spawnSync('/bin/sh', ['-c', `${restore} && exec ${argv.map((a) => `'${a}'`).join(' ')}`], { env: runEnv, encoding: 'utf8' }).stdout);
  return { env: runEnv, argv: ['/bin/sh', '-c', `${restore} && exec ${argv.map((a) => `'${a}'`).join(' ')}`], check: last.checks.find((c) => c.id === 'journal') };
}

console.log(`ldm-healthcheck --once with ${LINES} journal error lines since the last run, median of ${runs} runs (${process.version}); goal <= 60 MB and <= 400 ms`);
console.log('case | wall ms | peak RSS MB (median) | peak RSS MB (max) | journal check says');
for (const [label, forget] of [['groups known', false], ['96 new groups, 12 units', true]]) {
  const { argv, check, env: runEnv } = prepare(label.replace(/\W+/g, '-'), forget);
  const m = measureProcess(argv, { runs, env: runEnv });
  console.log(`${label} | ${fmt(m.wallMs, 0)} | ${fmt(m.rssMb)} | ${fmt(m.rssMaxMb)} | ${check?.status}: ${check?.message}`);
}
const empty = prepare('no journal lines', false, true);
const e = measureProcess(empty.argv, { runs, env: empty.env });
console.log(`no journal lines (reference) | ${fmt(e.wallMs, 0)} | ${fmt(e.rssMb)} | ${fmt(e.rssMaxMb)} | ${empty.check?.status}: ${empty.check?.message}`);
const base = measureProcess([process.execPath, '--max-semi-space-size=1', '-e', '0'], { runs });
console.log(`node -e 0 (baseline) | ${fmt(base.wallMs, 0)} | ${fmt(base.rssMb)} | ${fmt(base.rssMaxMb)} |`);
