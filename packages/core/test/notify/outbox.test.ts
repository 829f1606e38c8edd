import { describe, expect, test } from '@jest/globals';
import { backoffSec, boundEvent, enqueue, failingChannels, mergeNotifyState, notifyStateOf, recordResult, takeDue, type NotifyEvent, type OutboxLimits } from '../../src/index';

const LIMITS: OutboxLimits = { dedupMin: 60, maxPerHour: 3, maxAgeMin: 120, retryMinSec: 60, retryMaxSec: 600, maxPending: 5, failingAfter: 3 };
const T0 = new Date('2026-12-01T10:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const CHANNELS = [{ name: 'hook', minSeverity: 'warn' as const }, { name: 'mail', minSeverity: 'crit' as const }];

function event(over: Partial<NotifyEvent> = {}): NotifyEvent {
  return boundEvent({ kind: 'open', check: 'disk', subject: '/', severity: 'warn', summary: 'disk / is 91% full', at: T0.toISOString(), ...over });
}

describe('the notification queue', () => {
  test('an event is queued on each channel that takes its severity', () => {
    const { queued } = enqueue(notifyStateOf(undefined), [event(), event({ subject: '/var', severity: 'crit' })], CHANNELS, T0, LIMITS);
    expect(queued.map((q) => `${q.channel} ${q.event.subject}`)).toEqual(['hook /', 'hook /var', 'mail /var']);
  });

  test('the same event on the same channel is queued once within dedupMin, again after it; test messages never deduplicate', () => {
    let s = enqueue(notifyStateOf({}), [event()], CHANNELS, T0, LIMITS).state;
    const again = enqueue(s, [event()], CHANNELS, at(59), LIMITS);
    expect(again.queued).toHaveLength(0);
    expect(enqueue(again.state, [event()], CHANNELS, at(61), LIMITS).queued).toHaveLength(1);
    s = enqueue(s, [event({ kind: 'test' })], CHANNELS, at(1), LIMITS).state;
    expect(enqueue(s, [event({ kind: 'test' })], CHANNELS, at(2), LIMITS).queued).toHaveLength(2);
  });

  test('a recovery is not a duplicate of the opening', () => {
    const s = enqueue(notifyStateOf({}), [event()], CHANNELS, T0, LIMITS).state;
    expect(enqueue(s, [event({ kind: 'recover' })], CHANNELS, at(5), LIMITS).queued).toHaveLength(1);
  });

  test('past maxPending the oldest are dropped and counted', () => {
    const events = Array.from({ length: 7 }, (_, i) => event({ subject: `/m${i}` }));
    const { state } = enqueue(notifyStateOf({}), events, [CHANNELS[0]!], T0, LIMITS);
    expect(state.pending.map((p) => p.event.subject)).toEqual(['/m2', '/m3', '/m4', '/m5', '/m6']);
    expect(state.dropped).toBe(2);
  });

  test('rate: at most maxPerHour sends per channel an hour; the rest wait, not lost', () => {
    const events = Array.from({ length: 5 }, (_, i) => event({ subject: `/m${i}` }));
    let s = enqueue(notifyStateOf({}), events, [CHANNELS[0]!], T0, LIMITS).state;
    const first = takeDue(s, T0, LIMITS, ['hook']);
    expect(first.due).toHaveLength(3);
    s = first.state;
    for (const d of first.due) s = recordResult(s, d.id, { ok: true }, T0, LIMITS);
    expect(takeDue(s, at(30), LIMITS, ['hook']).due).toHaveLength(0);
    expect(takeDue(s, at(61), LIMITS, ['hook']).due.map((d) => d.event.subject)).toEqual(['/m3', '/m4']);
  });

  test('backoff doubles from retryMinSec up to retryMaxSec', () => {
    expect([1, 2, 3, 4, 5, 40].map((n) => backoffSec(n, LIMITS))).toEqual([60, 120, 240, 480, 600, 600]);
  });

  test('a failed send waits its backoff; the channel is reported failing after failingAfter failures in a row, and recovers on success', () => {
    let s = enqueue(notifyStateOf({}), [event()], [CHANNELS[0]!], T0, LIMITS).state;
    const id = s.pending[0]!.id;
    let now = T0;
    for (let i = 0; i < 3; i++) {
      const due = takeDue(s, now, LIMITS, ['hook']);
      expect(due.due.map((d) => d.id)).toEqual([id]);
      s = recordResult(due.state, id, { ok: false, error: 'HTTP 502' }, now, LIMITS);
      expect(takeDue(s, new Date(now.getTime() + backoffSec(i + 1, LIMITS) * 1000 - 1), LIMITS, ['hook']).due).toHaveLength(0);
      now = new Date(now.getTime() + backoffSec(i + 1, LIMITS) * 1000);
      if (i < 2) expect(failingChannels(s, LIMITS, ['hook'])).toEqual([]);
    }
    expect(failingChannels(s, LIMITS, ['hook'])).toEqual([{ name: 'hook', failures: 3, lastError: 'HTTP 502', since: T0.toISOString() }]);
    s = recordResult(s, id, { ok: true }, now, LIMITS);
    expect(s.pending).toHaveLength(0);
    expect(failingChannels(s, LIMITS, ['hook'])).toEqual([]);
  });

  test('an item older than maxAgeMin, or for a channel no longer configured, is dropped', () => {
    let s = enqueue(notifyStateOf({}), [event()], CHANNELS, T0, LIMITS).state;
    s = enqueue(s, [event({ subject: '/x', severity: 'crit' })], [CHANNELS[1]!], T0, LIMITS).state;
    expect(takeDue(s, at(10), LIMITS, ['hook']).state.pending.map((p) => p.channel)).toEqual(['hook']);
    const late = takeDue(s, at(121), LIMITS, ['hook', 'mail']);
    expect(late.state.pending).toHaveLength(0);
    expect(late.state.dropped).toBe(2);
  });

  test('a test message that fails is not retried', () => {
    const s = enqueue(notifyStateOf({}), [event({ kind: 'test' })], [CHANNELS[0]!], T0, LIMITS).state;
    expect(recordResult(s, s.pending[0]!.id, { ok: false, error: 'x' }, T0, LIMITS).pending).toHaveLength(0);
  });

  test('merge under the lock keeps what another program queued meanwhile', () => {
    const snapshot = notifyStateOf({});
    const theirs = enqueue(snapshot, [event({ subject: 'nginx.service', check: 'failed-units' })], [CHANNELS[0]!], at(1), LIMITS).state;
    const mine = enqueue(snapshot, [event()], [CHANNELS[0]!], T0, LIMITS).state;
    const merged = mergeNotifyState(theirs, snapshot, mine, 100);
    expect(merged.pending.map((p) => p.event.subject).sort()).toEqual(['/', 'nginx.service']);
    expect(Object.keys(merged.recent)).toHaveLength(2);
  });

  test('an unreadable stored state is an empty one, never an error', () => {
    expect(notifyStateOf({ pending: 'nonsense' }).pending).toEqual([]);
  });
});
