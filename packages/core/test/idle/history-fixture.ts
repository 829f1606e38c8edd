// A synthetic 7-day history for the reclamation tests and the idle watcher's.
import { hourOf, type HourBucket } from '@ldm/core';

export const NOW = new Date('2026-11-24T12:30:00Z');

/** A synthetic history: `days` days of hourly buckets ending now, 12 samples an hour at the given CPU %. */
export function syntheticHistory(days: number, cpuPct: (hoursAgo: number) => number, opts: { memPct?: number; netMbps?: number; now?: Date } = {}): HourBucket[] {
  const out: HourBucket[] = [];
  const nowHour = hourOf(opts.now ?? NOW);
  for (let ago = days * 24 - 1; ago >= 0; ago--) {
    const cpu = Array.from({ length: 12 }, () => Math.round(cpuPct(ago) * 10));
    out.push({ h: nowHour - ago, cpu, mem: Array(12).fill(opts.memPct ?? 30), netBytes: ((opts.netMbps ?? 0.1) * 1e6 * 3600) / 8, netSec: 3600 });
  }
  return out;
}

