import { expect, test } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, IncidentEngine } from '@ldm/core';
import { replayKnownFixes } from '../../bench/replay/replay-known-fixes';

// A quality assertion (bench/replay.mjs prints the same figures): a suggestion is the fix that
// worked for that failure, and a recurrence gets its fix.
test('known-fix replay: precision 1.0, recall at least 0.95', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ldm-replay-'));
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const engine = new IncidentEngine(new DocumentStore({ stateDir: dir }), { now: () => new Date((clock += 60_000)) });
  const r = await replayKnownFixes(engine);
  const wrong = r.queries.filter((q) => q.got !== null && JSON.stringify(q.got) !== JSON.stringify(q.expected));
  expect(wrong).toEqual([]);
  expect(r.precision).toBe(1);
  expect(r.recall).toBeGreaterThanOrEqual(0.95);
  expect(r.expected).toBeGreaterThanOrEqual(100);
});
