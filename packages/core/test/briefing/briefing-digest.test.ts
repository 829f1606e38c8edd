import { describe, expect, test } from '@jest/globals';
import { DIGEST_LINES, digestIncidents, digestPatterns, mostSevereFirst, rankPatterns, usableDigest, type Incident, type Pattern } from '@ldm/core';

const now = new Date('2026-11-24T06:00:00Z');
const iso = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();

function incident(n: number, over: Partial<Incident> = {}): Incident {
  return { id: `inc-${n}`, time: iso(n), lastSeen: iso(n), count: 1, source: 'mcp', severity: 'warn', summary: `s${n}`, evidence: [], fingerprints: [], status: 'open', ...over };
}

function pattern(n: number, over: Partial<Pattern> = {}): Pattern {
  return {
    id: `pat-${n}`, fingerprint: `f${n}`, template: `t${n} <*>`, subjects: [], sources: [], count: 2, firstSeen: iso(9000), lastSeen: iso(n), sinceBootSec: [], checks: [],
    resolutions: [], ...over,
  };
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe('mostSevereFirst', () => {
  test('orders crit, warn, info, and a severity this release does not know last', () => {
    expect(['info', 'dire', 'crit', 'warn', 'info'].sort(mostSevereFirst)).toEqual(['crit', 'warn', 'info', 'info', 'dire']);
  });
});

describe('digestIncidents', () => {
  test('keeps the open incidents only, most severe first, then the most recent', () => {
    const doc = {
      version: 1 as const,
      incidents: [
        incident(1, { severity: 'info' }), incident(2, { status: 'resolved', severity: 'crit' }), incident(3, { severity: 'crit' }),
        incident(4), incident(5, { severity: 'crit' }), incident(0),
      ],
    };
    const digest = digestIncidents(doc, null);
    expect(digest.total).toBe(5);
    expect(digest.lines.map((l) => l.id)).toEqual(['inc-3', 'inc-5', 'inc-0', 'inc-4', 'inc-1']);
  });

  test(`holds at most ${DIGEST_LINES} lines but counts them all, and flattens and cuts long texts`, () => {
    const incidents = Array.from({ length: 100 }, (_, n) => incident(n, { summary: `line\n\n  two   ${'x'.repeat(400)}` }));
    const digest = digestIncidents({ version: 1, incidents }, { ino: 1, size: 2, mtimeMs: 3 });
    expect(digest.total).toBe(100);
    expect(digest.lines).toHaveLength(DIGEST_LINES);
    expect(digest.lines[0]!.summary).toMatch(/^line two x+$/);
    expect(digest.lines[0]!.summary).toHaveLength(160);
    expect(digest.stamp).toEqual({ ino: 1, size: 2, mtimeMs: 3 });
  });
});

describe('digestPatterns', () => {
  test('keeps patterns seen more than once or with a fix, in rank order, with the best fix', () => {
    const patterns = [
      pattern(1, { count: 1 }),
      pattern(2, { count: 1, resolutions: [{ action: 'a2', commands: [], successes: 1, failures: 0, recent: [] }] }),
      pattern(3, { count: 40, resolutions: [{ action: 'bad', commands: [], successes: 0, failures: 3, recent: [] }, { action: 'good', commands: [], successes: 3, failures: 1, recent: [] }] }),
    ];
    const digest = digestPatterns({ version: 1, patterns }, null, now);
    expect(digest.total).toBe(2);
    expect(digest.lines.map((l) => l.id)).toEqual(['pat-3', 'pat-2']);
    expect(digest.lines[0]!.fix).toEqual({ action: 'good', successes: 3, failures: 1 });
  });

  test('the order taken now is the order a reader computes days later', () => {
    // Recency decays every pattern by the same factor as time passes, so a digest stays right.
    const next = random(7);
    for (let round = 0; round < 20; round++) {
      const patterns = Array.from({ length: 60 }, (_, n) =>
        pattern(n, {
          count: 1 + Math.floor(next() * 50),
          lastSeen: iso(Math.floor(next() * 60 * 24 * 30)),
          resolutions: next() < 0.5 ? [] : [{ action: `fix${n}`, commands: [], successes: Math.floor(next() * 5), failures: Math.floor(next() * 5), recent: [] }],
        }),
      );
      const taken = digestPatterns({ version: 1, patterns }, null, now).lines.map((l) => l.id);
      const later = new Date(now.getTime() + 40 * 86_400_000);
      const recomputed = rankPatterns(patterns, later).filter((p) => p.count > 1 || p.resolutions.length).slice(0, DIGEST_LINES).map((p) => p.id);
      expect(taken).toEqual(recomputed);
    }
  });
});

describe('usableDigest', () => {
  const stamp = { ino: 10, size: 200, mtimeMs: 1_700_000_000_123.456 };
  const held = { incidents: digestIncidents({ version: 1, incidents: [incident(1)] }, stamp) };

  test('returns the digest while the file is the one it was taken from', () => {
    expect(usableDigest(held, 'incidents', { ...stamp })).toEqual(held.incidents);
  });

  test.each([
    ['another inode', { ...stamp, ino: 11 }],
    ['another size', { ...stamp, size: 201 }],
    ['another mtime', { ...stamp, mtimeMs: stamp.mtimeMs + 0.001 }],
    ['no file now', null],
  ])('is null for %s', (_, current) => {
    expect(usableDigest(held, 'incidents', current)).toBeNull();
  });

  test.each([
    ['no digests', undefined],
    ['a string', 'garbage'],
    ['the other document only', { patterns: digestPatterns({ version: 1, patterns: [] }, stamp, now) }],
    ['an unknown format', { incidents: { ...held.incidents, format: 2 } }],
    ['lines of the wrong shape', { incidents: { ...held.incidents, lines: [{ id: 1 }] } }],
  ])('is null for %s', (_, digests) => {
    expect(usableDigest(digests, 'incidents', stamp)).toBeNull();
  });
});
