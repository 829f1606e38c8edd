import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DocumentStore, parseConfig, policyContextOf, silentLogger, type HostRunner, type RunResult } from '@ldm/core';
import { runHealthcheck, type HealthcheckDeps } from '../src/run-healthcheck';
import { renderJson, renderText } from '../src/render';
import { fakeDeps, fakeRunCommand, ok, tmpDir, writeProc, type CommandTable } from '../../core/test/checks/proc-fixture';

const T0 = new Date('2026-11-24T12:00:00Z');
const POLICY_CONTEXT = policyContextOf({ paths: { stateDir: '/var/lib/linux-devops-mcp', logDir: '/var/log/linux-devops-mcp', configFile: '/etc/linux-devops-mcp/config.json' }, installPrefix: '/opt/linux-devops-mcp' });
const healthyTable: CommandTable = {
  'systemctl list-units': ok(''),
  'timedatectl show': ok('NTP=yes\nNTPSynchronized=yes\n'),
  journalctl: ok('-- No entries --\n'),
};

/** A real local web server that the test stops, and that "systemctl restart" starts again. */
class DemoWeb {
  server: Server | null = null;
  port = 0;
  async start(): Promise<void> {
    const server = createServer((_req, res) => res.end('demo up'));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise((r) => s.close(r));
  }
}

const web = new DemoWeb();
afterEach(() => web.stop());

async function setup() {
  const procRoot = await writeProc(await tmpDir());
  const clock = { now: T0 };
  const store = new DocumentStore({ stateDir: await tmpDir('ldm-hc-custom-'), now: () => clock.now });
  const hostCalls: string[][] = [];
  let restartWorks = true;
  const runHost: HostRunner = async (argv) => {
    hostCalls.push(argv);
    const base = { signal: null, durationMs: 1, stdoutTruncated: false, stderrTruncated: false, timedOut: false, stdout: '', stderr: '' };
    if (argv.join(' ') === 'systemctl restart ldm-demo-web.service' && restartWorks) {
      await web.start();
      return { ...base, exitCode: 0 } satisfies RunResult;
    }
    return { ...base, exitCode: 1, stderr: 'Job for ldm-demo-web.service failed.' } satisfies RunResult;
  };
  const deps = (): HealthcheckDeps => ({
    ...fakeDeps(procRoot, { runCommand: fakeRunCommand(healthyTable), now: () => clock.now }),
    runHost,
    kill: () => {},
    sleep: async () => {},
    send: { fetch: () => Promise.reject(new Error('no network in this test')), readSecret: () => Promise.reject(new Error('no secrets')), smtp: () => Promise.reject(new Error('no smtp')), sendmail: () => Promise.reject(new Error('no sendmail')), now: () => clock.now, hostname: 'test-host' },
  });
  const run = (custom: unknown[], only?: string) =>
    runHealthcheck({ store, config: parseConfig({ healthcheck: { custom } }, 't'), logger: silentLogger, deps: deps(), policyContext: POLICY_CONTEXT, only });
  return {
    store,
    hostCalls,
    run,
    breakRestarts: () => (restartWorks = false),
    elapse: async (sec: number) => {
      clock.now = new Date(T0.getTime() + sec * 1000);
      await writeProc(procRoot, { uptime: `${86_400 + sec}.00 80000.00\n` });
    },
  };
}

const webCheck = () => ({ id: 'shop', kind: 'http', url: `http://127.0.0.1:${web.port}/`, keyword: 'demo up', action: { restart: 'ldm-demo-web.service' } });

describe("the owner's checks in a healthcheck run", () => {
  test('reported beside the built-in checks, marked as the owner\'s, in text, JSON and state.json', async () => {
    await web.start();
    const t = await setup();
    const out = await t.run([webCheck()]);
    expect(out.status).toBe('ok');
    expect(out.checks.map((c) => c.id)).toEqual(['disk', 'inodes', 'memory', 'swap', 'load', 'oom', 'journal', 'failed-units', 'time-sync', 'ollama', 'mcp-sessions', 'shop']);
    expect(JSON.parse(renderJson(out)).checks.at(-1)).toMatchObject({ id: 'shop', kind: 'http', status: 'ok' });
    expect(renderText(out)).toMatch(/OK +shop \(http, owner's check\): GET http:\/\/127\.0\.0\.1:\d+\/ answered 200/);
    expect((await t.store.read('state')).healthcheck!.results.at(-1)).toMatchObject({ id: 'shop', kind: 'http', status: 'ok' });
  });

  test('web server down: finding, incident, restart under the cap, recovery; the action is an incident of its own and teaches the pattern', async () => {
    await web.start();
    const t = await setup();
    await t.run([webCheck()]);
    await web.stop();
    await t.elapse(120);
    const out = await t.run([webCheck()]);
    expect(t.hostCalls).toEqual([['systemctl', 'restart', 'ldm-demo-web.service']]);
    expect(out.actions).toEqual(['check action: ran systemctl restart ldm-demo-web.service for check shop: worked']);
    expect(web.server).not.toBeNull();
    const incidents = (await t.store.read('incidents')).incidents;
    const finding = incidents.find((i) => i.summary === 'http check shop: no answer')!;
    expect(finding).toMatchObject({ subject: 'shop', severity: 'crit', status: 'resolved', resolution: expect.objectContaining({ worked: true, commands: ['systemctl restart ldm-demo-web.service'] }) });
    expect(incidents.find((i) => i.summary.startsWith('check action:'))).toMatchObject({ subject: 'ldm-demo-web.service', status: 'resolved', severity: 'info' });
    const pattern = (await t.store.read('patterns')).patterns.find((p) => p.id === finding.patternId)!;
    expect(pattern.resolutions[0]).toMatchObject({ commands: ['systemctl restart ldm-demo-web.service'], successes: 1, failures: 0 });
    const state = await t.store.read('state');
    expect(state.restarts).toEqual([expect.objectContaining({ kind: 'restart', target: 'ldm-demo-web.service', ok: true })]);
    expect(state.alerts).toEqual([]);
    expect(state.healthcheck!.open).toEqual([]);
    await t.elapse(240);
    expect((await t.run([webCheck()])).status).toBe('ok');
  });

  test('a restart that does not help: at most 3 in 15 minutes, then a critical cap alert; learned as a failure', async () => {
    await web.start();
    const t = await setup();
    const check = webCheck();
    await web.stop();
    t.breakRestarts();
    const outs = [];
    for (let i = 0; i < 4; i++) {
      await t.elapse(i * 120);
      outs.push(await t.run([check]));
    }
    expect(t.hostCalls).toHaveLength(3);
    expect(outs[3]!.status).toBe('crit');
    const state = await t.store.read('state');
    expect(state.alerts.map((a) => a.id)).toEqual(expect.arrayContaining(['healthcheck:shop', 'healthcheck:restart-cap:ldm-demo-web.service']));
    const patterns = (await t.store.read('patterns')).patterns;
    expect(patterns.flatMap((p) => p.resolutions)).toEqual([expect.objectContaining({ successes: 0, failures: 3 })]);
  });

  test('a command the policy denies is never run, even named in the config', async () => {
    const t = await setup();
    const out = await t.run([{ id: 'gone', kind: 'path', path: '/nonexistent/ldm-test', action: { fix: 'rm -rf /etc' } }]);
    expect(t.hostCalls).toEqual([]);
    expect(out.actions[0]).toMatch(/never applied automatically/);
  });

  test('--only runs one check and keeps the others\' results; failAfter holds the finding back', async () => {
    await web.start();
    const t = await setup();
    const checks = [webCheck(), { id: 'late', kind: 'path', path: '/nonexistent/ldm-test', failAfter: { failures: 2, runs: 3 } }];
    await t.run(checks);
    const one = await t.run(checks, 'late');
    expect(one.checks.map((c) => c.id)).toEqual(['late']);
    expect(one.status).toBe('crit');
    const state = await t.store.read('state');
    expect(state.healthcheck!.results.map((r) => r.id)).toContain('disk');
    expect(state.healthcheck!.results.find((r) => r.id === 'late')).toMatchObject({ status: 'crit' });
    await expect(t.run(checks, 'nope')).rejects.toThrow(/--only "nope"/);
  });
});
