// Known-fix replay (bench/replay/): precision (a suggestion is the fix that worked for that
// failure) and recall (a recurrence gets its fix). Run: `node bench/replay.mjs` (builds first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, IncidentEngine } from '@ldm/core';
import { replayKnownFixes } from '../replay/replay-known-fixes';
import { DISTRACTORS, SCENARIOS } from '../replay/scenarios';

const dir = mkdtempSync(join(tmpdir(), 'ldm-replay-'));
try {
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const engine = new IncidentEngine(new DocumentStore({ stateDir: dir }), { now: () => new Date((clock += 60_000)) });
  const r = await replayKnownFixes(engine);
  const f = (n: number): string => n.toFixed(3);
  console.log(`known-fix replay: ${SCENARIOS.length} failure kinds learned once and replayed twice, ${DISTRACTORS.length} near misses`);
  console.log(`queries ${r.queries.length} (record, whole log, its first cause line, that line without a subject)`);
  console.log(`suggestions ${r.suggestions}, right ${r.correct}: precision ${f(r.precision)}`);
  console.log(`recurrences ${r.expected}, got their fix ${r.queries.filter((q) => q.expected && JSON.stringify(q.got) === JSON.stringify(q.expected)).length}: recall ${f(r.recall)}`);
  for (const q of r.queries) {
    const ok = JSON.stringify(q.got) === JSON.stringify(q.expected);
    if (!ok) console.log(`  ${q.got === null ? 'missed' : 'WRONG '} [${q.phase}/${q.via}] ${q.scenario}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
