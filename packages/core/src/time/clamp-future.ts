/**
 * Pure: `iso` if it is not after `now`, else `now` (as ISO). State written before the wall clock
 * was set back would otherwise read as "in the future" for as long as the step: a last activity
 * that keeps a host awake for a day, a restart that keeps the cap closed. Unparsable stays as is.
 */
export function clampFuture(iso: string, now: Date): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) && t > now.getTime() ? now.toISOString() : iso;
}

/**
 * Pure: milliseconds from `iso` to `now`, never negative. `boot` (seconds since boot, CLOCK_BOOTTIME
 * from /proc/uptime, for both ends in the same boot) wins over the wall clock when both ends have it.
 */
export function elapsedMs(iso: string, now: Date, boot?: { thenSec?: number | null; nowSec?: number | null }): number {
  if (boot && typeof boot.thenSec === 'number' && typeof boot.nowSec === 'number') return Math.max(0, (boot.nowSec - boot.thenSec) * 1000);
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.max(0, now.getTime() - t) : Infinity;
}
