import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import {
  cpuUtilization, parseProcStat, readCpuTimes, readMeminfo, readLoadavg, readUptimeSeconds, readBootId, readNetBytes,
  readDiskUsage, diskUsageFromStatfs, readMounts, listProcessStats, parsePidStat, readCmdline, parseMeminfo,
} from '@ldm/core';

const fixtures = { procRoot: join(new URL('.', import.meta.url).pathname, '../fixtures/proc') };

describe('probes on a fixture /proc', () => {
  test('cpu: aggregate jiffies and the online CPU count', async () => {
    const t = await readCpuTimes(fixtures);
    expect(t.cpuCount).toBe(2);
    expect(t.total).toBe(4705 + 356 + 584 + 3699 + 23 + 23);
    expect(t.idle).toBe(3699 + 23);
  });

  test('cpu utilisation is the busy share of the delta; a counter reset (reboot) gives null', () => {
    const a = parseProcStat('cpu  100 0 100 800 0 0 0 0\ncpu0 1 1 1 1\n');
    const b = parseProcStat('cpu  150 0 150 900 0 0 0 0\ncpu0 1 1 1 1\n');
    expect(cpuUtilization(a, b)).toBeCloseTo(0.5);
    expect(cpuUtilization(b, a)).toBeNull();
    expect(() => parseProcStat('intr 1 2 3')).toThrow(/cpu/);
  });

  test('meminfo in bytes; MemAvailable estimated on old kernels', async () => {
    const m = await readMeminfo(fixtures);
    expect(m).toEqual({ totalBytes: 1003520 * 1024, availableBytes: 81920 * 1024, freeBytes: 61440 * 1024, swapTotalBytes: 2097148 * 1024, swapFreeBytes: 1048574 * 1024 });
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 5 kB\nCached: 20 kB\n').availableBytes).toBe(35 * 1024);
    expect(() => parseMeminfo('Bogus: 1 kB')).toThrow(/MemTotal/);
  });

  test('load, uptime, boot id', async () => {
    expect(await readLoadavg(fixtures)).toEqual({ load1: 0.52, load5: 0.58, load15: 2.59, runnable: 2, threads: 417 });
    expect(await readUptimeSeconds(fixtures)).toBe(86400.25);
    expect(await readBootId(fixtures)).toBe('8f2a6e1c-0b5d-4c1e-9a7f-3d2b1c0e9f8a');
  });

  test('network bytes leave out loopback', async () => {
    expect(await readNetBytes(fixtures)).toEqual({ rxBytes: 1000500, txBytes: 250700 });
  });

  test('mounts: real filesystems only, with octal escapes decoded', async () => {
    expect((await readMounts(fixtures)).map((m) => m.mountPoint)).toEqual(['/', '/boot/efi', '/mnt/my data']);
  });

  test('process stat: comm with spaces and parentheses, zombie state', async () => {
    const [p] = await listProcessStats(fixtures);
    expect(p).toMatchObject({ pid: 4242, comm: 'ldm mcp (x)', state: 'Z', ppid: 1, cpuTicks: 200, startTicks: 5000, rssPages: 2500 });
    expect(await readCmdline(4242, fixtures)).toBe('node /opt/linux-devops-mcp/bin/ldm-mcp-server');
    expect(() => parsePidStat('garbage')).toThrow(/PID\/stat/);
  });

  test('disk usage arithmetic matches df (reserved blocks excluded)', () => {
    const u = diskUsageFromStatfs('/', { bsize: 4096, blocks: 1000, bfree: 100, bavail: 50, files: 100, ffree: 25 });
    expect(u.usedPercent).toBeCloseTo((900 / 950) * 100);
    expect(u.inodesUsedPercent).toBe(75);
    expect(diskUsageFromStatfs('/', { bsize: 4096, blocks: 1, bfree: 1, bavail: 1, files: 0, ffree: 0 }).inodesUsedPercent).toBeNull();
  });
});

describe('probes spawn no processes', () => {
  test('no probe module but host-facts imports child_process, execa or systeminformation', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = join(new URL('.', import.meta.url).pathname, '../../src/probe');
    const offenders: string[] = [];
    for (const file of await readdir(dir)) {
      if (file === 'host-facts.ts') continue;
      const text = await readFile(join(dir, file), 'utf8');
      if (/from '(node:)?child_process'|from 'execa'|from 'systeminformation'/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});

describe('probes on the real /proc', () => {
  test('every probe reads this machine', async () => {
    const t = await readCpuTimes();
    expect(t.total).toBeGreaterThan(0);
    expect((await readMeminfo()).totalBytes).toBeGreaterThan(0);
    expect((await readLoadavg()).threads).toBeGreaterThan(0);
    expect(await readUptimeSeconds()).toBeGreaterThan(0);
    expect(await readBootId()).toMatch(/^[0-9a-f-]{36}$/);
    expect((await readDiskUsage('/')).totalBytes).toBeGreaterThan(0);
    expect((await listProcessStats()).some((p) => p.pid === process.pid)).toBe(true);
  });
});
