import type { RestartRecord } from '@ldm/core';

export interface RestartCap {
  max: number;
  windowMin: number;
}

/** Pure: restarts (and automatic fixes) of `target` inside the cap's window. */
export function recentRestarts(history: RestartRecord[], target: string, now: Date, cap: RestartCap): RestartRecord[] {
  const since = now.getTime() - cap.windowMin * 60_000;
  return history.filter((r) => r.target === target && Date.parse(r.at) >= since);
}

/** Pure: whether one more restart of `target` stays within healthcheck.restartCap. */
export function mayRestart(history: RestartRecord[], target: string, now: Date, cap: RestartCap): boolean {
  return recentRestarts(history, target, now, cap).length < cap.max;
}

/** Pure: the history without records older than a day; the cap never looks further back than its window. */
export function pruneRestarts(history: RestartRecord[], now: Date, cap: RestartCap): RestartRecord[] {
  const keepMs = Math.max(cap.windowMin * 60_000, 86_400_000);
  return history.filter((r) => now.getTime() - Date.parse(r.at) <= keepMs).slice(-200);
}
