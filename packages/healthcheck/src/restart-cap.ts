import { clampFuture, elapsedMs, type RestartRecord } from '@ldm/core';

export interface RestartCap {
  max: number;
  windowMin: number;
}

/** This boot and its clock (CLOCK_BOOTTIME, /proc/uptime): ages within a boot that no wall-clock step can bend. */
export interface BootClock {
  bootId: string | null;
  uptimeSec: number | null;
}

/**
 * Pure: how long ago a restart was. Same boot with both boot clocks known: by the boot clock.
 * Otherwise by the wall clock, where a record dated after `now` (written before the clock was set
 * back) counts as just now, not as "forever recent".
 */
export function restartAgeMs(record: RestartRecord, now: Date, boot?: BootClock): number {
  const sameBoot = !!boot?.bootId && record.bootId === boot.bootId;
  return elapsedMs(record.at, now, sameBoot ? { thenSec: record.uptimeSec, nowSec: boot!.uptimeSec } : undefined);
}

/** Pure: restarts (and automatic fixes) of `target` inside the cap's window. */
export function recentRestarts(history: RestartRecord[], target: string, now: Date, cap: RestartCap, boot?: BootClock): RestartRecord[] {
  const windowMs = cap.windowMin * 60_000;
  return history.filter((r) => r.target === target && restartAgeMs(r, now, boot) <= windowMs);
}

/** Pure: whether one more restart of `target` stays within healthcheck.restartCap. */
export function mayRestart(history: RestartRecord[], target: string, now: Date, cap: RestartCap, boot?: BootClock): boolean {
  return recentRestarts(history, target, now, cap, boot).length < cap.max;
}

/** Pure: the fields that date a restart made now. */
export function stampOf(now: Date, boot?: BootClock): Pick<RestartRecord, 'at' | 'bootId' | 'uptimeSec'> {
  return { at: now.toISOString(), ...(boot?.bootId && boot.uptimeSec !== null ? { bootId: boot.bootId, uptimeSec: boot.uptimeSec } : {}) };
}

/**
 * Pure: the history as stored: records older than a day (or the window) dropped, future dates
 * clamped to now (so a backward step closes the cap for one window at most), and records of this
 * boot without a boot clock (older releases, other writers) given one, estimated from their age.
 */
export function pruneRestarts(history: RestartRecord[], now: Date, cap: RestartCap, boot?: BootClock): RestartRecord[] {
  const keepMs = Math.max(cap.windowMin * 60_000, 86_400_000);
  return history
    .filter((r) => restartAgeMs(r, now, boot) <= keepMs)
    .map((r) => {
      const at = clampFuture(r.at, now);
      if (r.bootId || !boot?.bootId || boot.uptimeSec === null) return at === r.at ? r : { ...r, at };
      const ageSec = restartAgeMs(r, now) / 1000;
      return ageSec <= boot.uptimeSec ? { ...r, at, bootId: boot.bootId, uptimeSec: boot.uptimeSec - ageSec } : { ...r, at };
    })
    .slice(-200);
}
