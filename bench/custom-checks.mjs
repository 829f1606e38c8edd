// The healthcheck's budget with the owner's checks: one ldm-healthcheck run (spawned bundle,
// median of BENCH_RUNS) without healthcheck.custom, and with 20 owner checks, in the same run:
// 10 HTTP (against a local server in its own process, run in parallel), 3 TCP, 1 TLS file,
// 2 unit, 2 process, 2 path. systemctl is a sh stand-in, as in bench/daemons.mjs.
// usage: node build.mjs && node bench/custom-checks.mjs        goal: <= 60 MB, <= 400 ms with 20 checks
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fakeSystemd } from './lib/fake-systemd.mjs';
import { measureProcess, fmt } from './lib/measure.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 9);
const dist = new URL('../dist/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-custom-'));

const host = fakeSystemd(dir, 'case "$1" in list-units) ;; show) printf "LoadState=loaded\\nActiveState=active\\nSubState=running\\nResult=success\\nNRestarts=0\\n";; esac');
const env = { ...process.env, PATH: host.path, LDM_SYSTEMD_RUNTIME_DIR: host.runtime };

// The web server lives in its own process: spawnSync blocks this one's event loop while a run is measured.
const server = spawn(process.execPath, ['-e', `
  const s = require('http').createServer((req, res) => setTimeout(() => res.end('<html>' + 'x'.repeat(20000) + ' shop is open</html>'), 5));
  const t = require('net').createServer((c) => c.end());
  s.listen(0, '127.0.0.1', () => t.listen(0, '127.0.0.1', () => console.log(s.address().port + ' ' + t.address().port)));
`], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(server.stdout, 'data');
const [httpPort, tcpPort] = String(line).trim().split(' ').map(Number);

spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=bench', '-days', '90'], { stdio: 'ignore' });
writeFileSync(join(dir, 'backup.gz'), 'x');
writeFileSync(join(dir, 'web.pid'), `${server.pid}\n`);

const custom = [
  ...Array.from({ length: 10 }, (_, i) => ({ id: `web${i}`, kind: 'http', url: `http://127.0.0.1:${httpPort}/page${i}`, keyword: 'shop is open', latencyMs: { warn: 500, crit: 2000 } })),
  ...Array.from({ length: 3 }, (_, i) => ({ id: `port${i}`, kind: 'tcp', host: '127.0.0.1', port: tcpPort })),
  { id: 'cert', kind: 'tls', file: join(dir, 'cert.pem') },
  { id: 'unit0', kind: 'unit', unit: 'nginx.service', sub: 'running' },
  { id: 'unit1', kind: 'unit', unit: 'postgresql.service' },
  { id: 'proc0', kind: 'process', name: 'node', memMiB: { warn: 4000, crit: 8000 } },
  { id: 'proc1', kind: 'process', pidfile: join(dir, 'web.pid') },
  { id: 'backup', kind: 'path', path: join(dir, 'backup.gz'), ageSec: { warn: 93_600, crit: 180_000 } },
  { id: 'space', kind: 'path', path: dir, freePct: { warn: 1, crit: 0.5 } },
];

function stateDir(name, config) {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'config.json'), JSON.stringify(config));
  return d;
}

const cases = [
  ['ldm-healthcheck --once, built-in checks only (baseline)', stateDir('none', {})],
  ['ldm-healthcheck --once, + 20 owner checks (10 HTTP in parallel)', stateDir('twenty', { healthcheck: { custom } })],
];

try {
  for (const flags of [[], ['--max-semi-space-size=1']]) {
    const rows = [];
    for (const [label, d] of cases) {
      const argv = [process.execPath, ...flags, `${dist}ldm-healthcheck.mjs`, '--once', '--json', '--state-dir', d, '--config', join(d, 'config.json')];
      const first = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8' });
      const checks = JSON.parse(first.stdout).checks;
      const notOk = checks.filter((c) => c.kind && c.status !== 'ok').map((c) => `${c.id} ${c.status}: ${c.message}`);
      if (notOk.length) console.error(`owner checks not ok in ${label}:\n  ${notOk.join('\n  ')}`);
      rows.push([label, measureProcess(argv, { runs, env }), checks.filter((c) => c.kind).length]);
    }
    console.log(`\nnode ${flags.join(' ') || '(default flags)'}: median of ${runs} runs (${process.version}); goal <= 60 MB and <= 400 ms`);
    console.log('command | owner checks | wall ms | peak RSS MB (median) | peak RSS MB (max)');
    for (const [name, m, n] of rows) console.log(`${name} | ${n} | ${fmt(m.wallMs, 0)} | ${fmt(m.rssMb)} | ${fmt(m.rssMaxMb)}`);
  }
} finally {
  server.kill();
}
