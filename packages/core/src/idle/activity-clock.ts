import { elapsedMs } from '../time/clamp-future';
import type { ActivityMark } from './idle-state';

// "No MCP activity for idle.minutes" measured on the boot clock (CLOCK_BOOTTIME), like the other
// intervals: a wall-clock step (a suspend, the first NTP sync) would otherwise make a busy host
// look idle for a day, or an idle one busy. The heartbeats carry wall times, so the watcher marks
// each new activity on the boot clock when it first sees it: only the gap between the activity
// and that sample (at most one sample interval) is measured on the wall clock.

export interface BootReading {
  bootId: string | null;
  uptimeSec?: number | null;
}

/** Pure: the mark of `activity` as of this sample: kept while it is the same activity in the same boot. */
export function markActivity(previous: ActivityMark | undefined, activity: string, now: Date, reading: BootReading): ActivityMark | undefined {
  if (!reading.bootId || typeof reading.uptimeSec !== 'number') return undefined;
  if (previous && previous.at === activity && previous.bootId === reading.bootId && previous.uptimeSec <= reading.uptimeSec) return previous;
  const sinceSec = Math.min(reading.uptimeSec, elapsedMs(activity, now) / 1000);
  return { at: activity, bootId: reading.bootId, uptimeSec: reading.uptimeSec - (Number.isFinite(sinceSec) ? sinceSec : 0) };
}

/** Pure: milliseconds without MCP activity: on the boot clock when the mark is of this boot, else the wall clock. */
export function quietMs(mark: ActivityMark | undefined, activity: string, now: Date, reading: BootReading): number {
  const sameBoot = mark && mark.at === activity && mark.bootId === reading.bootId;
  return elapsedMs(activity, now, sameBoot ? { thenSec: mark.uptimeSec, nowSec: reading.uptimeSec ?? null } : undefined);
}
