import { findKnownFixes, knownFixQuery, LineOwners, loadFingerprinter, type Alert, type FingerprinterState, type Pattern } from '@ldm/core';
import * as z from 'zod';

export const OpsContextSchema = z.object({
  alerts: z.array(z.object({ id: z.string(), severity: z.string(), message: z.string(), since: z.string() })),
  known_fixes: z.array(
    z.object({
      pattern_id: z.string(),
      matched_line: z.string(),
      template: z.string(),
      fix: z.string(),
      commands: z.array(z.string()),
      worked: z.number(),
      failed: z.number(),
      confidence: z.number(),
    }),
  ),
});
export type OpsContext = z.infer<typeof OpsContextSchema>;

export interface OpsContextInput {
  /** Output lines of the command or journal the model is about to read. */
  lines: string[];
  /** The unit or program the output is about, when known. */
  subject?: string;
  alerts: Alert[];
  patterns: Pattern[];
  /** The incident engine's log parser from patterns.json, so lines match patterns by group. */
  fingerprinter?: FingerprinterState;
  minConfidence: number;
}

// Only lines that look like trouble are matched: matching every line of a 2,000-line journal
// against every pattern costs time and finds coincidences.
const TROUBLE = /error|fail|fatal|panic|denied|refused|cannot|can't|unable|timed? ?out|no space|out of memory|oom|killed|critical|exception|segfault|emerg|abort/i;
const MAX_LINES = 400;
const MAX_FIXES = 3;
const MAX_ALERTS = 3;

/** Pure: the active alerts and the known patterns whose template matches a line of the output. */
export function buildOpsContext(input: OpsContextInput): OpsContext | null {
  const alerts = input.alerts.slice(0, MAX_ALERTS).map((a) => ({ id: a.id, severity: a.severity, message: a.message, since: a.since }));
  const fixes: OpsContext['known_fixes'] = [];
  const seen = new Set<string>();
  if (input.patterns.some((p) => p.resolutions.length)) {
    const candidates = input.lines.filter((l) => TROUBLE.test(l)).slice(-MAX_LINES);
    const fp = input.fingerprinter ? loadFingerprinter({ fingerprinter: input.fingerprinter }) : null;
    const owners = new LineOwners(input.patterns, fp ? (f) => fp.resolve(f) : undefined);
    for (const line of candidates) {
      const [fix] = findKnownFixes(input.patterns, knownFixQuery(fp, line, input.subject), input.minConfidence, 1, owners);
      if (!fix || seen.has(fix.patternId)) continue;
      seen.add(fix.patternId);
      fixes.push({
        pattern_id: fix.patternId,
        matched_line: line.length > 200 ? `${line.slice(0, 200)}…` : line,
        template: fix.template,
        fix: fix.action,
        commands: fix.commands,
        worked: fix.successes,
        failed: fix.failures,
        confidence: Math.round(fix.confidence * 100) / 100,
      });
      if (fixes.length >= MAX_FIXES) break;
    }
  }
  if (!alerts.length && !fixes.length) return null;
  return { alerts, known_fixes: fixes };
}

/** "2026-11-24T04:30:00+0000 host unit[123]: message" -> "message". */
export function stripJournalPrefix(line: string): string {
  const m = /^\d{4}-\d{2}-\d{2}T\S+\s+\S+\s+[^:\s]+(?:\[\d+\])?:\s(.*)$/.exec(line);
  return m ? m[1]! : line;
}

/** Pure: the short text appended to a tool result. */
export function opsContextText(ctx: OpsContext): string {
  const parts: string[] = ['ops context:'];
  for (const a of ctx.alerts) parts.push(`- active alert [${a.severity}] ${a.message} (since ${a.since})`);
  for (const f of ctx.known_fixes) {
    parts.push(
      `- known pattern ${f.pattern_id} matches "${f.matched_line}": fix \`${f.fix}\` worked ${f.worked} of ${f.worked + f.failed} times` +
        ' (check it applies before running it)',
    );
  }
  return parts.join('\n');
}
