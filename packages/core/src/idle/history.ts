import type { HourBucket } from './idle-state';

export const HISTORY_HOURS = 7 * 24;
/** A bucket holds at most one sample a minute; a faster timer must not grow state.json without bound. */
const MAX_SAMPLES_PER_HOUR = 60;

export interface HistorySample {
  at: Date;
  cpuPercent: number;
  memUsedPercent: number;
  /** Bytes received plus sent since the previous sample, and over how many seconds; null after a reboot. */
  netBytes: number | null;
  netSec: number;
}

export const hourOf = (d: Date) => Math.floor(d.getTime() / 3_600_000);

/**
 * Pure: the history with the sample added to its hour, and hours older than 7 days dropped. Hours
 * "in the future" (written before the clock was set back) are kept up to 7 days ahead: they are
 * real samples, and dropping them would lose up to a week of the reclamation evidence.
 */
export function addToHistory(history: readonly HourBucket[], sample: HistorySample): HourBucket[] {
  const h = hourOf(sample.at);
  const kept = history.filter((b) => b.h > h - HISTORY_HOURS && b.h < h + HISTORY_HOURS).map((b) => ({ ...b }));
  let bucket = kept.find((b) => b.h === h);
  if (!bucket) {
    bucket = { h, cpu: [], mem: [], netBytes: 0, netSec: 0 };
    kept.push(bucket);
  }
  if (bucket.cpu.length < MAX_SAMPLES_PER_HOUR) {
    bucket.cpu = [...bucket.cpu, Math.max(0, Math.min(1000, Math.round(sample.cpuPercent * 10)))];
    bucket.mem = [...bucket.mem, Math.max(0, Math.min(100, Math.round(sample.memUsedPercent)))];
  }
  if (sample.netBytes !== null && sample.netSec > 0) {
    bucket.netBytes += sample.netBytes;
    bucket.netSec += sample.netSec;
  }
  return kept.sort((a, b) => a.h - b.h);
}
