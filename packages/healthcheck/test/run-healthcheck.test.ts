import { describe, expect, test } from '@jest/globals';
import {
  DocumentStore,
  parseConfig,
  policyContextOf,
  silentLogger,
  type CommandResult,
  type Heartbeat,
  type HostRunner,
  type RunResult,
} from '@ldm/core';
import { runHealthcheck, type HealthcheckDeps } from '../src/run-healthcheck';
import { renderJson, renderText } from '../src/render';
import { mayRestart, pruneRestarts } from '../src/restart-cap';
import { BOOT_A, fakeDeps, fakeRunCommand, ok, pidStat, statfsOf, tmpDir, writeProc, type CommandTable, type ProcFixture } from '../../core/test/checks/proc-fixture';

const T0 = new Date('2026-11-24T12:00:00Z');

interface Env {
  procRoot: string;
  store: DocumentStore;
  calls: string[][];
  /** argv given to the host runner (learned fixes): what would really have run. */
  hostCalls: string[][];
  clock: { now: Date };
}

/** A host runner that answers from the same table and records every argv it is given. */
function hostFromTable(table: CommandTable, calls: string[][]): HostRunner {
  return async (argv) => {
    calls.push(argv);
    const entry = table[argv.slice(0, 2).join(' ')] ?? table[argv[0]!];
    const base = { signal: null, durationMs: 1, stdoutTruncated: false, stderrTruncated: false, timedOut: false };
    if (!entry) return { ...base, exitCode: null, stdout: '', stderr: '', spawnError: `couldn't start ${argv[0]}: ENOENT`, spawnErrorCode: 'ENOENT' } satisfies RunResult;
    const r = typeof entry === 'function' ? await entry(argv) : entry;
    return { ...base, ...r };
  };
}

async function env(fixture: ProcFixture = {}): Promise<Env> {
  const procRoot = await writeProc(await tmpDir(), fixture);
  const clock = { now: T0 };
  return { procRoot, store: new DocumentStore({ stateDir: await tmpDir('ldm-hc-state-'), now: () => clock.now }), calls: [], hostCalls: [], clock };
}

function deps(e: Env, table: CommandTable, over: Partial<HealthcheckDeps> = {}): HealthcheckDeps {
  return {
    ...fakeDeps(e.procRoot, { runCommand: fakeRunCommand(table, e.calls), now: () => e.clock.now }),
    runHost: hostFromTable(table, e.hostCalls),
    send: { fetch: () => Promise.reject(new Error('no network in this test')), readSecret: () => Promise.reject(new Error('no secrets')), smtp: () => Promise.reject(new Error('no smtp')), sendmail: () => Promise.reject(new Error('no sendmail')), now: () => e.clock.now, hostname: 'test-host' },
    kill: () => {
      throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
    },
    sleep: async () => {},
    ...over,
  };
}

/** Moves both clocks `sec` past T0 (the boot clock from the fixture's 86400 s), plus a wall-clock step. */
async function elapse(e: Env, sec: number, stepMs = 0) {
  e.clock.now = new Date(T0.getTime() + sec * 1000 + stepMs);
  await writeProc(e.procRoot, { uptime: `${86_400 + sec}.00 80000.00\n` });
}

const FAILED_NGINX = 'nginx.service loaded failed failed A high performance web server\n';
const healthyTable: CommandTable = {
  'systemctl list-units': ok(''),
  'timedatectl show': ok('NTP=yes\nNTPSynchronized=yes\n'),
  journalctl: ok('-- No entries --\n'),
};
const POLICY_CONTEXT = policyContextOf({ paths: { stateDir: '/var/lib/linux-devops-mcp', logDir: '/var/log/linux-devops-mcp', configFile: '/etc/linux-devops-mcp/config.json' }, installPrefix: '/opt/linux-devops-mcp' });
const run = (e: Env, table: CommandTable, config: unknown = {}, over: Partial<HealthcheckDeps> = {}) =>
  runHealthcheck({ store: e.store, config: parseConfig(config, 't'), logger: silentLogger, deps: deps(e, table, over), policyContext: POLICY_CONTEXT });

describe('ldm-healthcheck run', () => {
  test('a healthy host: ok, exit contract fields, state.json updated, no incidents', async () => {
    const e = await env();
    const out = await run(e, healthyTable);
    expect(out.status).toBe('ok');
    expect(out.incidents).toEqual([]);
    const json = JSON.parse(renderJson(out));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['status', 'checks', 'incidents']));
    expect(json.checks.map((c: { id: string }) => c.id)).toEqual(['disk', 'inodes', 'memory', 'swap', 'load', 'oom', 'journal', 'failed-units', 'time-sync', 'ollama', 'mcp-sessions']);
    expect(Object.keys(json.checks[0])).toEqual(['id', 'status', 'message', 'metrics']);
    expect(renderText(out)).toMatch(/^OK - .* \| disk\.root_used_pct=50%/);
    const state = await e.store.read('state');
    expect(state.healthcheck).toMatchObject({ lastRun: T0.toISOString(), status: 'ok', open: [] });
    expect(state.healthcheck!.results).toHaveLength(11);
  });

  test('dedup: same failure twice = one open incident with count 2; ok clears it; a recurrence opens a new one of the same pattern', async () => {
    const e = await env();
    const failing = { ...healthyTable, 'systemctl list-units': ok(FAILED_NGINX) };
    const first = await run(e, failing);
    expect(first.status).toBe('warn');
    expect(first.incidents).toHaveLength(1);
    e.clock.now = new Date(T0.getTime() + 120_000);
    const second = await run(e, failing);
    expect(second.incidents).toEqual(first.incidents);
    let incidents = (await e.store.read('incidents')).incidents;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ status: 'open', count: 2, subject: 'nginx.service', source: 'healthcheck', summary: 'unit nginx.service has failed' });
    let state = await e.store.read('state');
    expect(state.alerts).toEqual([expect.objectContaining({ id: 'healthcheck:nginx.service', source: 'healthcheck', severity: 'warn', since: T0.toISOString() })]);

    e.clock.now = new Date(T0.getTime() + 240_000);
    const healed = await run(e, healthyTable);
    expect(healed.status).toBe('ok');
    expect(healed.cleared).toEqual(first.incidents);
    incidents = (await e.store.read('incidents')).incidents;
    expect(incidents[0]).toMatchObject({ status: 'resolved', resolution: expect.objectContaining({ cleared: true }) });
    state = await e.store.read('state');
    expect(state.alerts).toEqual([]);
    expect(state.healthcheck!.open).toEqual([]);

    e.clock.now = new Date(T0.getTime() + 360_000);
    const again = await run(e, failing);
    incidents = (await e.store.read('incidents')).incidents;
    expect(incidents).toHaveLength(2);
    expect(again.incidents).toEqual([incidents[1]!.id]);
    expect(incidents[1]!.id).not.toBe(incidents[0]!.id);
    expect(incidents[1]!.patternId).toBe(incidents[0]!.patternId);
    expect((await e.store.read('patterns')).patterns[0]!.count).toBe(2);
  });

  test('a check that fails to run keeps its incident open (it says nothing either way) and counts as warn', async () => {
    const e = await env();
    await run(e, { ...healthyTable, 'systemctl list-units': ok(FAILED_NGINX) });
    const broken = await run(e, { ...healthyTable, 'systemctl list-units': { stdout: '', stderr: 'Failed to connect to bus', exitCode: 1 } });
    expect(broken.status).toBe('warn');
    expect(broken.checks.find((c) => c.id === 'failed-units')!.status).toBe('failed');
    expect((await e.store.read('incidents')).incidents[0]!.status).toBe('open');
  });

  test('crit beats warn, and disk findings are per mount', async () => {
    const e = await env();
    const out = await run(e, healthyTable, {}, { statfs: async (p: string) => statfsOf(p === '/' ? 99 : 92) });
    expect(out.status).toBe('crit');
    const subjects = (await e.store.read('incidents')).incidents.map((i) => [i.subject, i.severity]);
    expect(subjects).toEqual([['disk:/', 'crit'], ['disk:/var', 'warn']]);
    // The pattern learns how to tell the problem is gone; the boot check runs that first.
    const root = (await e.store.read('patterns')).patterns.find((p) => p.subject === 'disk:/')!;
    expect(root.checks).toEqual(expect.arrayContaining([{ kind: 'threshold', check: 'disk', metric: 'root_used_pct', op: '<', value: 90 }]));
  });
});

describe('MCP sessions', () => {
  const NOW = T0.getTime();
  const BOOT_MS = NOW - 86_400_000;
  const CMD = 'node\0/opt/linux-devops-mcp/bin/ldm-mcp-server\0--state-dir\0/var/lib/linux-devops-mcp\0';
  const hb = (pid: number, silentSec: number): Heartbeat => ({
    pid,
    startedAt: new Date(BOOT_MS + 1000_000).toISOString(),
    lastActivity: new Date(NOW - silentSec * 1000).toISOString(),
    transport: 'stdio',
    bootId: BOOT_A,
  });

  test('a gone session is cleaned up; a stale one is reported, and killed only when the policy says so', async () => {
    const fixture = { pids: { 100: { stat: pidStat(100, 'node', 'S', 99_990), cmdline: CMD }, 200: { stat: pidStat(200, 'node', 'S', 99_990), cmdline: CMD } } };
    for (const killStale of [false, true]) {
      const e = await env(fixture);
      await e.store.update('state', (doc) => {
        doc.sessions = [hb(100, 10), hb(200, 900), hb(300, 10)];
      });
      const signals: Array<[number, string | number]> = [];
      let alive200 = true;
      const kill = (pid: number, sig: NodeJS.Signals | 0) => {
        signals.push([pid, sig]);
        if (pid === 200 && sig === 'SIGTERM') alive200 = false;
        if (sig === 0 && !(pid === 200 && alive200)) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
      };
      const out = await run(e, healthyTable, { healthcheck: { killStaleSessions: killStale } }, { kill });
      const sessions = out.checks.find((c) => c.id === 'mcp-sessions')!;
      expect(sessions.status).toBe('warn');
      expect(sessions.metrics).toMatchObject({ sessions: 3, alive: 1, gone: 1, stale: 1 });
      const left = (await e.store.read('state')).sessions.map((s) => s.pid);
      if (killStale) {
        expect(signals).toEqual([[200, 'SIGTERM'], [200, 0]]);
        expect(left).toEqual([100]);
      } else {
        expect(signals).toEqual([]);
        expect(left).toEqual([100, 200]);
      }
      expect(out.actions.some((a) => a.includes('pid 300'))).toBe(true);
    }
  });

  test('a reused pid is never signalled', async () => {
    const e = await env({ pids: { 200: { stat: pidStat(200, 'sshd', 'S', 99_990), cmdline: '/usr/sbin/sshd\0-D\0' } } });
    await e.store.update('state', (doc) => {
      doc.sessions = [hb(200, 900)];
    });
    const signals: number[] = [];
    await run(e, healthyTable, { healthcheck: { killStaleSessions: true } }, { kill: (pid: number) => void signals.push(pid) });
    expect(signals).toEqual([]);
    expect((await e.store.read('state')).sessions).toEqual([]);
  });

  test('HTTP transport installed and not answering: restarted, at most 3 times in 15 min, then a critical alert', async () => {
    const e = await env();
    const fileExists = async (p: string) => p === '/etc/systemd/system/ldm-mcp-http.service';
    const fetchDown = (async () => {
      throw new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8808') });
    }) as unknown as typeof fetch;
    const table = { ...healthyTable, 'systemctl restart': ok('') };
    const outs = [];
    for (let i = 0; i < 4; i++) {
      await elapse(e, i * 120);
      outs.push(await run(e, table, {}, { fileExists, fetch: fetchDown }));
    }
    expect(e.calls.filter((c) => c[1] === 'restart')).toEqual([
      ['systemctl', 'restart', 'ldm-mcp-http.service'],
      ['systemctl', 'restart', 'ldm-mcp-http.service'],
      ['systemctl', 'restart', 'ldm-mcp-http.service'],
    ]);
    expect(outs[3]!.status).toBe('crit');
    const state = await e.store.read('state');
    expect(state.restarts).toHaveLength(3);
    expect(state.alerts.map((a) => a.id)).toEqual(expect.arrayContaining(['healthcheck:ldm-mcp-http.service', 'healthcheck:restart-cap:ldm-mcp-http.service']));
    // Once the window has passed, restarts resume and the cap alert clears.
    await elapse(e, 20 * 60);
    await run(e, table, {}, { fileExists, fetch: fetchDown });
    expect(e.calls.filter((c) => c[1] === 'restart')).toHaveLength(4);
    expect((await e.store.read('state')).alerts.map((a) => a.id)).not.toContain('healthcheck:restart-cap:ldm-mcp-http.service');
  });

  test.each([
    ['back', -86_400_000],
    ['forward', 86_400_000],
  ])('a wall-clock step %s by a day: the cap still closes after 3 restarts and opens when its window has passed on the boot clock', async (_dir, stepMs) => {
    const e = await env();
    const fileExists = async (p: string) => p === '/etc/systemd/system/ldm-mcp-http.service';
    const fetchDown = (async () => {
      throw new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8808') });
    }) as unknown as typeof fetch;
    const table = { ...healthyTable, 'systemctl restart': ok('') };
    const restarts = () => e.calls.filter((c) => c[1] === 'restart').length;
    for (let i = 0; i < 3; i++) {
      await elapse(e, i * 120);
      await run(e, table, {}, { fileExists, fetch: fetchDown });
    }
    await elapse(e, 400, stepMs);
    expect((await run(e, table, {}, { fileExists, fetch: fetchDown })).status).toBe('crit');
    expect(restarts()).toBe(3);
    await elapse(e, 20 * 60, stepMs);
    await run(e, table, {}, { fileExists, fetch: fetchDown });
    expect(restarts()).toBe(4);
    for (const r of (await e.store.read('state')).restarts) expect(Date.parse(r.at)).toBeLessThanOrEqual(e.clock.now.getTime());
  });

  test('restart records dated a day in the future (older release, no boot clock) close the cap for one window at most', async () => {
    const e = await env();
    const fileExists = async (p: string) => p === '/etc/systemd/system/ldm-mcp-http.service';
    const fetchDown = (async () => {
      throw new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8808') });
    }) as unknown as typeof fetch;
    const table = { ...healthyTable, 'systemctl restart': ok('') };
    const future = new Date(T0.getTime() + 86_400_000).toISOString();
    await e.store.update('state', (doc) => {
      doc.restarts = [0, 1, 2].map(() => ({ at: future, kind: 'restart' as const, target: 'ldm-mcp-http.service', reason: 'x', ok: true }));
    });
    await elapse(e, 0);
    await run(e, table, {}, { fileExists, fetch: fetchDown });
    expect(e.calls.filter((c) => c[1] === 'restart')).toHaveLength(0);
    await elapse(e, 16 * 60);
    await run(e, table, {}, { fileExists, fetch: fetchDown });
    expect(e.calls.filter((c) => c[1] === 'restart')).toHaveLength(1);
  });

  test('HTTP transport not installed: no probe at all', async () => {
    const e = await env();
    const out = await run(e, healthyTable);
    expect(out.checks.find((c) => c.id === 'mcp-sessions')!.metrics.http_up).toBeUndefined();
  });
});

describe('known fixes and auto-remediation', () => {
  async function seedFix(e: Env, successes: number, commands = ['systemctl restart nginx.service']) {
    // Learn "systemctl restart nginx.service" the way the MCP server would: resolve incidents with it.
    const failing = { ...healthyTable, 'systemctl list-units': ok(FAILED_NGINX) };
    const { IncidentEngine } = await import('@ldm/core');
    const engine = new IncidentEngine(e.store, { now: () => e.clock.now });
    for (let i = 0; i < successes; i++) {
      const o = await engine.record({ source: 'healthcheck', severity: 'warn', summary: 'unit nginx.service has failed', subject: 'nginx.service', stateOnly: true });
      await engine.resolve({ id: o.incident.id, resolution: 'restarted', commands, worked: true });
    }
    return failing;
  }

  test('a new incident with a known fix gets the suggestion; with auto-remediation off nothing runs', async () => {
    const e = await env();
    const failing = await seedFix(e, 3);
    const out = await run(e, failing);
    expect(out.suggestions[0]).toMatch(/known fix .*systemctl restart nginx.service.*not applied automatically: auto-remediation is off/);
    expect(e.calls.some((c) => c[1] === 'restart')).toBe(false);
  });

  test('with auto-remediation on: runs the fix (argv, no shell), records the action, resolves the incident as worked', async () => {
    const e = await env();
    await seedFix(e, 3);
    let fixed = false;
    const table: CommandTable = {
      ...healthyTable,
      'systemctl list-units': () => ok(fixed ? '' : FAILED_NGINX),
      'systemctl restart': (argv: string[]): CommandResult => {
        fixed = true;
        expect(argv).toEqual(['systemctl', 'restart', 'nginx.service']);
        return ok('');
      },
    };
    const out = await run(e, table, { learn: { autoRemediation: true } });
    expect(e.hostCalls).toEqual([['systemctl', 'restart', 'nginx.service']]);
    expect(out.actions).toEqual([expect.stringMatching(/^auto-remediation: ran systemctl restart nginx.service for pattern pat-\w+: worked$/)]);
    const incidents = (await e.store.read('incidents')).incidents;
    const original = incidents.find((i) => i.id === out.incidents[0])!;
    expect(original).toMatchObject({ status: 'resolved', resolution: expect.objectContaining({ worked: true, commands: ['systemctl restart nginx.service'] }) });
    expect(incidents.filter((i) => i.summary.startsWith('auto-remediation:'))).toHaveLength(1);
    const pattern = (await e.store.read('patterns')).patterns.find((p) => p.id === original.patternId)!;
    expect(pattern.resolutions[0]).toMatchObject({ successes: 4, failures: 0 });
    expect((await e.store.read('state')).restarts).toEqual([expect.objectContaining({ kind: 'remediation', target: 'nginx.service', ok: true })]);
  });

  // The human pre-authorised all of systemctl and rm: only the policy stands between the learned text and the host.
  const broad = { learn: { autoRemediation: true, autoRemediationAllow: ['systemctl', 'rm'] } };
  test.each([
    [['systemctl stop ldm-healthcheck.timer'], 'builtin:deny:suite-unit'],
    [['rm -rf /etc'], 'builtin:deny:rm-root'],
    [['systemctl restart nginx.service', 'rm -rf /etc'], 'builtin:deny:rm-root'],
  ])('a learned fix the policy denies never runs, even pre-authorised: %j', async (commands, rule) => {
    const e = await env();
    const failing = await seedFix(e, 5, commands);
    const out = await run(e, { ...failing, systemctl: ok(''), rm: ok('') }, broad);
    expect(e.hostCalls).toEqual([]);
    expect(e.calls.filter((c) => c[0] === 'rm' || ['stop', 'restart'].includes(c[1]!))).toEqual([]);
    expect(out.actions).toEqual([]);
    expect(out.suggestions[0]).toContain(rule);
    expect((await e.store.read('state')).restarts).toEqual([]);
  });

  test('a learned fix that needs a human is not run; the note says what would have run', async () => {
    const e = await env();
    const failing = await seedFix(e, 5, ['systemctl stop nginx.service']);
    const out = await run(e, { ...failing, systemctl: ok('') }, broad);
    expect(e.hostCalls).toEqual([]);
    expect(out.suggestions[0]).toMatch(/"systemctl stop nginx.service" needs a human's approval \(builtin:confirm:service-stop/);
  });

  test('a learned fix is shown with its hidden characters visible, never raw, in the note', async () => {
    const e = await env();
    const failing = await seedFix(e, 5, ['systemctl stop nginx.service\u202e\u001b[2J']);
    const out = await run(e, { ...failing, systemctl: ok('') }, broad);
    expect(e.hostCalls).toEqual([]);
    expect(out.suggestions[0]).toContain('nginx.service\\u{202e}\\x1b[2J');
    expect(out.suggestions[0]).not.toMatch(/[\u001b\u202e]/);
  });

  test('a fix the policy allows but learn.autoRemediationAllow does not pre-authorise is not run', async () => {
    const e = await env();
    const failing = await seedFix(e, 5, ['systemctl reload nginx.service']);
    const out = await run(e, { ...failing, systemctl: ok('') }, { learn: { autoRemediation: true } });
    expect(e.hostCalls).toEqual([]);
    expect(out.suggestions[0]).toMatch(/matches no rule in learn.autoRemediationAllow/);
  });

  test('a config deny rule stops an automatic fix as it stops the model', async () => {
    const e = await env();
    const failing = await seedFix(e, 5);
    const out = await run(e, { ...failing, systemctl: ok('') }, { learn: { autoRemediation: true }, policy: { deny: ['systemctl restart nginx*'] } });
    expect(e.hostCalls).toEqual([]);
    expect(out.suggestions[0]).toContain('config:policy.deny[0]');
  });

  test('a fix that does not help is learned as a failure', async () => {
    const e = await env();
    const failing = await seedFix(e, 3);
    const out = await run(e, { ...failing, 'systemctl restart': ok('') }, { learn: { autoRemediation: true } });
    expect(out.actions[0]).toMatch(/: failed$/);
    const pattern = (await e.store.read('patterns')).patterns[0]!;
    expect(pattern.resolutions[0]).toMatchObject({ successes: 3, failures: 1 });
  });
});

describe('pure helpers', () => {
  test('restart cap counts only the window and the target', () => {
    const cap = { max: 3, windowMin: 15 };
    const at = (min: number) => new Date(T0.getTime() + min * 60_000).toISOString();
    const h = [0, 5, 10].map((m) => ({ at: at(m), kind: 'restart' as const, target: 'x.service', reason: '', ok: true }));
    expect(mayRestart(h, 'x.service', new Date(at(11)), cap)).toBe(false);
    expect(mayRestart(h, 'y.service', new Date(at(11)), cap)).toBe(true);
    expect(mayRestart(h, 'x.service', new Date(at(15.5)), cap)).toBe(true);
    expect(pruneRestarts(h, new Date(at(60 * 25)), cap)).toEqual([]);
  });
});
