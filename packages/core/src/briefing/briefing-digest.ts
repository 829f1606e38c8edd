import * as z from 'zod';
import { bestResolution, rankPatterns } from '../learn/rank-patterns';
import { compareCodeUnits } from '../text/compare-code-units';
import { escapeControlChars } from '../text/control-chars';
import { redactSecrets } from '../redact/redact-secrets';
import { mostSevereFirst } from '../state/alert-schema';
import type { IncidentsDoc, PatternsDoc } from '../state/schemas';
import { FileStampSchema, sameStamp, type FileStamp } from '../state/file-stamp';


// What a briefing shows of incidents.json and patterns.json, kept in state.json by the writers
// of those files. A program that starts on a host with months of history then reads a few
// kilobytes instead of parsing and validating every incident and pattern. The digest names the
// file it was taken from (inode, size, mtime); a reader uses it only while the file still
// matches, and reads the whole file otherwise.

/** More lines than a 2 KB briefing can show, of either kind. */
export const DIGEST_LINES = 32;
/** A briefing line is cut at 160 characters; a longer text could never show. */
const DIGEST_TEXT_CHARS = 160;

export const OpenIncidentLineSchema = z.object({
  id: z.string(),
  severity: z.string(),
  summary: z.string(),
  count: z.number(),
  lastSeen: z.string(),
});

export const RecurringPatternLineSchema = z.object({
  id: z.string(),
  template: z.string(),
  count: z.number(),
  lastSeen: z.string(),
  fix: z.object({ action: z.string(), successes: z.number(), failures: z.number() }).nullable(),
});

export const IncidentsDigestSchema = z.object({
  format: z.literal(1),
  /** The incidents.json this was taken from; null when there was none. */
  stamp: FileStampSchema.nullable(),
  total: z.number(),
  lines: z.array(OpenIncidentLineSchema),
});

export const PatternsDigestSchema = z.object({
  format: z.literal(1),
  stamp: FileStampSchema.nullable(),
  total: z.number(),
  lines: z.array(RecurringPatternLineSchema),
});

export type OpenIncidentLine = z.infer<typeof OpenIncidentLineSchema>;
export type RecurringPatternLine = z.infer<typeof RecurringPatternLineSchema>;
export type IncidentsDigest = z.infer<typeof IncidentsDigestSchema>;
export type PatternsDigest = z.infer<typeof PatternsDigestSchema>;
export interface BriefingDigests {
  incidents: IncidentsDigest;
  patterns: PatternsDigest;
}
export type DigestedDocument = keyof BriefingDigests;

const DIGEST_SCHEMAS = { incidents: IncidentsDigestSchema, patterns: PatternsDigestSchema } as const;

/**
 * Whitespace runs become one space, as the briefing prints them; secrets are redacted before the
 * cut to what a line can show, which could otherwise leave the start of a token unrecognisable.
 */
function briefText(text: string): string {
  // A summary is text from a log or a model: ESC or NUL in it must not reach the reader's terminal.
  const flat = escapeControlChars(text.replace(/\s+/g, ' ').trim());
  return (flat.length > 0 ? redactSecrets(flat) : flat).slice(0, DIGEST_TEXT_CHARS);
}

/** Pure: the open incidents, most severe first and then the most recent. */
export function digestIncidents(doc: IncidentsDoc, stamp: FileStamp | null): IncidentsDigest {
  const open = doc.incidents
    .filter((i) => i.status === 'open')
    .sort((a, b) => mostSevereFirst(a.severity, b.severity) || compareCodeUnits(b.lastSeen, a.lastSeen));
  return {
    format: 1,
    stamp,
    total: open.length,
    lines: open.slice(0, DIGEST_LINES).map((i) => ({ id: i.id, severity: i.severity, summary: briefText(i.summary), count: i.count, lastSeen: i.lastSeen })),
  };
}

/**
 * Pure: the patterns worth a line (seen more than once, or with a fix), best ranked first.
 * The ranking holds at any later time: recency decays every pattern by the same factor.
 */
export function digestPatterns(doc: PatternsDoc, stamp: FileStamp | null, now: Date): PatternsDigest {
  const recurring = rankPatterns(doc.patterns, now).filter((p) => p.count > 1 || p.resolutions.length);
  return {
    format: 1,
    stamp,
    total: recurring.length,
    lines: recurring.slice(0, DIGEST_LINES).map((p) => {
      const best = bestResolution(p);
      return {
        id: p.id,
        template: briefText(p.template),
        count: p.count,
        lastSeen: p.lastSeen,
        fix: best ? { action: briefText(best.action), successes: best.successes, failures: best.failures } : null,
      };
    }),
  };
}

/**
 * Pure: the digest of `name` held in state.json's `digests`, if it is well formed and was taken
 * from the file as it is now (`current`). Anything else is null: the reader reads the file.
 */
export function usableDigest<N extends DigestedDocument>(digests: unknown, name: N, current: FileStamp | null): BriefingDigests[N] | null {
  const held = digests && typeof digests === 'object' ? (digests as Record<string, unknown>)[name] : undefined;
  if (held === undefined) return null;
  // One parse per run: compiling zod's fast path for it would cost more than it saves.
  const parsed = DIGEST_SCHEMAS[name].safeParse(held, { jitless: true });
  if (!parsed.success || !sameStamp(parsed.data.stamp, current)) return null;
  return parsed.data as BriefingDigests[N];
}
