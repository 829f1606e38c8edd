import { describe, expect, test } from '@jest/globals';
import { decodeHistory, encodeHistory, addToHistory, assessReclamation, decideIdle, detectShape, figuresSince, hourOf, percentile, referenceMbps, HISTORY_HOURS, type HourBucket } from '@ldm/core';
import { NOW, syntheticHistory } from './history-fixture';

const micro = { shape: 'micro' as const, referenceMbps: 50, warnDays: 4 };

describe('percentile', () => {
  test('nearest rank', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([5], 95)).toBe(5);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
    expect(percentile([1, 100, 2, 3], 50)).toBe(2);
  });
});

describe('history', () => {
  test('samples go into their hour; more than 7 days is dropped; a bucket holds at most 60 samples', () => {
    let h: HourBucket[] = syntheticHistory(7, () => 1);
    expect(h).toHaveLength(HISTORY_HOURS);
    h = addToHistory(h, { at: new Date(NOW.getTime() + 3_600_000), cpuPercent: 12.34, memUsedPercent: 40.6, netBytes: 1000, netSec: 300 });
    expect(h).toHaveLength(HISTORY_HOURS);
    const last = h.at(-1)!;
    expect(last).toEqual({ h: hourOf(NOW) + 1, cpu: [123], mem: [41], netBytes: 1000, netSec: 300 });
    expect(decodeHistory(encodeHistory(h))).toEqual(h);
    expect(decodeHistory('12|1,2|3|4|5;garbage|x;13||||;14|||0|0.5')).toEqual([{ h: 12, cpu: [1, 2], mem: [3], netBytes: 4, netSec: 5 }, { h: 14, cpu: [], mem: [], netBytes: 0, netSec: 0.5 }]);
    let one: HourBucket[] = [];
    for (let i = 0; i < 70; i++) one = addToHistory(one, { at: NOW, cpuPercent: 1, memUsedPercent: 1, netBytes: null, netSec: 60 });
    expect(one[0]!.cpu).toHaveLength(60);
    expect(one[0]!.netSec).toBe(0);
  });
});

describe('assessReclamation', () => {
  test('7 idle days: crit, reclaimable now, with the measured percentiles', () => {
    const r = assessReclamation(syntheticHistory(7, () => 3), NOW, micro);
    expect(r).toMatchObject({ applies: true, status: 'crit', idleStreakDays: 7, completesInDays: 0, cpuP95: 3, hoursOfData: 168 });
    expect(r.netPercent).toBeCloseTo(0.2, 1);
  });

  test('5 idle days after 2 busy ones: warns that the window completes in 2 days', () => {
    const r = assessReclamation(syntheticHistory(7, (ago) => (ago >= 5 * 24 ? 60 : 3)), NOW, micro);
    expect(r).toMatchObject({ status: 'warn', idleStreakDays: 5, completesInDays: 2 });
    expect(r.message).toMatch(/reclaimable in 2 more idle days/);
    expect(r.days.map((d) => d.idle)).toEqual([true, true, true, true, true, false, false]);
  });

  test('one busy hour a day keeps the p95 above 20 %; busy network or (A1) memory also counts', () => {
    // 2 busy hours of 24 = 8.3 % of samples above 20 %: the 95th percentile is busy.
    expect(assessReclamation(syntheticHistory(7, (ago) => (ago % 24 < 2 ? 50 : 1)), NOW, micro).idleStreakDays).toBe(0);
    // 1 busy hour of 24 = 4.2 %: still idle by the p95 rule.
    expect(assessReclamation(syntheticHistory(7, (ago) => (ago % 24 < 1 ? 50 : 1)), NOW, micro).idleStreakDays).toBe(7);
    expect(assessReclamation(syntheticHistory(7, () => 1, { netMbps: 15 }), NOW, micro).status).toBe('ok');
    const a1 = { shape: 'a1' as const, referenceMbps: 2000, warnDays: 4 };
    expect(assessReclamation(syntheticHistory(7, () => 1, { memPct: 30 }), NOW, a1).status).toBe('ok');
    expect(assessReclamation(syntheticHistory(7, () => 1, { memPct: 10 }), NOW, a1).status).toBe('crit');
    // Memory does not count on the micro shape.
    expect(assessReclamation(syntheticHistory(7, () => 1, { memPct: 90 }), NOW, micro).status).toBe('crit');
  });

  test('days with too little data break the streak; other shapes are never warned', () => {
    const sparse = syntheticHistory(7, () => 1).filter((b) => (hourOf(NOW) - b.h) % 24 < 6);
    expect(assessReclamation(sparse, NOW, micro)).toMatchObject({ status: 'ok', idleStreakDays: 0 });
    expect(assessReclamation(syntheticHistory(7, () => 1), NOW, { ...micro, shape: 'other' })).toMatchObject({ applies: false, status: 'ok' });
  });
});

describe('idle decision, shape, sample figures', () => {
  const base = { now: NOW, cpuThreshold: 5, minutes: 30 };
  test('idle needs low CPU and no MCP activity for N minutes', () => {
    expect(decideIdle({ ...base, cpuPercent: 1, lastActivity: new Date(NOW.getTime() - 31 * 60_000) }).idle).toBe(true);
    expect(decideIdle({ ...base, cpuPercent: 1, lastActivity: new Date(NOW.getTime() - 29 * 60_000) }).idle).toBe(false);
    expect(decideIdle({ ...base, cpuPercent: 5, lastActivity: new Date(0) }).idle).toBe(false);
    expect(decideIdle({ ...base, cpuPercent: null, lastActivity: new Date(0) }).idle).toBeNull();
  });

  test('shape: aarch64 is A1, a small x86 host is the micro', () => {
    expect(detectShape({ arch: 'arm64', memTotalBytes: 12 * 1024 ** 3, cpuCount: 2 })).toBe('a1');
    expect(detectShape({ arch: 'x64', memTotalBytes: 0.95 * 1024 ** 3, cpuCount: 2 })).toBe('micro');
    expect(detectShape({ arch: 'x64', memTotalBytes: 24 * 1024 ** 3, cpuCount: 2 })).toBe('other');
    expect(referenceMbps('micro', 2)).toBe(50);
    expect(referenceMbps('a1', 4)).toBe(4000);
    expect(referenceMbps('a1', 4, 480)).toBe(480);
  });

  test('figures come from deltas; another boot gives no CPU figure', () => {
    const reading = (busy: number, idle: number, rx: number, tx: number, bootId = 'b1') => ({
      cpu: { total: busy + idle, idle, cpuCount: 1 },
      mem: { totalBytes: 1000, availableBytes: 250, freeBytes: 100, swapTotalBytes: 0, swapFreeBytes: 0 },
      net: { rxBytes: rx, txBytes: tx },
      bootId,
    });
    const prev = { at: new Date(NOW.getTime() - 300_000).toISOString(), bootId: 'b1', cpuTotal: 1000, cpuIdle: 900, rxBytes: 0, txBytes: 0 };
    expect(figuresSince(prev, reading(200, 1800, 3000, 9000), NOW)).toEqual({ cpuPercent: 10, memUsedPercent: 75, netBytes: 9000, netSec: 300 });
    expect(figuresSince(prev, reading(200, 1800, 3000, 9000, 'b2'), NOW).cpuPercent).toBeNull();
    expect(figuresSince(undefined, reading(200, 1800, 3000, 9000), NOW).cpuPercent).toBeNull();
    const recent = { ...prev, at: new Date(NOW.getTime() - 20_000).toISOString() };
    expect(figuresSince(recent, reading(200, 1800, 3000, 9000), NOW)).toMatchObject({ cpuPercent: null, tooSoon: true });
  });

  test('history: a sample after the clock was set back a day keeps the hours "ahead" of it; hours a week ahead or behind go', () => {
    const at = (h: number) => new Date(h * 3_600_000);
    const h0 = 500_000;
    const sample = (h: number) => ({ at: at(h), cpuPercent: 1, memUsedPercent: 10, netBytes: 0, netSec: 300 });
    let history = addToHistory([], sample(h0));
    for (let h = h0 + 1; h <= h0 + 24; h++) history = addToHistory(history, sample(h));
    const after = addToHistory(history, sample(h0));
    expect(after.map((b) => b.h)).toEqual(history.map((b) => b.h));
    expect(after.find((b) => b.h === h0)!.cpu).toHaveLength(2);
    expect(addToHistory(history, sample(h0 - HISTORY_HOURS)).map((b) => b.h)).toEqual([h0 - HISTORY_HOURS]);
  });
});
