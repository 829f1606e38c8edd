// Peak RSS and wall time of one ldm-healthcheck run, one ldm-idle-watcher sample and one
// ldm-boot-check run (spawned bundles, median of BENCH_RUNS), against `node -e 0` measured in the
// same run; and the child processes each one starts, counted with strace -f (execve).
// usage: node build.mjs && node bench/daemons.mjs        goal: <= 60 MB, <= 400 ms, sample spawns 0
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeSystemd } from './lib/fake-systemd.mjs';
import { measureProcess, fmt } from './lib/measure.mjs';
import { writeLivedInState } from './lib/lived-in-state.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 9);
const dist = new URL('../dist/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-daemons-'));

const host = fakeSystemd(dir, 'case "$1" in list-units) echo "nginx.service loaded failed failed nginx";; show) printf "LoadState=loaded\\nActiveState=active\\nSubState=running\\nResult=success\\n";; esac');
const sandboxEnv = { ...process.env, PATH: host.path, LDM_SYSTEMD_RUNTIME_DIR: host.runtime };

function stateDir(name, doc) {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  if (doc) writeFileSync(join(d, 'state.json'), JSON.stringify(doc));
  return d;
}

// A full 7-day history (168 hourly buckets of 12 samples): the idle watcher's state at its largest.
const hour = Math.floor(Date.now() / 3_600_000);
const history = Array.from({ length: 168 }, (_, i) => `${hour - 167 + i}|${Array(12).fill(230).join(',')}|${Array(12).fill(40).join(',')}|5000000|3600`).join(';');
// The previous sample is put back 5 minutes old before each run (a sample within a minute of the
// last one measures nothing, by design): `sh -c 'cp ... && exec node ...'`, so the figures are node's.
const net = readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).filter((l) => l.includes(':') && !l.trim().startsWith('lo:')).map((l) => l.split(':')[1].trim().split(/\s+/).map(Number));
const [rx, tx] = [net.reduce((a, f) => a + f[0], 0), net.reduce((a, f) => a + f[8], 0)];
const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
const idleState = () => ({
  version: 1,
  idle: {
    since: new Date(Date.now() - 86_400_000).toISOString(),
    lastSample: { at: new Date(Date.now() - 300_000).toISOString(), bootId: null, cpuTotal: cpu.slice(0, 8).reduce((a, b) => a + b, 0) - 1000, cpuIdle: cpu[3] + cpu[4] - 990, rxBytes: rx, txBytes: tx },
    history,
  },
});

// A store that has lived for months (bench/lib/lived-in-state.mjs), all read and rewritten by each run.
const livedIn = (name) => writeLivedInState(stateDir(name));

const cases = [
  ['ldm-healthcheck --once (fake systemd, 1000 incidents/200 patterns)', 'ldm-healthcheck', ['--once'], sandboxEnv, () => livedIn('hc-lived')],
  ['ldm-healthcheck --once (real /proc, fake systemd)', 'ldm-healthcheck', ['--once'], sandboxEnv, () => stateDir('hc')],
  ['ldm-healthcheck --once (this machine as it is)', 'ldm-healthcheck', ['--once'], process.env, () => stateDir('hc-real')],
  ['ldm-idle-watcher --once (7-day history)', 'ldm-idle-watcher', ['--once'], process.env, () => stateDir('idle', idleState())],
  ['ldm-boot-check --once (fake systemd)', 'ldm-boot-check', ['--once'], sandboxEnv, () => stateDir('boot')],
];

function countChildren(argv, env) {
  if (!existsSync('/usr/bin/strace')) return 'n/a (no strace)';
  const log = join(dir, `strace-${Math.random().toString(16).slice(2)}.log`);
  spawnSync('/usr/bin/strace', ['-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-o', log, ...argv], { env, encoding: 'utf8' });
  const execs = readFileSync(log, 'utf8').split('\n').filter((l) => /execve\(/.test(l) && !/ENOENT/.test(l));
  // The first execve is node itself; every other one is a child (or a shell's own exec).
  return String(execs.length - 1);
}

// Second pass with a 1 MB young generation: for a process that lives a fraction of a second, V8's
// default semi-space growth is most of the RSS above the code itself.
for (const flags of [[], ['--max-semi-space-size=1']]) {
  const node = [process.execPath, ...flags];
  const rows = [[`node ${flags.join(' ')} -e 0 (baseline)`, measureProcess([...node, '-e', '0'], { runs }), '0']];
  for (const [label, binary, args, env, prepare] of cases) {
    const d = prepare();
    const plain = [...node, `${dist}${binary}.mjs`, ...args, '--state-dir', d, '--config', join(d, 'config.json')];
    let argv = plain;
    let restore = () => {};
    if (binary === 'ldm-idle-watcher') {
      const template = readFileSync(join(d, 'state.json'));
      writeFileSync(join(d, 'state.template.json'), template);
      restore = () => writeFileSync(join(d, 'state.json'), template);
      argv = ['/bin/sh', '-c', `cp '${join(d, 'state.template.json')}' '${join(d, 'state.json')}' && exec ${argv.map((a) => `'${a}'`).join(' ')}`];
    }
    spawnSync(plain[0], plain.slice(1), { env }); // warm the state documents, as on a host that has been running
    const measured = measureProcess(argv, { runs, env });
    restore();
    rows.push([label, measured, flags.length ? '' : countChildren(plain, env)]);
  }
  console.log(`\nnode ${flags.join(' ') || '(default flags)'}: one run each from the bundle, median of ${runs} runs (${process.version}); goal <= 60 MB and <= 400 ms`);
  console.log('command | wall ms | peak RSS MB (median) | peak RSS MB (max) | child processes (strace execve)');
  for (const [name, m, children] of rows) console.log(`${name} | ${fmt(m.wallMs, 0)} | ${fmt(m.rssMb)} | ${fmt(m.rssMaxMb)} | ${children}`);
}
