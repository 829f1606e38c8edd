// The headline metric of learning: does a recurrence get the fix that worked for it, and is a
// failure that only resembles a learned one left without a suggestion? Replays scenarios.ts
// through the incident engine: learn each failure once, meet the near misses, then replay every
// failure twice with other PIDs, ports, times, hosts and wording.
import type { IncidentEngine, KnownFix } from '@ldm/core';
import { isOutcomeLine } from '@ldm/core';
import { DISTRACTORS, SCENARIOS, VARIANTS, type Scenario, type Variant } from './scenarios';

export interface ReplayQuery {
  scenario: string;
  phase: 'first' | 'near-miss' | 'recurrence';
  /** record: the incident as recorded; output: find_known_fix on the whole log; line: on its first cause line. */
  via: 'record' | 'output' | 'line' | 'line-no-subject';
  expected: string[] | null;
  got: string[] | null;
}

export interface ReplayResult {
  queries: ReplayQuery[];
  suggestions: number;
  correct: number;
  /** Queries that should get a fix. */
  expected: number;
  /** Suggestions that were the fix that worked for that failure. */
  precision: number;
  /** Recurrences that got their fix. */
  recall: number;
}

const same = (a: string[] | null, b: string[] | null): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Replays every scenario through `engine` (a fresh one: an empty state dir). */
export async function replayKnownFixes(engine: IncidentEngine, minConfidence = 0.8): Promise<ReplayResult> {
  const queries: ReplayQuery[] = [];
  const occur = async (s: Scenario, v: Variant, phase: ReplayQuery['phase'], expected: string[] | null): Promise<void> => {
    const lines = s.lines(v);
    const cause = lines.find((l) => !isOutcomeLine(l)) ?? lines[0]!;
    const summary = s.source === 'mcp' ? s.summaries![v.wording % s.summaries!.length]! : cause;
    const ask = (via: ReplayQuery['via'], fix: KnownFix | null | undefined): void => {
      queries.push({ scenario: s.name, phase, via, expected, got: fix && fix.confidence >= minConfidence ? fix.commands : null });
    };
    // Asked before the record, as a model would when it first reads the log.
    ask('output', (await engine.findKnownFixes(lines.join('\n'), s.subject, 1))[0]);
    ask('line', (await engine.findKnownFixes(cause, s.subject, 1))[0]);
    // Without a subject a line logged alike by two units cannot be told apart: asked of true recurrences only.
    if (phase === 'recurrence' && !DISTRACTORS.includes(s)) ask('line-no-subject', (await engine.findKnownFixes(cause, undefined, 1))[0]);
    const rec = await engine.record({ source: s.source, severity: 'crit', subject: s.subject, summary, evidence: lines, fromJournal: s.source !== 'mcp' });
    ask('record', rec.suggestion);
    await engine.resolve({ id: rec.incident.id, ...s.fix, worked: true });
  };
  const [a, b, c] = VARIANTS as [Variant, Variant, Variant];
  for (const s of SCENARIOS) await occur(s, a, 'first', null);
  for (const d of DISTRACTORS) await occur(d, b, 'near-miss', null);
  for (const v of [b, c]) for (const s of SCENARIOS) await occur(s, v, 'recurrence', s.fix.commands);
  for (const d of DISTRACTORS) await occur(d, c, 'recurrence', d.fix.commands);

  const suggested = queries.filter((q) => q.got !== null);
  const correct = suggested.filter((q) => same(q.got, q.expected)).length;
  const expected = queries.filter((q) => q.expected !== null);
  return {
    queries,
    suggestions: suggested.length,
    correct,
    expected: expected.length,
    precision: suggested.length ? correct / suggested.length : 1,
    recall: expected.length ? expected.filter((q) => same(q.got, q.expected)).length / expected.length : 1,
  };
}
