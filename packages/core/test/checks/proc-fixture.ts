// Builds fake /proc trees and check deps for tests of the checks and the three daemons.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckDeps, CommandResult, StatfsLike } from '@ldm/core';

export interface ProcFixture {
  meminfo?: string;
  stat?: string;
  loadavg?: string;
  uptime?: string;
  mounts?: string;
  netdev?: string;
  bootId?: string;
  /** pid -> [stat line, cmdline with \0 separators] */
  pids?: Record<number, { stat: string; cmdline: string }>;
}

export const MIB = 1024 * 1024;

export function meminfo(totalMiB: number, availableMiB: number, swapTotalMiB = 0, swapFreeMiB = swapTotalMiB): string {
  const kb = (m: number) => `${Math.round(m * 1024)} kB`;
  return [
    `MemTotal:       ${kb(totalMiB)}`,
    `MemFree:        ${kb(availableMiB / 2)}`,
    `MemAvailable:   ${kb(availableMiB)}`,
    `Buffers:        ${kb(10)}`,
    `Cached:         ${kb(100)}`,
    `SwapTotal:      ${kb(swapTotalMiB)}`,
    `SwapFree:       ${kb(swapFreeMiB)}`,
    '',
  ].join('\n');
}

/** /proc/stat with the given cumulative busy and idle jiffies and CPU count. */
export function procStat(busy: number, idle: number, cpus = 1): string {
  const lines = [`cpu  ${busy} 0 0 ${idle} 0 0 0 0 0 0`];
  for (let i = 0; i < cpus; i++) lines.push(`cpu${i} ${Math.round(busy / cpus)} 0 0 ${Math.round(idle / cpus)} 0 0 0 0 0 0`);
  lines.push('intr 0', 'ctxt 0', 'btime 1700000000', '');
  return lines.join('\n');
}

export function netdev(rx: number, tx: number): string {
  return [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    '    lo: 999999 10 0 0 0 0 0 0 999999 10 0 0 0 0 0 0',
    `  eth0: ${rx} 100 0 0 0 0 0 0 ${tx} 100 0 0 0 0 0 0`,
    '',
  ].join('\n');
}

/** A /proc/PID/stat line; startTicks in 1/100 s after boot. */
export function pidStat(pid: number, comm: string, state: string, startTicks: number, ppid = 1): string {
  const fields = [state, ppid, pid, pid, 0, -1, 4194304, 0, 0, 0, 0, 5, 3, 0, 0, 20, 0, 1, 0, startTicks, 1000000, 500];
  return `${pid} (${comm}) ${fields.join(' ')}`;
}

export const BOOT_A = '11111111-2222-3333-4444-555555555555';
export const BOOT_B = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

export const DEFAULT_FIXTURE: Required<Omit<ProcFixture, 'pids'>> = {
  meminfo: meminfo(1000, 600, 1024, 1000),
  stat: procStat(1000, 9000, 1),
  loadavg: '0.10 0.20 0.30 1/100 1234\n',
  uptime: '86400.00 80000.00\n',
  mounts: '/dev/sda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\ntmpfs /run tmpfs rw 0 0\n/dev/sda2 /var ext4 rw 0 0\n',
  netdev: netdev(1000, 2000),
  bootId: BOOT_A,
};

/** Writes (or rewrites) the files of a fake /proc under `root`. */
export async function writeProc(root: string, fixture: ProcFixture = {}): Promise<string> {
  const f = { ...DEFAULT_FIXTURE, ...fixture };
  await mkdir(join(root, 'self'), { recursive: true });
  await mkdir(join(root, 'net'), { recursive: true });
  await mkdir(join(root, 'sys/kernel/random'), { recursive: true });
  await writeFile(join(root, 'meminfo'), f.meminfo);
  await writeFile(join(root, 'stat'), f.stat);
  await writeFile(join(root, 'loadavg'), f.loadavg);
  await writeFile(join(root, 'uptime'), f.uptime);
  await writeFile(join(root, 'self/mounts'), f.mounts);
  await writeFile(join(root, 'net/dev'), f.netdev);
  await writeFile(join(root, 'sys/kernel/random/boot_id'), `${f.bootId}\n`);
  for (const [pid, p] of Object.entries(fixture.pids ?? {})) {
    await mkdir(join(root, pid), { recursive: true });
    await writeFile(join(root, pid, 'stat'), p.stat);
    await writeFile(join(root, pid, 'cmdline'), p.cmdline);
  }
  return root;
}

export async function tmpDir(prefix = 'ldm-checks-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function statfsOf(usedPct: number, inodesUsedPct = 10): StatfsLike {
  const blocks = 1_000_000;
  const used = Math.round((blocks * usedPct) / 100);
  return { bsize: 4096, blocks, bfree: blocks - used, bavail: blocks - used, files: 100_000, ffree: 100_000 - inodesUsedPct * 1000 };
}

export type CommandTable = Record<string, CommandResult | ((argv: string[]) => CommandResult | Promise<CommandResult>)>;

/** A runCommand that answers from a table keyed by the argv's first two words; anything else is "not installed". */
export function fakeRunCommand(table: CommandTable, calls: string[][] = []): CheckDeps['runCommand'] {
  return async (argv) => {
    calls.push(argv);
    const entry = table[argv.slice(0, 2).join(' ')] ?? table[argv[0]!];
    if (!entry) {
      const err = new Error(`couldn't run ${argv.join(' ')}: spawn ENOENT`) as NodeJS.ErrnoException;
      err.code = 'ENOENT';
      throw err;
    }
    return typeof entry === 'function' ? entry(argv) : entry;
  };
}

export const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exitCode: 0 });

export function fakeDeps(procRoot: string, overrides: Partial<CheckDeps> = {}): CheckDeps {
  return {
    proc: { procRoot },
    runCommand: fakeRunCommand({}),
    statfs: async () => statfsOf(50),
    fetch: (async () => {
      throw new Error('fetch not expected in this test');
    }) as unknown as typeof fetch,
    now: () => new Date('2026-11-24T12:00:00Z'),
    readFile: async (path) => {
      throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
    },
    fileExists: async () => false,
    systemdRunning: async () => true,
    ...overrides,
  };
}
