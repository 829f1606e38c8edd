import type { HourBucket } from './idle-state';
import { percentile } from './percentile';
import { hourOf } from './history';
import type { Shape } from './shape';

/** Oracle's thresholds, all "below 20 %". */
export const ORACLE_IDLE_PERCENT = 20;
/** A day with fewer hours of samples than this is "unknown": the host or the timer was down. */
const MIN_HOURS_PER_DAY = 12;

export interface DayVerdict {
  /** 0 = the last 24 hours, 1 = the 24 before, ... */
  daysAgo: number;
  hours: number;
  cpuP95: number | null;
  netPercent: number | null;
  memP95: number | null;
  idle: boolean | null;
}

export interface ReclamationAssessment {
  applies: boolean;
  status: 'ok' | 'warn' | 'crit';
  /** Whole days in a row, ending now, that were idle by Oracle's definition. */
  idleStreakDays: number;
  /** Days until a fully idle 7-day window completes, when the streak continues. */
  completesInDays: number | null;
  cpuP95: number | null;
  netPercent: number | null;
  memP95: number | null;
  hoursOfData: number;
  days: DayVerdict[];
  message: string;
}

export interface ReclamationOptions {
  shape: Shape;
  referenceMbps: number;
  warnDays: number;
}

const r1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

function summarize(buckets: HourBucket[], options: ReclamationOptions) {
  const cpu = percentile(buckets.flatMap((b) => b.cpu), 95);
  const mem = percentile(buckets.flatMap((b) => b.mem), 95);
  const bytes = buckets.reduce((s, b) => s + b.netBytes, 0);
  const sec = buckets.reduce((s, b) => s + b.netSec, 0);
  // Mean throughput over the sampled time against the shape's bandwidth: the lower of the usual
  // readings, so the warning errs towards "looks idle" rather than missing a reclamation.
  const netPercent = sec > 0 ? ((bytes * 8) / sec / (options.referenceMbps * 1e6)) * 100 : null;
  return { cpuP95: cpu === null ? null : cpu / 10, memP95: mem, netPercent };
}

/**
 * Pure: how close this host is to Oracle reclaiming it. Over 7 days an Always Free instance is
 * reclaimed when its CPU 95th percentile, its network utilization and (A1 only) its memory
 * utilization are all below 20 %. Each 24-hour day is judged alone; the streak of idle days ending
 * now says how soon the 7-day window completes.
 */
export function assessReclamation(history: readonly HourBucket[], now: Date, options: ReclamationOptions): ReclamationAssessment {
  const nowHour = hourOf(now);
  const days: DayVerdict[] = [];
  for (let d = 0; d < 7; d++) {
    const buckets = history.filter((b) => b.h <= nowHour - d * 24 && b.h > nowHour - (d + 1) * 24 && b.cpu.length > 0);
    const s = summarize(buckets, options);
    const known = buckets.length >= MIN_HOURS_PER_DAY && s.cpuP95 !== null;
    const idle = known
      ? s.cpuP95! < ORACLE_IDLE_PERCENT && (s.netPercent ?? 0) < ORACLE_IDLE_PERCENT && (options.shape !== 'a1' || (s.memP95 ?? 0) < ORACLE_IDLE_PERCENT)
      : null;
    days.push({ daysAgo: d, hours: buckets.length, cpuP95: r1(s.cpuP95), netPercent: r1(s.netPercent), memP95: s.memP95, idle });
  }
  const window = history.filter((b) => b.h > nowHour - 7 * 24 && b.cpu.length > 0);
  const all = summarize(window, options);
  let streak = 0;
  while (streak < 7 && days[streak]!.idle === true) streak++;
  const applies = options.shape === 'micro' || options.shape === 'a1';
  const base = { applies, idleStreakDays: streak, cpuP95: r1(all.cpuP95), netPercent: r1(all.netPercent), memP95: all.memP95, hoursOfData: window.length, days };
  const figures = `CPU p95 ${base.cpuP95 ?? '?'}%, network ${base.netPercent ?? '?'}% of ${options.referenceMbps} Mbps${options.shape === 'a1' ? `, memory p95 ${base.memP95 ?? '?'}%` : ''} over ${window.length} h`;
  if (!applies) return { ...base, status: 'ok', completesInDays: null, message: `not an Always Free shape (${options.shape}); ${figures}` };
  if (streak >= 7) {
    return { ...base, status: 'crit', completesInDays: 0, message: `idle by Oracle's definition for 7 days: this instance can be reclaimed now (${figures})` };
  }
  if (streak >= options.warnDays) {
    return {
      ...base,
      status: 'warn',
      completesInDays: 7 - streak,
      message: `idle by Oracle's definition for ${streak} days in a row: reclaimable in ${7 - streak} more idle days (${figures})`,
    };
  }
  return { ...base, status: 'ok', completesInDays: null, message: `${streak} idle days in a row by Oracle's definition (${figures})` };
}
