import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore } from '../../src/state/document-store';
import { boundIncidents } from '../../src/state/bound-incidents';
import { boundPatterns, boundState } from '../../src/state/bound-state';
import { documentText, recordBytes } from '../../src/state/document-text';
import type { Incident, IncidentsDoc, PatternsDoc, StateDoc } from '../../src/state/schemas';
import type { Logger } from '../../src/log/logger';

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
const incident = (n: number, status: 'open' | 'resolved', evidence = 10): Incident => ({
  id: `i${n}`, time: at(n), lastSeen: at(n), count: 1, source: 'healthcheck', severity: 'warn', summary: `s${n}`,
  evidence: Array.from({ length: evidence }, (_, k) => `${n}.${k} ${'x'.repeat(1000)}`), fingerprints: [], status,
});
const bytesOf = (doc: object, key: string) => Buffer.byteLength(documentText(doc as Record<string, unknown>, key));

function recordingLogger(): Logger & { lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  const at = (level: string) => (message: string) => void lines.push([level, message]);
  return { lines, debug: at('debug'), info: at('info'), notice: at('notice'), warn: at('warn'), error: at('error') } as never;
}

describe('document text', () => {
  it('is one JSON value with one record per line, and a record costs its line', () => {
    const doc = { version: 1, incidents: [incident(1, 'open', 1), incident(2, 'open', 1)] };
    const text = documentText(doc, 'incidents');
    expect(JSON.parse(text)).toEqual(doc);
    expect(text.split('\n')).toHaveLength(5);
    expect(Buffer.byteLength(text)).toBe(bytesOf({ ...doc, incidents: [] }, 'incidents') + doc.incidents.reduce((a, i) => a + recordBytes(i), 0));
  });
});

describe('each document total is bounded', () => {
  it('incidents: the evidence of the oldest resolved goes first, then the oldest resolved, and open ones last', () => {
    const doc: IncidentsDoc = { version: 1, incidents: [incident(1, 'resolved'), incident(2, 'open'), incident(3, 'resolved'), incident(4, 'open')] };
    const full = bytesOf(doc, 'incidents');
    const one = recordBytes(incident(1, 'resolved'));
    const lighter = boundIncidents(doc, { maxIncidents: 100, maxBytes: full - one / 2 }, full);
    expect(lighter.trimmed).toMatchObject({ evidenceTrimmed: 1, droppedResolved: 0, droppedOpen: 0 });
    expect(lighter.doc.incidents[0]!.evidence).toHaveLength(1);
    expect(lighter.doc.incidents.slice(1)).toEqual(doc.incidents.slice(1));
    expect(bytesOf(lighter.doc, 'incidents')).toBeLessThanOrEqual(full - one / 2);

    const tight = boundIncidents(doc, { maxIncidents: 100, maxBytes: 2 * one }, full);
    expect(tight.doc.incidents.map((i) => i.id)).toEqual(['i2', 'i4']);
    expect(tight.trimmed.droppedOpen).toBe(0);
    expect(bytesOf(tight.doc, 'incidents')).toBeLessThanOrEqual(2 * one);

    const tighter = boundIncidents(doc, { maxIncidents: 100, maxBytes: 350 }, full);
    expect(tighter.doc.incidents.map((i) => i.id)).toEqual(['i4']);
    expect(tighter.trimmed).toMatchObject({ droppedResolved: 2, droppedOpen: 1, droppedOpenIds: ['i2'] });
    expect(bytesOf(tighter.doc, 'incidents')).toBeLessThanOrEqual(350);
  });

  it('incidents within both bounds are returned as they are', () => {
    const doc: IncidentsDoc = { version: 1, incidents: [incident(1, 'open')] };
    expect(boundIncidents(doc, { maxIncidents: 5, maxBytes: 1e9 }, bytesOf(doc, 'incidents')).doc).toBe(doc);
  });

  it('state: the largest unknown fields go first, then the digests; known fields stay', () => {
    const doc = { version: 1, mode: 'active', sessions: [], alerts: [], restarts: [], big: 'b'.repeat(5000), small: 's'.repeat(100), digests: { d: 'd'.repeat(300) } } as unknown as StateDoc;
    const known = new Set(['version', 'mode', 'sessions', 'alerts', 'restarts', 'digests']);
    const bytes = bytesOf(doc, '');
    expect(boundState(doc, bytes - 1000, bytes, known).dropped).toEqual(['big']);
    const out = boundState(doc, 200, bytes, known);
    expect(out.dropped).toEqual(['big', 'small', 'digests']);
    expect(Object.keys(out.doc).sort()).toEqual(['alerts', 'mode', 'restarts', 'sessions', 'version']);
  });

  it('patterns: those without a fix go first, least recently seen first', () => {
    const pattern = (n: number, fix: boolean) => ({
      id: `p${n}`, fingerprint: `f${n}`, template: 't'.repeat(1000), subjects: [], sources: [], count: 1, firstSeen: at(n), lastSeen: at(n), sinceBootSec: [], checks: [],
      resolutions: fix ? [{ action: 'a', commands: [], successes: 1, failures: 0, recent: [] }] : [],
    });
    const doc: PatternsDoc = { version: 1, patterns: [pattern(1, true), pattern(2, false), pattern(3, false)] };
    const bytes = bytesOf(doc, 'patterns');
    const out = boundPatterns(doc, bytes - 500, bytes);
    expect(out.doc.patterns.map((p) => p.id)).toEqual(['p1', 'p3']);
    expect(boundPatterns(doc, 1200, bytes)).toMatchObject({ dropped: 3, droppedWithFix: 1 });
  });

  it('on write: the store keeps incidents.json within its limit and logs open incidents it had to drop at error', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ldm-limits-'));
    const logger = recordingLogger();
    const store = new DocumentStore({ stateDir, logger, limits: { incidents: { maxBytes: 6_000, hardMaxBytes: 60_000 } } });
    for (let n = 0; n < 10; n++) await store.update('incidents', (doc) => void doc.incidents.push(incident(n, n < 8 ? 'resolved' : 'open')));
    expect(statSync(join(stateDir, 'incidents.json')).size).toBeLessThanOrEqual(6_000);
    const kept = (await store.read('incidents')).incidents;
    expect(kept.filter((i) => i.status === 'open').map((i) => i.id)).toEqual(['i8', 'i9']);
    expect(logger.lines.some(([level]) => level === 'error')).toBe(false);
    for (let n = 10; n < 40; n++) await store.update('incidents', (doc) => void doc.incidents.push(incident(n, 'open')));
    expect(statSync(join(stateDir, 'incidents.json')).size).toBeLessThanOrEqual(6_000);
    expect(logger.lines.filter(([level, line]) => level === 'error' && line.includes('i8')).length).toBeGreaterThan(0);
  });

  it('on read: a document over its hard limit is moved aside byte for byte unread, with an incident', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ldm-limits-'));
    const logger = recordingLogger();
    const big = `${JSON.stringify({ version: 1, mode: 'active', huge: 'h'.repeat(300_000) })}\n`;
    writeFileSync(join(stateDir, 'state.json'), big);
    const store = new DocumentStore({ stateDir, logger, limits: { state: { maxBytes: 100_000, hardMaxBytes: 200_000 } } });
    const state = await store.read('state');
    expect((state as Record<string, unknown>).huge).toBeUndefined();
    const aside = readdirSync(stateDir).filter((f) => f.startsWith('state.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(stateDir, aside[0]!), 'utf8')).toBe(big);
    expect((await store.read('incidents')).incidents.map((i) => i.source)).toEqual(['store']);
    expect(logger.lines.some(([level, line]) => level === 'error' && line.includes('state.json'))).toBe(true);
  });

  it('on write: an unknown field that would take state.json over its limit is dropped, known ones kept', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ldm-limits-'));
    writeFileSync(join(stateDir, 'state.json'), JSON.stringify({ version: 1, mode: 'standby', huge: 'h'.repeat(150_000) }));
    const store = new DocumentStore({ stateDir, limits: { state: { maxBytes: 100_000, hardMaxBytes: 200_000 } } });
    await store.update('state', () => {});
    const written = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
    expect(written.huge).toBeUndefined();
    expect(written.mode).toBe('standby');
  });
});
