import { describe, expect, it } from '@jest/globals';
import { markActivity, quietMs } from '../../src/idle/activity-clock';
import { decideIdle } from '../../src/idle/idle-decision';

const MIN = 60_000;
const activity = '2026-06-01T12:00:00.000Z';
const t = (ms: number) => new Date(Date.parse(activity) + ms);

// Samples every 5 minutes on the boot clock; the wall clock steps in between.
function quietAfter(steps: Array<{ uptimeSec: number; wallMs: number }>): number {
  let mark;
  let quiet = NaN;
  for (const s of steps) {
    const reading = { bootId: 'b1', uptimeSec: s.uptimeSec };
    mark = markActivity(mark, activity, t(s.wallMs), reading);
    quiet = quietMs(mark, activity, t(s.wallMs), reading);
  }
  return quiet;
}

describe('"no MCP activity" is measured on the boot clock', () => {
  it('a +1 day wall-clock step does not make a host idle 10 minutes after its last request', () => {
    const quiet = quietAfter([
      { uptimeSec: 1000, wallMs: 2 * MIN },
      { uptimeSec: 1300, wallMs: 7 * MIN },
      { uptimeSec: 1600, wallMs: 86_400_000 + 12 * MIN },
    ]);
    expect(quiet).toBe(12 * MIN);
    expect(decideIdle({ now: t(86_400_000), cpuPercent: 1, lastActivity: new Date(activity), quietMs: quiet, cpuThreshold: 5, minutes: 30 }).idle).toBe(false);
  });

  it('a -1 day step does not hold an idle host awake', () => {
    const quiet = quietAfter([
      { uptimeSec: 1000, wallMs: 2 * MIN },
      { uptimeSec: 1000 + 60 * 60, wallMs: 62 * MIN - 86_400_000 },
    ]);
    expect(quiet).toBe(62 * MIN);
    expect(decideIdle({ now: t(-86_400_000), cpuPercent: 1, lastActivity: new Date(activity), quietMs: quiet, cpuThreshold: 5, minutes: 30 }).idle).toBe(true);
  });

  it('a new boot, or no boot clock, falls back to the wall clock', () => {
    const mark = markActivity(undefined, activity, t(5 * MIN), { bootId: 'b1', uptimeSec: 1000 });
    expect(quietMs(mark, activity, t(20 * MIN), { bootId: 'b2', uptimeSec: 30 })).toBe(20 * MIN);
    expect(markActivity(undefined, activity, t(5 * MIN), { bootId: null, uptimeSec: null })).toBeUndefined();
  });
});
