import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore } from '../../src/state/document-store';
import { INCIDENT_LIMITS, IncidentSchema } from '../../src/state/schemas';
import { MAX_ALERT_MESSAGE_CHARS } from '../../src/state/alert-schema';

const incident = (evidence: string[], summary = 'disk full') => ({
  id: 'i1', time: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z', source: 'healthcheck', severity: 'crit', summary, evidence,
});

describe('bounded documents', () => {
  it('an incident keeps its newest evidence lines, each cut, and says what was cut', () => {
    const lines = Array.from({ length: 100 }, (_, k) => `line ${k} ${'x'.repeat(10_000)}`);
    const parsed = IncidentSchema.parse(incident(lines, 's'.repeat(100_000)));
    expect(parsed.evidence).toHaveLength(INCIDENT_LIMITS.evidenceLines);
    expect(parsed.evidence[0]).toMatch(/^…\[81 earlier evidence lines cut\]$/);
    expect(parsed.evidence[1]).toMatch(/^line 81 x+ …\[\d+ more chars cut\]$/);
    for (const l of parsed.evidence) expect(l.length).toBeLessThanOrEqual(INCIDENT_LIMITS.evidenceLineChars);
    expect(parsed.summary.length).toBeLessThanOrEqual(INCIDENT_LIMITS.summaryChars);
    expect(IncidentSchema.parse(parsed)).toEqual(parsed);
  });

  it('an incident within the limits is left whole', () => {
    expect(IncidentSchema.parse(incident(['a', 'b'])).evidence).toEqual(['a', 'b']);
  });

  it('on disk: one maximal incident and one 10 MB alert stay small', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ldm-bounded-'));
    const store = new DocumentStore({ stateDir });
    await store.update('incidents', (doc) => {
      doc.incidents.push(incident(Array.from({ length: 100 }, () => 'y'.repeat(80_000)), 'z'.repeat(80_000)) as never);
    });
    expect(statSync(join(stateDir, 'incidents.json')).size).toBeLessThan(25_000);
    await store.update('state', (doc) => {
      doc.alerts.push({ id: 'a', source: 'test', severity: 'crit', message: 'm'.repeat(10_000_000), since: '2026-01-01T00:00:00Z' });
    });
    expect(statSync(join(stateDir, 'state.json')).size).toBeLessThan(MAX_ALERT_MESSAGE_CHARS + 2000);
    expect((await store.read('state')).alerts[0]!.message).toMatch(/…\[\d+ more chars cut\]$/);
  });
});
