import { describe, expect, test } from '@jest/globals';
import { applyRecord, loadFingerprinter, resolutionAction, type ApplyRecordOptions, type IncidentsDoc, type PatternsDoc, type RecordInput } from '../../src/index';

// The record logic without a filesystem: two plain documents, a parser, and a clock.
function world() {
  const docs = { patterns: { version: 2, patterns: [] } as PatternsDoc, incidents: { version: 1, incidents: [] } as IncidentsDoc };
  const fp = loadFingerprinter({});
  let n = 0;
  const at = (iso: string): ApplyRecordOptions => ({ now: new Date(iso), uptimeSec: 60, newId: () => `inc-${++n}`, minConfidence: 0.8, maxPatterns: 100 });
  const record = (input: RecordInput, iso = '2026-12-01T10:00:00Z') => applyRecord(docs, fp, input, at(iso));
  return { docs, record };
}

const bind = (port: number, pid: number): RecordInput => ({
  source: 'mcp',
  severity: 'crit',
  subject: 'nginx.service',
  summary: 'nginx does not start',
  evidence: [`nginx[${pid}]: nginx: [emerg] bind() to 0.0.0.0:${port} failed (98: Address already in use)`, "nginx.service: Failed with result 'exit-code'."],
});

describe('applyRecord', () => {
  test('an ongoing problem updates its open incident; once closed, it recurs on the same pattern with the fix that worked', () => {
    const w = world();
    const first = w.record(bind(80, 811));
    expect(first).toMatchObject({ deduped: false, suggestion: null });
    expect(w.record(bind(80, 812)).deduped).toBe(true);
    expect(w.docs.incidents.incidents).toHaveLength(1);
    expect(w.docs.incidents.incidents[0]!.count).toBe(2);

    // Resolved by hand here (the engine's resolve does this under its locks).
    const incident = w.docs.incidents.incidents[0]!;
    incident.status = 'resolved';
    const pattern = w.docs.patterns.patterns.find((p) => p.id === first.pattern.id)!;
    pattern.resolutions.push({ action: resolutionAction('freed the port', ['systemctl stop apache2']), commands: ['systemctl stop apache2'], successes: 1, failures: 0, recent: [true], lastUsed: '2026-12-01T10:05:00Z' } as never);

    const again = w.record(bind(8080, 977), '2026-12-02T09:00:00Z');
    expect(again.deduped).toBe(false);
    expect(again.pattern.id).toBe(first.pattern.id);
    expect(again.suggestion?.commands).toEqual(['systemctl stop apache2']);
  });

  test("another unit's failure of the same shape gets no fix from this one, and a different cause of the same unit neither", () => {
    const w = world();
    const first = w.record(bind(80, 811));
    w.docs.incidents.incidents[0]!.status = 'resolved';
    w.docs.patterns.patterns.find((p) => p.id === first.pattern.id)!.resolutions.push({ action: 'systemctl stop apache2', commands: ['systemctl stop apache2'], successes: 3, failures: 0, recent: [true, true, true], lastUsed: '2026-12-01T10:05:00Z' } as never);
    expect(w.record({ ...bind(80, 900), subject: 'haproxy.service' }).suggestion).toBeNull();
    const otherCause = w.record({ ...bind(80, 901), evidence: ['nginx[901]: nginx: [emerg] unknown directive "sever" in /etc/nginx/sites-enabled/x:3', "nginx.service: Failed with result 'exit-code'."] });
    expect(otherCause.suggestion).toBeNull();
  });
});
