import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createTcp, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  customCheck,
  CustomCheckSchema,
  parseConfig,
  runChecks,
  parsePluginOutput,
  type CheckContext,
  type CheckDeps,
  type CheckResult,
  type CustomCheck,
} from '@ldm/core';
import { fakeDeps, fakeRunCommand, ok, tmpDir, writeProc } from '../proc-fixture';

/** Set to 10 days before the test certificate ends. */
let NOW = new Date('2026-11-24T12:00:00Z');
let dir: string;
let procRoot: string;
let certPem: string;
let keyPem: string;
const servers: Server[] = [];

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createTcp();
  const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ldm-custom-'));
  procRoot = await writeProc(await tmpDir());
  // A self-signed certificate; the checks' clock is put 10 days before its end.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-days', '30'], { stdio: 'ignore' });
  certPem = await readFile(join(dir, 'cert.pem'), 'utf8');
  NOW = new Date(Date.parse(new X509Certificate(certPem).validTo) - 10 * 86_400_000);
  keyPem = await readFile(join(dir, 'key.pem'), 'utf8');
});
afterAll(() => {
  for (const s of servers) s.close();
});

const spec = (raw: Record<string, unknown>): CustomCheck => CustomCheckSchema.parse({ id: 'c', ...raw });

function run(check: CustomCheck, over: Partial<CheckDeps> = {}, previous?: unknown): Promise<CheckResult> {
  const ctx: CheckContext = {
    deps: fakeDeps(procRoot, { now: () => NOW, ...over }),
    config: {} as CheckContext['config'],
    settings: {},
    previous,
    state: {} as CheckContext['state'],
    signal: new AbortController().signal,
  };
  return customCheck(check).run(ctx);
}

describe('http', () => {
  let port: number;
  beforeAll(async () => {
    port = await listen(
      createHttp((req, res) => {
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 300);
        if (req.url === '/big') {
          res.write('x'.repeat(300 * 1024));
          return void res.end('NEEDLE');
        }
        res.statusCode = req.url === '/broken' ? 502 : 200;
        res.end('<h1>shop is open</h1>');
      }),
    );
  });

  test('status and keyword pass', async () => {
    const r = await run(spec({ kind: 'http', url: `http://127.0.0.1:${port}/`, keyword: 'shop is open' }));
    expect(r.status).toBe('ok');
    expect(r.metrics.status).toBe(200);
  });

  test('a status not accepted is a finding about the check, with the status in its evidence', async () => {
    const r = await run(spec({ id: 'shop', kind: 'http', url: `http://127.0.0.1:${port}/broken` }));
    expect(r.status).toBe('crit');
    expect(r.findings).toEqual([expect.objectContaining({ subject: 'shop', severity: 'crit', summary: 'http check shop: status not accepted' })]);
    expect(r.findings![0]!.evidence![0]).toContain('502');
    expect((await run(spec({ kind: 'http', url: `http://127.0.0.1:${port}/broken`, status: [200, 502] }))).status).toBe('ok');
  });

  test('a missing keyword, and a keyword past the first 256 KiB, are findings', async () => {
    expect((await run(spec({ kind: 'http', url: `http://127.0.0.1:${port}/`, keyword: 'closed' }))).findings![0]!.summary).toContain('keyword "closed" missing');
    expect((await run(spec({ kind: 'http', url: `http://127.0.0.1:${port}/big`, keyword: 'NEEDLE' }))).status).toBe('crit');
  });

  test('latency levels, and the timeout', async () => {
    const slow = await run(spec({ kind: 'http', url: `http://127.0.0.1:${port}/slow`, latencyMs: { warn: 100, crit: 5000 } }));
    expect(slow.status).toBe('warn');
    expect(slow.metrics.latency_ms).toBeGreaterThanOrEqual(100);
    const late = await run(spec({ kind: 'http', url: `http://127.0.0.1:${port}/slow`, timeoutMs: 100, severity: 'warn' }));
    expect(late).toMatchObject({ status: 'warn', findings: [expect.objectContaining({ summary: 'http check c: no answer' })] });
  });

  test('nothing listening: the failure severity', async () => {
    const r = await run(spec({ kind: 'http', url: `http://127.0.0.1:${await closedPort()}/` }));
    expect(r).toMatchObject({ status: 'crit', message: expect.stringContaining('ECONNREFUSED') });
  });

  test("https: the certificate's days left; an untrusted one fails unless tlsVerify is off", async () => {
    const tlsPort = await listen(createHttps({ cert: certPem, key: keyPem }, (_req, res) => res.end('ok')) as unknown as Server);
    const url = `https://127.0.0.1:${tlsPort}/`;
    expect((await run(spec({ kind: 'http', url }))).status).toBe('crit');
    const r = await run(spec({ kind: 'http', url, tlsVerify: false, certDays: { warn: 14, crit: 3 } }));
    expect(r.status).toBe('warn');
    expect(r.metrics.cert_days).toBeCloseTo(10, 0);
    expect(r.findings![0]!.summary).toBe('http check c: certificate expires soon');
  });
});

describe('tcp and tls', () => {
  test('a port that accepts, one that does not', async () => {
    const port = await listen(createTcp((s) => s.end()) as unknown as Server);
    expect((await run(spec({ kind: 'tcp', host: '127.0.0.1', port }))).status).toBe('ok');
    const closed = await run(spec({ kind: 'tcp', host: '127.0.0.1', port: await closedPort(), severity: 'warn' }));
    expect(closed).toMatchObject({ status: 'warn', findings: [expect.objectContaining({ summary: 'tcp check c: port not reachable' })] });
  });

  test('a certificate file and a server: days left against warn/crit', async () => {
    await writeFile(join(dir, 'site.pem'), certPem);
    expect((await run(spec({ kind: 'tls', file: join(dir, 'site.pem') }))).status).toBe('warn');
    expect((await run(spec({ kind: 'tls', file: join(dir, 'site.pem'), days: { warn: 30, crit: 12 } }))).status).toBe('crit');
    expect((await run(spec({ kind: 'tls', file: join(dir, 'site.pem'), days: { warn: 5, crit: 1 } }))).status).toBe('ok');
    const tlsPort = await listen(createHttps({ cert: certPem, key: keyPem }) as unknown as Server);
    const r = await run(spec({ kind: 'tls', host: '127.0.0.1', port: tlsPort, servername: 'localhost' }));
    expect(r.status).toBe('warn');
    expect(r.message).toContain('not signed by a trusted CA');
    expect((await run(spec({ kind: 'tls', file: join(dir, 'missing.pem') }))).findings![0]!.summary).toBe('tls check c: certificate unreadable');
  });
});

describe('unit', () => {
  const show = (active: string, sub: string, restarts: number) => ok(`LoadState=loaded\nActiveState=${active}\nSubState=${sub}\nResult=success\nNRestarts=${restarts}\n`);
  const withShow = (r: ReturnType<typeof show>) => ({ runCommand: fakeRunCommand({ 'systemctl show': r }) });

  test('inactive, or in the wrong sub-state: a finding about the unit', async () => {
    const r = await run(spec({ kind: 'unit', unit: 'shop.service' }), withShow(show('failed', 'failed', 0)));
    expect(r.findings).toEqual([expect.objectContaining({ subject: 'shop.service', summary: 'unit check c: unit not active' })]);
    expect((await run(spec({ kind: 'unit', unit: 'shop.service', sub: 'running' }), withShow(show('active', 'exited', 0)))).status).toBe('crit');
  });

  test('NRestarts growth between runs is a crash loop even while active', async () => {
    const check = spec({ kind: 'unit', unit: 'shop.service', restarts: { warn: 1, crit: 3 } });
    const first = await run(check, withShow(show('active', 'running', 7)));
    expect(first.status).toBe('ok');
    const second = await run(check, withShow(show('active', 'running', 10)), first.memory);
    expect(second).toMatchObject({ status: 'crit', metrics: { restarts_since_last_run: 3 }, findings: [expect.objectContaining({ summary: 'unit check c: crash loop' })] });
    expect((await run(check, withShow(show('active', 'running', 10)), second.memory)).status).toBe('ok');
  });
});

describe('process', () => {
  const stat = (pid: number, comm: string, ticks: number, rssPages: number) =>
    `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194304 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 500 1000000 ${rssPages}`;

  test('by name: count, memory, and CPU since the previous run', async () => {
    const root = await writeProc(await tmpDir(), { uptime: '1000.00 0\n', pids: { 41: { stat: stat(41, 'redis-server', 1000, 25_600), cmdline: 'redis-server\0' } } });
    const check = spec({ kind: 'process', name: 'redis-server', memMiB: { warn: 50, crit: 500 }, cpuPct: { warn: 50, crit: 90 } });
    const first = await run(check, { proc: { procRoot: root } });
    expect(first).toMatchObject({ status: 'warn', metrics: { count: 1, mem_mib: 100 }, findings: [expect.objectContaining({ summary: 'process check c: high memory' })] });
    await writeProc(root, { uptime: '1010.00 0\n', pids: { 41: { stat: stat(41, 'redis-server', 1950, 25_600), cmdline: 'redis-server\0' } } });
    const second = await run(check, { proc: { procRoot: root } }, first.memory);
    expect(second.metrics.cpu_pct).toBe(95);
    expect(second.status).toBe('crit');
    expect((await run(spec({ kind: 'process', name: 'postgres' }), { proc: { procRoot: root } })).findings![0]!.summary).toBe('process check c: not running');
  });

  test('by pidfile: a stale pid is not running', async () => {
    const root = await writeProc(await tmpDir(), { pids: { 77: { stat: stat(77, 'nginx', 1, 100), cmdline: 'nginx\0' } } });
    const pidfile = (pid: string) => ({ proc: { procRoot: root }, readFile: async () => pid });
    expect((await run(spec({ kind: 'process', pidfile: '/run/nginx.pid' }), pidfile('77\n'))).status).toBe('ok');
    expect((await run(spec({ kind: 'process', pidfile: '/run/nginx.pid' }), pidfile('78\n'))).status).toBe('crit');
  });
});

describe('path', () => {
  test('age of a backup file, a missing path, free space', async () => {
    const file = join(dir, 'db.gz');
    await writeFile(file, 'x');
    await utimes(file, new Date(NOW.getTime() - 2 * 86_400_000), new Date(NOW.getTime() - 2 * 86_400_000));
    const r = await run(spec({ kind: 'path', path: file, ageSec: { warn: 93_600, crit: 150_000 } }));
    expect(r).toMatchObject({ status: 'crit', metrics: { age_sec: 172_800 + 0 }, findings: [expect.objectContaining({ summary: 'path check c: too old' })] });
    expect((await run(spec({ kind: 'path', path: join(dir, 'nope') }))).findings![0]!.summary).toBe('path check c: path missing');
    const full = { statfs: async () => ({ bsize: 4096, blocks: 1000, bfree: 30, bavail: 30, files: 10, ffree: 5 }) };
    expect((await run(spec({ kind: 'path', path: dir, freePct: { warn: 10, crit: 5 } }), full)).status).toBe('crit');
  });
});

describe('nagios', () => {
  test('plugin output: text and perfdata, on the first line or a later one', () => {
    expect(parsePluginOutput("DISK OK - free space: / 3326 MB (56%) | /=2643MB;5948;5958;0;5968 'my load'=0.5\n")).toEqual({ text: 'DISK OK - free space: / 3326 MB (56%)', perf: { '/': 2643, my_load: 0.5 } });
    expect(parsePluginOutput('PROCS OK\nlong text\n| procs=12;100;200\n').perf).toEqual({ procs: 12 });
  });

  test('exit 0-2 are the levels, 3 is UNKNOWN (the check failed); the plugin runs only contained', async () => {
    const plugin = (exitCode: number) => ({ runContained: async () => ({ stdout: 'LOAD WARNING - 3.2 | load1=3.2;2;4\n', stderr: '', exitCode }) });
    const check = spec({ kind: 'nagios', command: ['/usr/lib/nagios/plugins/check_load'] });
    expect(await run(check, plugin(1))).toMatchObject({ status: 'warn', metrics: { load1: 3.2 }, message: 'LOAD WARNING - 3.2' });
    expect((await run(check, plugin(2))).status).toBe('crit');
    await expect(run(check, plugin(3))).rejects.toThrow(/UNKNOWN/);
    await expect(run(check, {})).rejects.toThrow(/never runs unconfined/);
  });
});

describe('failAfter', () => {
  test('2 failures in 3 runs before a finding opens; one success does not reset the window', async () => {
    const port = await closedPort();
    const check = spec({ kind: 'tcp', host: '127.0.0.1', port, failAfter: { failures: 2, runs: 3 } });
    const first = await run(check);
    expect(first).toMatchObject({ status: 'ok', message: expect.stringContaining('pending') });
    expect(first.findings).toBeUndefined();
    const second = await run(check, {}, first.memory);
    expect(second.status).toBe('crit');
    expect((second.memory as { history: boolean[] }).history).toEqual([true, true]);
    const third = await run(check, {}, { history: [true, false] });
    expect(third.status).toBe('crit');
    const fourth = await run(check, {}, { history: [true, false, false] });
    expect(fourth.status).toBe('ok');
    expect((fourth.memory as { history: boolean[] }).history).toHaveLength(3);
  });
});

describe('time limits', () => {
  test("an owner's check gets its own timeoutMs, not healthcheck.checkTimeoutMs", async () => {
    const port = await listen(createHttp((_req, res) => void setTimeout(() => res.end('ok'), 400)));
    const config = parseConfig({ healthcheck: { checkTimeoutMs: 100 } }, 't');
    const check = customCheck(spec({ id: 'patient', kind: 'http', url: `http://127.0.0.1:${port}/`, timeoutMs: 3000 }));
    const out = await runChecks({ checks: [check], deps: fakeDeps(procRoot, { now: () => NOW }), config, state: {} as never, memory: {} });
    expect(out.reports[0]).toMatchObject({ id: 'patient', kind: 'http', status: 'ok' });
  });
});
