import { readProcFile, type ProcSource } from '../probe/proc-root';
import { parseProcStat, cpuUtilization, type CpuTimes } from '../probe/cpu';
import { parseMeminfo, type MemInfo } from '../probe/meminfo';
import { parseNetDev, type NetBytes } from '../probe/netdev';
import { parseUptime } from '../probe/loadavg';
import type { IdleSample } from './idle-state';

export interface Reading {
  cpu: CpuTimes;
  mem: MemInfo;
  net: NetBytes;
  bootId: string | null;
  /** CLOCK_BOOTTIME (/proc/uptime): intervals within a boot that no wall-clock step can bend. */
  uptimeSec?: number | null;
}

/** Reads /proc only: a sample never starts a child process. */
export async function readSample(proc: ProcSource): Promise<Reading> {
  const [stat, meminfo, netdev, bootId, uptimeSec] = await Promise.all([
    readProcFile(proc, 'stat'),
    readProcFile(proc, 'meminfo'),
    readProcFile(proc, 'net/dev'),
    readProcFile(proc, 'sys/kernel/random/boot_id').then((t) => t.trim(), () => null),
    readProcFile(proc, 'uptime').then(parseUptime, () => null),
  ]);
  return { cpu: parseProcStat(stat), mem: parseMeminfo(meminfo), net: parseNetDev(netdev), bootId, uptimeSec: Number.isFinite(uptimeSec) ? uptimeSec : null };
}

/**
 * Below this, a CPU delta mostly measures the watcher's own start-up (a run by hand right after the
 * timer's): such a sample decides nothing and enters no history, and the older reading is kept.
 */
export const MIN_SAMPLE_SEC = 60;

export interface SampleFigures {
  cpuPercent: number | null;
  memUsedPercent: number;
  netBytes: number | null;
  netSec: number;
  /** The previous sample is less than MIN_SAMPLE_SEC old: keep it, measure next time. */
  tooSoon?: boolean;
}

/** Pure: the figures since the previous sample; netBytes is the busier direction (rx or tx). Counters from another boot (or that went back) give null. */
export function figuresSince(previous: IdleSample | undefined, reading: Reading, now: Date): SampleFigures {
  const memUsedPercent = reading.mem.totalBytes > 0 ? ((reading.mem.totalBytes - reading.mem.availableBytes) / reading.mem.totalBytes) * 100 : 0;
  const sameBoot = previous && (previous.bootId === null || reading.bootId === null || previous.bootId === reading.bootId);
  if (!previous || !sameBoot) return { cpuPercent: null, memUsedPercent, netBytes: null, netSec: 0 };
  // Boot-relative seconds when both samples have them: a wall-clock step (NTP's first sync, a
  // resume) neither freezes the watcher ("too recent" for the length of a backward step) nor
  // stretches one interval over a forward step. Older samples fall back to the wall clock.
  const bootSec = typeof previous.uptimeSec === 'number' && typeof reading.uptimeSec === 'number' ? reading.uptimeSec - previous.uptimeSec : null;
  const interval = bootSec ?? (now.getTime() - Date.parse(previous.at)) / 1000;
  // Negative: the wall clock went back (or a reboot without a boot id); the reading is a new baseline.
  if (!(interval >= 0)) return { cpuPercent: null, memUsedPercent, netBytes: null, netSec: 0 };
  const netSec = interval;
  if (netSec < MIN_SAMPLE_SEC) return { cpuPercent: null, memUsedPercent, netBytes: null, netSec: 0, tooSoon: true };
  const util = cpuUtilization({ total: previous.cpuTotal, idle: previous.cpuIdle, cpuCount: reading.cpu.cpuCount }, reading.cpu);
  const rx = reading.net.rxBytes - previous.rxBytes;
  const tx = reading.net.txBytes - previous.txBytes;
  // Bandwidth is per direction, so the busier direction is what counts against it.
  const bytes = rx >= 0 && tx >= 0 && netSec > 0 ? Math.max(rx, tx) : null;
  return { cpuPercent: util === null ? null : util * 100, memUsedPercent, netBytes: bytes, netSec };
}

export function toIdleSample(reading: Reading, now: Date): IdleSample {
  return {
    at: now.toISOString(),
    bootId: reading.bootId,
    ...(typeof reading.uptimeSec === 'number' ? { uptimeSec: reading.uptimeSec } : {}),
    cpuTotal: reading.cpu.total,
    cpuIdle: reading.cpu.idle,
    rxBytes: reading.net.rxBytes,
    txBytes: reading.net.txBytes,
  };
}
