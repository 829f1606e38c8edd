import { describe, expect, test } from '@jest/globals';
import { DocumentStore, encodeHistory, parseConfig, silentLogger, type IdleState } from '@ldm/core';
import { runIdleWatcher, type IdleWatcherDeps } from '../src/run-idle-watcher';
import { renderText } from '../src/render';
import { BOOT_A, fakeRunCommand, netdev, ok, procStat, tmpDir, writeProc, meminfo } from '../../core/test/checks/proc-fixture';
import { syntheticHistory } from '../../core/test/idle/history-fixture';

const T0 = new Date('2026-11-24T12:30:00Z');

async function setup(opts: { unitInstalled?: boolean; arch?: string } = {}) {
  const procRoot = await writeProc(await tmpDir(), { stat: procStat(1000, 9000), netdev: netdev(1000, 1000), meminfo: meminfo(1000, 700) });
  const clock = { now: T0 };
  const store = new DocumentStore({ stateDir: await tmpDir('ldm-idle-state-'), now: () => clock.now });
  const calls: string[][] = [];
  const deps: IdleWatcherDeps = {
    proc: { procRoot },
    runCommand: fakeRunCommand({ 'systemctl stop': ok('') }, calls),
    now: () => clock.now,
    fileExists: async (p) => !!opts.unitInstalled && p === '/etc/systemd/system/ldm-mcp-http.service',
    arch: opts.arch ?? 'x64',
  };
  /** Advances the clock and the CPU counters: `busyPct` of the elapsed jiffies were busy. */
  let busy = 1000;
  let idle = 9000;
  let uptime = 86_400;
  /** `stepMs`: how far the wall clock jumps on top of the elapsed time (NTP, a resume); boot time does not. */
  const tick = async (minutes: number, busyPct: number, netBytes = 0, stepMs = 0) => {
    clock.now = new Date(clock.now.getTime() + minutes * 60_000 + stepMs);
    uptime += minutes * 60;
    const jiffies = minutes * 60 * 100;
    busy += (jiffies * busyPct) / 100;
    idle += (jiffies * (100 - busyPct)) / 100;
    await writeProc(procRoot, { stat: procStat(Math.round(busy), Math.round(idle)), netdev: netdev(1000 + netBytes, 1000), meminfo: meminfo(1000, 700), uptime: `${uptime}.00 80000.00\n` });
  };
  const run = (config: unknown = {}) => runIdleWatcher({ store, config: parseConfig(config, 't'), logger: silentLogger, deps });
  return { store, calls, clock, tick, run, procRoot };
}

describe('ldm-idle-watcher', () => {
  test('first sample: no CPU figure yet, stays active, remembers the counters', async () => {
    const s = await setup();
    const out = await s.run();
    expect(out).toMatchObject({ mode: 'active', transition: null, cpuPercent: null });
    const idle = (await s.store.read('state')).idle!;
    expect(idle.lastSample).toMatchObject({ cpuTotal: 10000, cpuIdle: 9000, bootId: BOOT_A });
    expect(idle.since).toBe(T0.toISOString());
    expect(idle.history).toBe('');
  });

  test('idle after N quiet minutes: standby, alert, HTTP unit stopped once; activity brings it back', async () => {
    const s = await setup({ unitInstalled: true });
    await s.run();
    await s.tick(5, 50);
    expect((await s.run()).mode).toBe('active');
    await s.tick(29, 1);
    const quiet = await s.run();
    expect(quiet).toMatchObject({ mode: 'standby', transition: 'entered-standby' });
    expect(quiet.cpuPercent).toBeCloseTo(1, 5);
    expect(s.calls).toEqual([['systemctl', 'stop', 'ldm-mcp-http.service']]);
    let state = await s.store.read('state');
    expect(state.mode).toBe('standby');
    expect(state.alerts).toEqual([expect.objectContaining({ id: 'idle-watcher:standby', source: 'idle-watcher' })]);

    await s.tick(5, 1);
    expect((await s.run()).transition).toBeNull();
    expect(s.calls).toHaveLength(1);

    await s.store.update('state', (doc) => {
      // A session that only beats (lastActivity) is no activity; a request is.
      doc.sessions = [{ pid: 7, startedAt: new Date(T0.getTime() - 3_600_000).toISOString(), lastActivity: s.clock.now.toISOString(), transport: 'stdio' }];
    });
    await s.tick(5, 1);
    expect((await s.run()).mode).toBe('standby');
    await s.store.update('state', (doc) => {
      Object.assign(doc.sessions[0]!, { lastRequest: s.clock.now.toISOString() });
    });
    await s.tick(5, 1);
    const back = await s.run();
    expect(back).toMatchObject({ mode: 'active', transition: 'left-standby' });
    state = await s.store.read('state');
    expect(state.mode).toBe('active');
    expect(state.alerts).toEqual([]);
    expect(state.idle!.standbySince).toBeUndefined();
    // The session is gone from state.json, but its activity is remembered.
    await s.store.update('state', (doc) => {
      doc.sessions = [];
    });
    await s.tick(5, 1);
    expect((await s.run()).mode).toBe('active');
    expect(s.calls).toHaveLength(1);
  });

  test('never stops the HTTP service while the server has a background job running; a stale beat claiming one does not count', async () => {
    const s = await setup({ unitInstalled: true });
    await s.run();
    const beat = (runningJobs: number) =>
      s.store.update('state', (doc) => {
        doc.sessions = [{ pid: 7, startedAt: T0.toISOString(), lastActivity: s.clock.now.toISOString(), transport: 'http', runningJobs }];
      });
    // The job was started by the session's last request, long ago; the server beats every minute.
    for (let i = 0; i < 12; i++) {
      await s.tick(5, 1);
      await beat(1);
      expect((await s.run()).mode).toBe('active');
    }
    expect(s.calls).toEqual([]);
    // The job ended: quiet from here on for idle.minutes, then standby.
    await beat(0);
    await s.tick(31, 1);
    expect((await s.run()).mode).toBe('standby');
    expect(s.calls).toEqual([['systemctl', 'stop', 'ldm-mcp-http.service']]);
  });

  test('a leftover heartbeat (crashed server) that said a job ran does not hold the host active', async () => {
    const s = await setup();
    await s.run();
    await s.store.update('state', (doc) => {
      doc.sessions = [{ pid: 7, startedAt: T0.toISOString(), lastActivity: T0.toISOString(), transport: 'http', runningJobs: 2 }];
    });
    await s.tick(31, 1);
    expect((await s.run()).mode).toBe('standby');
  });

  test('no HTTP unit installed: standby without starting any process', async () => {
    const s = await setup();
    await s.run();
    await s.tick(31, 1);
    expect((await s.run()).mode).toBe('standby');
    expect(s.calls).toEqual([]);
  });

  test('a reboot between samples (new boot id) gives no CPU figure instead of a bogus one', async () => {
    const s = await setup();
    await s.run();
    await writeProc(s.procRoot, { stat: procStat(10, 90), bootId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' });
    s.clock.now = new Date(T0.getTime() + 300_000);
    expect((await s.run()).cpuPercent).toBeNull();
  });

  test('synthetic 7-day history: on course to be reclaimed -> warning incident, percentiles, then cleared', async () => {
    const s = await setup();
    await s.store.update('state', (doc) => {
      doc.idle = { history: encodeHistory(syntheticHistory(7, (ago) => (ago >= 5 * 24 ? 70 : 2), { now: T0 })) } as IdleState;
    });
    await s.run({ idle: { shape: 'micro' } });
    await s.tick(5, 2);
    const out = await s.run({ idle: { shape: 'micro' } });
    expect(out.reclamation).toMatchObject({ status: 'warn', idleStreakDays: 5, completesInDays: 2 });
    expect(out.reclamation!.cpuP95).toBe(70);
    expect(renderText(out)).toMatch(/reclamation \(micro\): WARN - idle by Oracle's definition for 5 days/);
    let incidents = (await s.store.read('incidents')).incidents;
    expect(incidents).toEqual([expect.objectContaining({ source: 'idle-watcher', subject: 'oracle-idle-reclamation', severity: 'warn', status: 'open' })]);
    expect((await s.store.read('state')).alerts.map((a) => a.id)).toContain('idle-watcher:oracle-idle-reclamation');

    // Shape "other" (a paid instance): no warning, and the open incident is cleared.
    await s.tick(5, 2);
    await s.run({ idle: { shape: 'other' } });
    incidents = (await s.store.read('incidents')).incidents;
    expect(incidents[0]!.status).toBe('resolved');
  });

  test('auto shape: aarch64 is A1, where memory counts', async () => {
    const s = await setup({ arch: 'arm64' });
    const out = await s.run();
    expect(out.shape).toBe('a1');
  });

  test('the clock set back a day: the next sample 5 minutes later is measured, not "too recent"', async () => {
    const s = await setup();
    await s.run();
    await s.tick(5, 20);
    expect((await s.run()).cpuPercent).toBeCloseTo(20, 5);
    await s.tick(5, 40, 0, -86_400_000);
    const after = await s.run();
    expect(after.decision.reason).not.toMatch(/too recent/);
    expect(after.cpuPercent).toBeCloseTo(40, 5);
    await s.tick(5, 10);
    expect((await s.run()).cpuPercent).toBeCloseTo(10, 5);
  });

  test('the clock stepped forward a day: CPU and network over the 5 boot-time minutes, not over a day', async () => {
    const s = await setup();
    await s.run();
    await s.tick(5, 30, 0, 86_400_000);
    const out = await s.run();
    expect(out.cpuPercent).toBeCloseTo(30, 5);
    expect(out.netBytesPerSec).not.toBeNull();
    const idle = (await s.store.read('state')).idle!;
    expect(idle.lastSample?.uptimeSec).toBe(86_400 + 300);
  });

  test('a sample from an older release (no boot time) after a backward step: a new baseline, measured 5 minutes later', async () => {
    const s = await setup();
    await s.run();
    await s.store.update('state', (doc) => {
      delete (doc.idle!.lastSample as { uptimeSec?: number }).uptimeSec;
      doc.idle!.lastActivity = new Date(T0.getTime() + 86_400_000).toISOString();
    });
    await s.tick(5, 50, 0, -86_400_000);
    const first = await s.run();
    expect(first.decision.reason).not.toMatch(/too recent/);
    // The future activity stamp is clamped to now, so it cannot hold the host awake for a day.
    expect(Date.parse(first.lastActivity)).toBeLessThanOrEqual(s.clock.now.getTime());
    await s.tick(5, 50);
    expect((await s.run()).cpuPercent).toBeCloseTo(50, 5);
  });
});
