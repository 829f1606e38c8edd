import * as z from 'zod';

/**
 * One hour of samples. CPU is kept per sample (tenths of a percent) because Oracle's rule is a
 * 95th percentile, which a mean or a coarse histogram cannot give; at one sample per 5 minutes
 * that is 12 small integers an hour.
 */
export interface HourBucket {
  /** Hours since the epoch (UTC). */
  h: number;
  /** CPU busy per sample, tenths of a percent (0..1000). */
  cpu: number[];
  /** Memory used per sample, whole percent. */
  mem: number[];
  /** Bytes in the busier direction (rx or tx) summed over the samples, and the seconds they cover. */
  netBytes: number;
  netSec: number;
}

/**
 * On disk the week is one string, "h|cpu,cpu,..|mem,mem,..|netBytes|netSec;..." (about 10 KB).
 * Every program validates all of state.json several times a run, and 168 objects of arrays cost
 * each of them ~6 MB of peak RSS in zod and the optimizing compiler; one string costs nothing.
 */
export const HistoryTextSchema = z.string().regex(/^[0-9|,;.]*$/).default('');

const ENTRY = /^\d+\|(\d+(,\d+)*)?\|(\d+(,\d+)*)?\|\d+(\.\d+)?\|\d+(\.\d+)?$/;
const numbers = (list: string) => (list ? list.split(',').map(Number) : []);

/**
 * Pure: the history string as buckets; a malformed entry is skipped, not fatal. Written with
 * builtins (regex, split, map(Number)) rather than per-number callbacks: a hot JS callback gets
 * optimized by TurboFan, which alone costs a short-lived process ~4 MB of peak RSS.
 */
export function decodeHistory(text: string): HourBucket[] {
  const out: HourBucket[] = [];
  for (const entry of text ? text.split(';') : []) {
    if (!ENTRY.test(entry)) continue;
    const [h, cpu, mem, netBytes, netSec] = entry.split('|') as [string, string, string, string, string];
    out.push({ h: Number(h), cpu: numbers(cpu), mem: numbers(mem), netBytes: Number(netBytes), netSec: Number(netSec) });
  }
  return out;
}

export function encodeHistory(buckets: readonly HourBucket[]): string {
  return buckets.map((b) => `${b.h}|${b.cpu.join(',')}|${b.mem.join(',')}|${Math.round(b.netBytes)}|${Math.round(b.netSec * 10) / 10}`).join(';');
}

export const IdleSampleSchema = z.looseObject({
  at: z.string(),
  bootId: z.string().nullable().default(null),
  /** Seconds since boot when taken (CLOCK_BOOTTIME); absent in samples from older releases. */
  uptimeSec: z.number().nonnegative().optional(),
  cpuTotal: z.number(),
  cpuIdle: z.number(),
  rxBytes: z.number(),
  txBytes: z.number(),
});

/** Where the newest MCP activity sits on the boot clock (idle/activity-clock.ts). */
export const ActivityMarkSchema = z.looseObject({
  /** The activity's wall time, as read from the heartbeat: a new one is marked afresh. */
  at: z.string(),
  bootId: z.string(),
  uptimeSec: z.number(),
});
export type ActivityMark = z.infer<typeof ActivityMarkSchema>;

export const IdleStateSchema = z.looseObject({
  lastSample: IdleSampleSchema.optional(),
  /** When the watcher first ran: the start of "no MCP activity" when there never was any. */
  since: z.string().optional(),
  /** The newest MCP activity ever seen; sessions disappear from state.json, this does not. */
  lastActivity: z.string().optional(),
  /** lastActivity on the boot clock (idle/activity-clock.ts). */
  activityClock: ActivityMarkSchema.optional(),
  standbySince: z.string().optional(),
  last: z
    .looseObject({
      at: z.string(),
      cpuPercent: z.number().nullable(),
      memUsedPercent: z.number(),
      netBytesPerSec: z.number().nullable(),
      idle: z.boolean(),
      reason: z.string(),
    })
    .optional(),
  history: HistoryTextSchema,
  reclamation: z.looseObject({}).optional(),
});

export type IdleSample = z.infer<typeof IdleSampleSchema>;
export type IdleState = z.infer<typeof IdleStateSchema>;
