import { describe, expect, it } from '@jest/globals';
import { applyRecord, type ApplyRecordOptions } from '../../src/learn/apply-record';
import { ENGINE_MAX_TEMPLATES, loadFingerprinter } from '../../src/learn/pattern-fingerprinter';
import type { IncidentsDoc, PatternsDoc } from '../../src/state/schemas';

// applyRecord is the engine's decision with no file and no lock: documents in, documents out.
function world() {
  const docs: { patterns: PatternsDoc; incidents: IncidentsDoc } = { patterns: { version: 1, patterns: [] }, incidents: { version: 1, incidents: [] } };
  const fp = loadFingerprinter(docs.patterns, ENGINE_MAX_TEMPLATES);
  let n = 0;
  const options = (minute: number): ApplyRecordOptions => ({
    now: new Date(Date.UTC(2026, 0, 1, 0, minute)),
    uptimeSec: 100 + minute * 60,
    newId: () => `inc-${++n}`,
    minConfidence: 0.8,
    maxPatterns: 2000,
  });
  return { docs, fp, options };
}

describe('applyRecord (no filesystem)', () => {
  it('a first occurrence opens an incident and founds its pattern', () => {
    const { docs, fp, options } = world();
    const out = applyRecord(docs, fp, { source: 'healthcheck', severity: 'warn', summary: 'nginx.service failed', subject: 'nginx.service' }, options(0));
    expect(out.deduped).toBe(false);
    expect(docs.incidents.incidents.map((i) => i.id)).toEqual(['inc-1']);
    expect(docs.patterns.patterns).toHaveLength(1);
    expect(docs.patterns.patterns[0]).toMatchObject({ count: 1, subjects: ['nginx.service'], sinceBootSec: [100] });
    expect(out.incident.patternId).toBe(docs.patterns.patterns[0]!.id);
  });

  it('the same open problem again is deduped: count, severity raised, evidence merged; the pattern count stays', () => {
    const { docs, fp, options } = world();
    applyRecord(docs, fp, { source: 'healthcheck', severity: 'warn', summary: 'nginx.service failed', subject: 'nginx.service', evidence: ['a'] }, options(0));
    const again = applyRecord(docs, fp, { source: 'healthcheck', severity: 'crit', summary: 'nginx.service failed', subject: 'nginx.service', evidence: ['a', 'b'] }, options(5));
    expect(again.deduped).toBe(true);
    expect(docs.incidents.incidents).toHaveLength(1);
    expect(docs.incidents.incidents[0]).toMatchObject({ count: 2, severity: 'crit', evidence: ['a', 'b'], lastSeen: '2026-01-01T00:05:00.000Z' });
    expect(docs.patterns.patterns[0]!.count).toBe(1);
  });

  it('after the incident is resolved, a recurrence opens a new incident of the same pattern and counts it', () => {
    const { docs, fp, options } = world();
    applyRecord(docs, fp, { source: 'healthcheck', severity: 'warn', summary: 'nginx.service failed', subject: 'nginx.service' }, options(0));
    docs.incidents.incidents[0]!.status = 'resolved';
    const next = applyRecord(docs, fp, { source: 'healthcheck', severity: 'warn', summary: 'nginx.service failed', subject: 'nginx.service' }, options(10));
    expect(next.deduped).toBe(false);
    expect(docs.incidents.incidents.map((i) => i.id)).toEqual(['inc-1', 'inc-2']);
    expect(docs.patterns.patterns).toHaveLength(1);
    expect(docs.patterns.patterns[0]!.count).toBe(2);
  });

  it('another subject is another incident and another pattern', () => {
    const { docs, fp, options } = world();
    applyRecord(docs, fp, { source: 'healthcheck', severity: 'warn', summary: 'unit failed', subject: 'a.service' }, options(0));
    applyRecord(docs, fp, { source: 'healthcheck', severity: 'warn', summary: 'unit failed', subject: 'b.service' }, options(1));
    expect(docs.incidents.incidents).toHaveLength(2);
    expect(new Set(docs.patterns.patterns.map((p) => p.id)).size).toBe(2);
  });
});
