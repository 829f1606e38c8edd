import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PROC, type ProcSource } from './proc-root';

export interface ProcessStat {
  pid: number;
  comm: string;
  /** R, S, D, Z, T, ... from /proc/PID/stat. */
  state: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Start time after boot, in clock ticks. */
  startTicks: number;
  rssPages: number;
}

/** Pure. comm may contain spaces and parentheses, so split at the last ')'. */
export function parsePidStat(text: string): ProcessStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`unexpected /proc/PID/stat: ${JSON.stringify(text.slice(0, 80))}`);
  const rest = text.slice(close + 2).split(' ');
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    cpuTicks: field(14) + field(15),
    startTicks: field(22),
    rssPages: field(24),
  };
}

export async function readProcessStat(pid: number, source: ProcSource = DEFAULT_PROC): Promise<ProcessStat | null> {
  try {
    return parsePidStat(await readFile(join(source.procRoot, String(pid), 'stat'), 'utf8'));
  } catch {
    return null;
  }
}

/** All processes, read straight from /proc without spawning ps. Processes that exit mid-scan are skipped. */
export async function listProcessStats(source: ProcSource = DEFAULT_PROC): Promise<ProcessStat[]> {
  const entries = await readdir(source.procRoot);
  const pids = entries.filter((e) => /^\d+$/.test(e)).map(Number);
  const stats = await Promise.all(pids.map((pid) => readProcessStat(pid, source)));
  return stats.filter((s): s is ProcessStat => s !== null);
}

export async function readCmdline(pid: number, source: ProcSource = DEFAULT_PROC): Promise<string> {
  try {
    return (await readFile(join(source.procRoot, String(pid), 'cmdline'), 'utf8')).replace(/\0+$/, '').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
