import { describe, test, expect } from '@jest/globals';
import { killProcessGroup, signalGroup } from '../../src/exec/kill-group';

function fakeDeps(gone = false) {
  const sent: Array<[number, string]> = [];
  const timers: Array<() => void> = [];
  return {
    sent,
    timers,
    deps: {
      kill: (pid: number, signal: NodeJS.Signals) => {
        sent.push([pid, signal]);
        if (gone) throw Object.assign(new Error('no such process'), { code: 'ESRCH' });
      },
      setTimeout: (fn: () => void) => {
        timers.push(fn);
        return {};
      },
    },
  };
}

describe('killProcessGroup', () => {
  test('TERM to the negative pgid, then KILL after the grace period', () => {
    const f = fakeDeps();
    killProcessGroup(4242, 2000, f.deps);
    expect(f.sent).toEqual([[-4242, 'SIGTERM']]);
    f.timers[0]!();
    expect(f.sent).toEqual([[-4242, 'SIGTERM'], [-4242, 'SIGKILL']]);
  });

  test('a group that is already gone is not an error and gets no KILL timer', () => {
    const f = fakeDeps(true);
    killProcessGroup(4242, 2000, f.deps);
    expect(f.timers).toHaveLength(0);
  });

  test('refuses pgid 0, 1 and negatives (would hit our own group or init)', () => {
    for (const pgid of [0, 1, -5]) expect(() => signalGroup(pgid, 'SIGTERM', fakeDeps().deps)).toThrow(String(pgid));
  });
});
