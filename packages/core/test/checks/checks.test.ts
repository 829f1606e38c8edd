import { describe, expect, test } from '@jest/globals';
import {
  parseConfig,
  runChecks,
  diskCheck,
  inodesCheck,
  memoryCheck,
  swapCheck,
  loadCheck,
  oomCheck,
  failedUnitsCheck,
  timeSyncCheck,
  ollamaCheck,
  CHECKS,
  CHECK_IDS,
  CHECK_SETTINGS,
  emptyDocument,
  parseOomKills,
  parseFailedUnits,
  splitCursor,
  type CheckDeps,
  type HealthCheck,
} from '@ldm/core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeDeps, fakeRunCommand, meminfo, ok, procStat, statfsOf, tmpDir, writeProc, type ProcFixture } from './proc-fixture';

async function run(check: HealthCheck, fixture: ProcFixture, deps: Partial<CheckDeps> = {}, config: unknown = {}, memory: Record<string, unknown> = {}) {
  const root = await writeProc(await tmpDir(), fixture);
  const { reports, memory: after } = await runChecks({
    checks: [check],
    deps: fakeDeps(root, deps),
    config: parseConfig(config, 'test'),
    state: emptyDocument('state'),
    memory,
  });
  return { ...reports[0]!, memory: after };
}

describe('the registry', () => {
  test('lists every check of the contract once', () => {
    expect(CHECK_IDS).toEqual(['disk', 'inodes', 'memory', 'swap', 'load', 'oom', 'journal', 'failed-units', 'time-sync', 'ollama', 'mcp-sessions']);
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
  });

  test('every check has a settings schema in config, and no settings schema lacks its check', () => {
    expect(Object.keys(CHECK_SETTINGS).sort()).toEqual([...CHECK_IDS].sort());
  });
});

describe('disk and inodes', () => {
  const byMount = (pcts: Record<string, number>, inodes: Record<string, number> = {}) => async (path: string) => statfsOf(pcts[path] ?? 10, inodes[path] ?? 10);

  test('every real mount is checked; pseudo filesystems are not', async () => {
    const seen: string[] = [];
    const r = await run(diskCheck, {}, { statfs: async (p) => (seen.push(p), statfsOf(20)) });
    expect(seen.sort()).toEqual(['/', '/var']);
    expect(r.status).toBe('ok');
    expect(r.metrics).toEqual({ root_used_pct: 20, var_used_pct: 20 });
  });

  test('warn at 90 %, crit at 98 %, one finding per full mount', async () => {
    expect((await run(diskCheck, {}, { statfs: byMount({ '/': 89.9 }) })).status).toBe('ok');
    const warn = await run(diskCheck, {}, { statfs: byMount({ '/var': 90 }) });
    expect(warn.status).toBe('warn');
    expect(warn.findings).toEqual([expect.objectContaining({ subject: 'disk:/var', severity: 'warn' })]);
    const crit = await run(diskCheck, {}, { statfs: byMount({ '/': 98.5, '/var': 91 }) });
    expect(crit.status).toBe('crit');
    expect(crit.findings.map((f) => [f.subject, f.severity])).toEqual([['disk:/', 'crit'], ['disk:/var', 'warn']]);
  });

  test('thresholds and enabled come from healthcheck.checks.<id>', async () => {
    const cfg = { healthcheck: { checks: { disk: { warn: 50, crit: 60 }, inodes: { enabled: false } } } };
    expect((await run(diskCheck, {}, { statfs: byMount({ '/': 55 }) }, cfg)).status).toBe('warn');
    expect((await run(inodesCheck, {}, {}, cfg)).status).toBe('skipped');
  });

  test('inodes use the same levels', async () => {
    const r = await run(inodesCheck, {}, { statfs: byMount({}, { '/': 99 }) });
    expect(r.status).toBe('crit');
    expect(r.findings[0]!.subject).toBe('inodes:/');
  });

  test('a mount that cannot be statfs-ed warns but the others are still reported', async () => {
    const r = await run(diskCheck, {}, { statfs: async (p) => (p === '/var' ? Promise.reject(new Error('EACCES')) : statfsOf(10)) });
    expect(r.status).toBe('warn');
    expect(r.message).toContain('/var');
    expect(r.metrics.root_used_pct).toBe(10);
  });
});

describe('memory, swap, load', () => {
  test('memory available at or below 10 % warns, 5 % is critical', async () => {
    expect((await run(memoryCheck, { meminfo: meminfo(1000, 200) })).status).toBe('ok');
    expect((await run(memoryCheck, { meminfo: meminfo(1000, 90) })).status).toBe('warn');
    expect((await run(memoryCheck, { meminfo: meminfo(1000, 40) })).status).toBe('crit');
  });

  test('swap: missing on a 1 GB host warns; over 80 % used warns; a big host is skipped', async () => {
    const none = await run(swapCheck, { meminfo: meminfo(1000, 500, 0) });
    expect(none.status).toBe('warn');
    expect(none.findings[0]!.summary).toMatch(/no swap/);
    expect((await run(swapCheck, { meminfo: meminfo(1000, 500, 1000, 500) })).status).toBe('ok');
    expect((await run(swapCheck, { meminfo: meminfo(1000, 500, 1000, 150) })).status).toBe('warn');
    expect((await run(swapCheck, { meminfo: meminfo(4096, 500, 0) })).status).toBe('skipped');
  });

  test('load15 above 2 x the CPU count warns', async () => {
    expect((await run(loadCheck, { loadavg: '9.00 5.00 3.99 1/100 1\n', stat: procStat(1, 1, 2) })).status).toBe('ok');
    const r = await run(loadCheck, { loadavg: '9.00 5.00 4.50 1/100 1\n', stat: procStat(1, 1, 2) });
    expect(r.status).toBe('warn');
    expect(r.metrics).toMatchObject({ load15: 4.5, cpus: 2 });
    expect((await run(loadCheck, { loadavg: '9.00 9.00 8.10 1/100 1\n', stat: procStat(1, 1, 2) })).status).toBe('crit');
  });
});

const OOM_LINES = [
  '2026-11-24T10:00:00+0000 host kernel: nginx invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0',
  '2026-11-24T10:00:00+0000 host kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/mysql.service,task=mysqld,pid=812,uid=110',
  '2026-11-24T10:00:00+0000 host kernel: Out of memory: Killed process 812 (mysqld) total-vm:1745932kB, anon-rss:401232kB, file-rss:0kB',
];

describe('oom', () => {
  test('a kill logged twice by the kernel counts once', () => {
    expect(parseOomKills(OOM_LINES)).toEqual([expect.objectContaining({ pid: 812, process: 'mysqld' })]);
    expect(splitCursor('a\nb\n-- cursor: s=abc;i=1\n')).toEqual({ lines: ['a', 'b'], cursor: 's=abc;i=1' });
    expect(splitCursor('-- No entries --\n')).toEqual({ lines: [], cursor: null });
  });

  test('kills since the last run warn, the cursor carries over, and the next run starts after it', async () => {
    const calls: string[][] = [];
    const journal = fakeRunCommand({ journalctl: ok(`${OOM_LINES.join('\n')}\n-- cursor: s=1;i=9\n`) }, calls);
    const first = await run(oomCheck, {}, { runCommand: journal });
    expect(first.status).toBe('warn');
    expect(first.findings).toEqual([expect.objectContaining({ subject: 'oom:mysqld', summary: 'the kernel OOM killer killed mysqld' })]);
    expect(calls[0]).toEqual(expect.arrayContaining(['-k', '-b', '0', '--show-cursor']));
    expect(first.memory.oom).toEqual({ cursor: 's=1;i=9' });

    const calls2: string[][] = [];
    const quiet = fakeRunCommand({ journalctl: ok('-- No entries --\n') }, calls2);
    const second = await run(oomCheck, {}, { runCommand: quiet }, {}, first.memory);
    expect(second.status).toBe('ok');
    expect(calls2[0]).toEqual(expect.arrayContaining(['--after-cursor', 's=1;i=9']));
    expect(second.memory.oom).toEqual({ cursor: 's=1;i=9' });
  });

  test('no journal at all is skipped, not a failure; other journalctl errors are', async () => {
    const none = fakeRunCommand({ journalctl: { stdout: '', stderr: 'No journal files were found.\n', exitCode: 1 } });
    expect((await run(oomCheck, {}, { runCommand: none })).status).toBe('skipped');
    const broken = fakeRunCommand({ journalctl: { stdout: '', stderr: 'Failed to open: permission denied\n', exitCode: 1 } });
    const r = await run(oomCheck, {}, { runCommand: broken });
    expect(r.status).toBe('failed');
    expect(r.message).toContain('permission denied');
  });
});

describe('failed-units', () => {
  const listing = 'nginx.service loaded failed failed A high performance web server\ngetty@tty1.service loaded failed failed Getty on tty1\n';

  test('parses the plain listing', () => {
    expect(parseFailedUnits(listing).map((row) => row.unit)).toEqual(['nginx.service', 'getty@tty1.service']);
    expect(parseFailedUnits('● x.mount loaded failed failed X\n').map((row) => row.unit)).toEqual(['x.mount']);
    expect(parseFailedUnits('').map((row) => row.unit)).toEqual([]);
  });

  test('one finding per unit with the unit as subject; ignore list honoured', async () => {
    const r = await run(failedUnitsCheck, {}, { runCommand: fakeRunCommand({ 'systemctl list-units': ok(listing) }) }, { healthcheck: { checks: { 'failed-units': { ignore: ['getty@tty1.service'] } } } });
    expect(r.status).toBe('warn');
    expect(r.findings).toEqual([expect.objectContaining({ subject: 'nginx.service', summary: 'unit nginx.service has failed' })]);
  });

  test('skipped without systemd as PID 1', async () => {
    expect((await run(failedUnitsCheck, {}, { systemdRunning: async () => false })).status).toBe('skipped');
  });
});

describe('time-sync', () => {
  test('timesyncd flag file is enough', async () => {
    const r = await run(timeSyncCheck, {}, { fileExists: async (p) => p === '/run/systemd/timesync/synchronized' });
    expect(r.status).toBe('ok');
  });

  test('unsynchronized warns, but not in the first 10 minutes after boot', async () => {
    const table = fakeRunCommand({ 'timedatectl show': ok('NTP=yes\nNTPSynchronized=no\n') });
    expect((await run(timeSyncCheck, {}, { runCommand: table })).status).toBe('warn');
    expect((await run(timeSyncCheck, { uptime: '120.5 100.0\n' }, { runCommand: table })).status).toBe('ok');
    const off = await run(timeSyncCheck, {}, { runCommand: fakeRunCommand({ 'timedatectl show': ok('NTP=no\nNTPSynchronized=no\n') }) });
    expect(off.message).toMatch(/disabled/);
    expect((await run(timeSyncCheck, {}, { runCommand: fakeRunCommand({ 'timedatectl show': ok('NTP=yes\nNTPSynchronized=yes\n') }) })).status).toBe('ok');
  });
});

describe('ollama', () => {
  test('skipped when ollama.url is not configured', async () => {
    expect((await run(ollamaCheck, {})).status).toBe('skipped');
  });

  test('GET /api/version against a real local server; down means warn', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/api/version') res.end(JSON.stringify({ version: '0.12.0' }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const up = await run(ollamaCheck, {}, { fetch }, { ollama: { url } });
      expect(up.status).toBe('ok');
      expect(up.message).toContain('0.12.0');
    } finally {
      await new Promise((r) => server.close(r));
    }
    const down = await run(ollamaCheck, {}, { fetch }, { ollama: { url } });
    expect(down.status).toBe('warn');
    expect(down.findings[0]!.subject).toBe('ollama');
  });
});
