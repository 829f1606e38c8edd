import { describe, expect, test } from '@jest/globals';
import { assessSession, inspectSessions, type Heartbeat } from '@ldm/core';
import { BOOT_A, BOOT_B, pidStat, tmpDir, writeProc } from './proc-fixture';

const NOW = new Date('2026-11-24T12:00:00Z');
// Booted one day before NOW (uptime 86400 in the default fixture).
const BOOT_MS = NOW.getTime() - 86_400_000;
const startedAt = (secondsAfterBoot: number) => new Date(BOOT_MS + secondsAfterBoot * 1000).toISOString();
const hb = (over: Partial<Heartbeat> = {}): Heartbeat => ({
  pid: 4242,
  startedAt: startedAt(1000),
  lastActivity: new Date(NOW.getTime() - 10_000).toISOString(),
  transport: 'stdio',
  bootId: BOOT_A,
  ...over,
});
const SERVER_CMD = 'node\0/opt/linux-devops-mcp/bin/ldm-mcp-server\0';
const opts = { now: NOW, staleSec: 300, currentBootId: BOOT_A, bootTimeMs: BOOT_MS };
const proc = (state: string, startTicks: number, cmdline = SERVER_CMD.replace(/\0/g, ' ').trim()) => ({ stat: { pid: 4242, comm: 'node', state, ppid: 1, cpuTicks: 0, startTicks, rssPages: 0 }, cmdline });

describe('assessSession', () => {
  test('alive: our program, started when the heartbeat says, recent heartbeat', () => {
    expect(assessSession(hb(), proc('S', 99_950), opts).verdict).toBe('alive');
  });

  test('gone: no process, or a heartbeat from before the reboot', () => {
    expect(assessSession(hb(), { stat: null, cmdline: '' }, opts).verdict).toBe('gone');
    expect(assessSession(hb({ bootId: BOOT_B }), proc('S', 99_950), opts).verdict).toBe('gone');
  });

  test('reused pid: another program, or our program started after the heartbeat', () => {
    expect(assessSession(hb(), proc('S', 99_950, '/usr/sbin/sshd -D'), opts).verdict).toBe('reused');
    // Started at boot+2000 s, but the heartbeat claims boot+1000 s: a later process with the same pid.
    expect(assessSession(hb(), proc('S', 200_000), opts).verdict).toBe('reused');
  });

  test('zombie and stale', () => {
    expect(assessSession(hb(), proc('Z', 99_950), opts).verdict).toBe('zombie');
    const old = hb({ lastActivity: new Date(NOW.getTime() - 301_000).toISOString() });
    expect(assessSession(old, proc('S', 99_950), opts)).toMatchObject({ verdict: 'stale', silentSec: 301 });
  });

  test('inspectSessions reads /proc/PID/stat and cmdline from the tree', async () => {
    const root = await writeProc(await tmpDir(), { pids: { 4242: { stat: pidStat(4242, 'node', 'S', 99_950), cmdline: SERVER_CMD } } });
    const [a, b] = await inspectSessions([hb(), hb({ pid: 999 })], { procRoot: root }, NOW, 300);
    expect(a!.verdict).toBe('alive');
    expect(b!.verdict).toBe('gone');
  });

  describe('with the boot clock in the heartbeat (startTicks, beatUptimeSec): wall-clock steps change nothing', () => {
    // The server started at boot+999.5 s and last beat at boot+86390 s (uptime now 86400 s).
    const modern = (over: Partial<Heartbeat> = {}) => hb({ startTicks: 99_950, beatUptimeSec: 86_390, ...over } as Partial<Heartbeat>);
    test.each([30_000, -30_000, 86_400_000, -86_400_000])('healthcheck clock off by %d ms: a live session stays alive', (offMs) => {
      const now = new Date(NOW.getTime() + offMs);
      const a = assessSession(modern(), proc('S', 99_950), { ...opts, now, bootTimeMs: now.getTime() - 86_400_000, uptimeSec: 86_400 });
      expect(a).toMatchObject({ verdict: 'alive', silentSec: 10 });
    });

    test('a pid now held by another start of the server is reused, whatever the clocks say', () => {
      expect(assessSession(modern(), proc('S', 99_951), { ...opts, uptimeSec: 86_400 }).verdict).toBe('reused');
    });

    test('silence is counted on the boot clock: stale after staleSec of boot time, even if the wall clock says 10 s', () => {
      const a = assessSession(modern({ beatUptimeSec: 86_000 } as Partial<Heartbeat>), proc('S', 99_950), { ...opts, uptimeSec: 86_400 });
      expect(a).toMatchObject({ verdict: 'stale', silentSec: 400 });
    });

    test('inspectSessions passes the boot clock from /proc/uptime', async () => {
      const root = await writeProc(await tmpDir(), { pids: { 4242: { stat: pidStat(4242, 'node', 'S', 99_950), cmdline: SERVER_CMD } } });
      const [a] = await inspectSessions([modern()], { procRoot: root }, new Date(NOW.getTime() + 30_000), 300);
      expect(a).toMatchObject({ verdict: 'alive', silentSec: 10 });
    });
  });
});
