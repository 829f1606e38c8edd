import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultSendDeps, DocumentStore, parseConfig, policyContextOf, silentLogger, type CommandResult } from '@ldm/core';
import { runHealthcheck, type HealthcheckDeps } from '../src/run-healthcheck';
import { recordUnitFailure } from '../src/on-failure';
import { testNotify } from '../src/test-notify';
import { fakeDeps, fakeRunCommand, ok, tmpDir, writeProc, type CommandTable } from '../../core/test/checks/proc-fixture';

const T0 = new Date('2026-11-24T12:00:00Z');
const TOKEN = 'XOXB-secret-token-0123456789';
const FAILED_NGINX = 'nginx.service loaded failed failed A high performance web server\n';
const HEALTHY: CommandTable = { 'systemctl list-units': ok(''), 'timedatectl show': ok('NTP=yes\nNTPSynchronized=yes\n'), journalctl: ok('-- No entries --\n') };
const FAILING: CommandTable = { ...HEALTHY, 'systemctl list-units': ok(FAILED_NGINX) };
const POLICY = policyContextOf({ paths: { stateDir: '/var/lib/linux-devops-mcp', logDir: '/var/log/linux-devops-mcp', configFile: '/etc/linux-devops-mcp/config.json' }, installPrefix: '/opt/linux-devops-mcp' });

interface Hit { url: string; body: string }
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A real webhook receiver; `status` is read per request, so a test can take it down and bring it back. */
async function receiver(): Promise<{ base: string; hits: Hit[]; status: { code: number } }> {
  const hits: Hit[] = [];
  const status = { code: 200 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hits.push({ url: req.url!, body });
      res.writeHead(status.code).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits, status };
}

async function setup(rawConfig: (base: string, urlFile: string) => unknown) {
  const r = await receiver();
  const procRoot = await writeProc(await tmpDir(), {});
  const stateDir = await tmpDir('ldm-notify-state-');
  const urlFile = join(await tmpDir('ldm-notify-secret-'), 'webhook-url');
  await writeFile(urlFile, `${r.base}/hook/${TOKEN}\n`);
  await chmod(urlFile, 0o600);
  const clock = { now: T0 };
  const store = new DocumentStore({ stateDir, now: () => clock.now });
  const config = parseConfig(rawConfig(r.base, urlFile), 't');
  const send = { ...defaultSendDeps('web-1'), now: () => clock.now };
  const deps = (table: CommandTable): HealthcheckDeps => ({
    ...fakeDeps(procRoot, { runCommand: fakeRunCommand(table), now: () => clock.now }),
    runHost: () => Promise.reject(new Error('no host commands here')),
    send,
    kill: () => undefined,
    sleep: async () => {},
  });
  const run = (table: CommandTable) => runHealthcheck({ store, config, logger: silentLogger, deps: deps(table), policyContext: POLICY });
  const at = (sec: number) => (clock.now = new Date(T0.getTime() + sec * 1000));
  return { r, store, stateDir, config, send, run, at, clock };
}

const events = (hits: Hit[]) => hits.map((h) => JSON.parse(h.body) as { event: string; host: string; subject: string; summary: string; knownFix: unknown });

async function filesText(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true });
  const texts = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8').catch(() => '')));
  return texts.join('\n');
}

describe('notifications from healthcheck runs', () => {
  test('a failure is told once when it opens and once when it recovers; the URL token never reaches state or results', async () => {
    const t = await setup((_base, urlFile) => ({ notify: { channels: [{ kind: 'webhook', urlFile }] } }));
    const first = await t.run(FAILING);
    expect(first.notified).toEqual([{ channel: 'webhook-1', event: 'open', subject: 'nginx.service', ok: true }]);
    expect(events(t.r.hits)).toEqual([expect.objectContaining({ event: 'open', host: 'web-1', subject: 'nginx.service', summary: 'unit nginx.service has failed' })]);
    expect(t.r.hits[0]!.url).toBe(`/hook/${TOKEN}`);
    t.at(120);
    await t.run(FAILING);
    expect(t.r.hits).toHaveLength(1);
    t.at(240);
    const healed = await t.run(HEALTHY);
    expect(events(t.r.hits).map((e) => e.event)).toEqual(['open', 'recover']);
    expect(JSON.stringify(healed)).not.toContain(TOKEN);
    expect(await filesText(t.stateDir)).not.toContain(TOKEN);
  });

  test('a channel that keeps failing is retried with backoff, reported as a finding and alert, and cleared once it works', async () => {
    const t = await setup((base) => ({ notify: { failingAfter: 3, retryMinSec: 60, channels: [{ kind: 'webhook', url: `${base}/hook`, name: 'ops' }] } }));
    t.r.status.code = 503;
    await t.run(FAILING);
    for (let i = 1; i <= 3; i++) {
      t.at(i * 600);
      await t.run(FAILING);
    }
    expect(t.r.hits.length).toBe(4);
    let state = await t.store.read('state');
    expect(state.healthcheck!.open.map((o) => o.subject)).toEqual(['nginx.service', 'notify:ops']);
    expect(state.alerts.map((a) => a.id)).toContain('healthcheck:notify:ops');
    expect((state.notify as { pending: unknown[] }).pending).toHaveLength(1);
    t.r.status.code = 200;
    t.at(5000);
    const out = await t.run(FAILING);
    expect(out.notified).toEqual([expect.objectContaining({ channel: 'ops', event: 'open', ok: true })]);
    state = await t.store.read('state');
    expect(state.healthcheck!.open.map((o) => o.subject)).toEqual(['nginx.service']);
    expect((state.notify as { pending: unknown[] }).pending).toHaveLength(0);
  });

  test('the push heartbeat: every run pings; a critical run pings the /fail form', async () => {
    const t = await setup((base) => ({ heartbeat: { url: `${base}/ping/abc` }, healthcheck: { checks: { 'failed-units': { crit: 1 } } } }));
    expect((await t.run(HEALTHY)).heartbeat).toBe('ok');
    t.at(120);
    const crit = await t.run(FAILING);
    expect(crit.status).toBe('crit');
    expect(t.r.hits.map((h) => h.url)).toEqual(['/ping/abc', '/ping/abc/fail']);
  });

  test('--test-notify: each channel ok or failed with its reason', async () => {
    const t = await setup((base) => ({ notify: { channels: [{ kind: 'webhook', url: `${base}/ok` }, { kind: 'webhook', url: 'http://127.0.0.1:1/none', name: 'dead' }] } }));
    const results = await testNotify(t.config.notify, t.send);
    expect(results).toEqual([
      { channel: 'webhook-1', kind: 'webhook', ok: true },
      { channel: 'dead', kind: 'webhook', ok: false, error: expect.stringMatching(/^webhook dead: /) },
    ]);
    expect(events(t.r.hits)[0]).toMatchObject({ event: 'test', host: 'web-1' });
  });
});

describe('the OnFailure hook (ldm-healthcheck --on-failure UNIT)', () => {
  const journal = Array.from({ length: 40 }, (_, i) => `2026-11-24T11:59:${String(i).padStart(2, '0')}+0000 web-1 nginx[42]: line ${i}`).join('\n');
  const run = (table: Record<string, CommandResult>) => fakeRunCommand(table);

  test('records the unit as failed with its last journal lines, notifies, and the next run reports the recovery', async () => {
    const t = await setup((base) => ({ notify: { channels: [{ kind: 'webhook', url: `${base}/hook` }] } }));
    const out = await recordUnitFailure('nginx.service', t.store, t.config, silentLogger, {
      runCommand: run({ 'systemctl show': ok('Result=exit-code\nExecMainCode=1\nExecMainStatus=1\nNRestarts=0\n'), journalctl: ok(journal) }),
      now: () => t.clock.now,
      uptimeSec: async () => 100,
      send: t.send,
    });
    expect(out.skipped).toBeNull();
    const [incident] = (await t.store.read('incidents')).incidents;
    expect(incident).toMatchObject({ subject: 'nginx.service', summary: 'unit nginx.service has failed', status: 'open' });
    expect(incident!.evidence[0]).toBe('nginx.service failed: Result=exit-code ExecMainCode=1 ExecMainStatus=1 NRestarts=0');
    expect(incident!.evidence.at(-1)).toContain('line 39');
    expect(incident!.evidence.length).toBeLessThanOrEqual(20);
    expect(events(t.r.hits)).toEqual([expect.objectContaining({ event: 'open', subject: 'nginx.service' })]);

    // The timer's run still sees it failed: the same incident, no second message.
    t.at(60);
    const still = await t.run(FAILING);
    expect(still.incidents).toEqual([incident!.id]);
    expect(t.r.hits).toHaveLength(1);
    t.at(180);
    const healed = await t.run(HEALTHY);
    expect(healed.cleared).toEqual([incident!.id]);
    expect(events(t.r.hits).map((e) => e.event)).toEqual(['open', 'recover']);
  });

  test("the suite's own units and ignored units are never recorded (no recursion)", async () => {
    const t = await setup(() => ({ healthcheck: { checks: { 'failed-units': { ignore: ['flaky.service'] } } } }));
    const deps = { runCommand: run({}), now: () => t.clock.now, uptimeSec: async () => 1, send: t.send };
    for (const unit of ['ldm-onfailure@nginx.service.service', 'ldm-healthcheck.service', 'flaky.service']) {
      expect((await recordUnitFailure(unit, t.store, t.config, silentLogger, deps)).skipped).toBeTruthy();
    }
    expect((await t.store.read('incidents')).incidents).toEqual([]);
    await expect(recordUnitFailure('--help', t.store, t.config, silentLogger, deps)).rejects.toThrow(/not a unit name/);
  });
});
