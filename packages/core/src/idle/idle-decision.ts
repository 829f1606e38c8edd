export interface IdleInput {
  now: Date;
  /** Busy CPU since the previous sample, percent; null on the first sample or after a reboot. */
  cpuPercent: number | null;
  /** The newest MCP activity seen, or when watching began if there never was any. */
  lastActivity: Date;
  /** Time without activity on the boot clock (activity-clock.ts); the wall clock when absent. */
  quietMs?: number;
  cpuThreshold: number;
  minutes: number;
  tooSoon?: boolean;
}

export interface IdleDecision {
  /** null: cannot tell yet (no CPU delta); the mode stays as it is. */
  idle: boolean | null;
  reason: string;
}

/** Pure: idle = CPU below idle.cpuPercent and no MCP activity for idle.minutes. */
export function decideIdle(input: IdleInput): IdleDecision {
  const quietMin = (input.quietMs ?? input.now.getTime() - input.lastActivity.getTime()) / 60_000;
  if (input.cpuPercent === null) return { idle: null, reason: input.tooSoon ? 'previous sample too recent to measure CPU' : 'no previous sample in this boot: no CPU figure yet' };
  if (input.cpuPercent >= input.cpuThreshold) return { idle: false, reason: `CPU at or above ${input.cpuThreshold}%` };
  if (quietMin < input.minutes) return { idle: false, reason: `MCP activity ${Math.round(quietMin)} min ago (idle after ${input.minutes})` };
  return { idle: true, reason: `CPU below ${input.cpuThreshold}% and no MCP activity for ${Math.round(quietMin)} min` };
}
