import * as z from 'zod';

// Apart from the other document schemas, so that a reader of alerts alone (the briefing) does not
// build them all.

export const SEVERITIES = ['info', 'warn', 'crit'] as const;

/** Sort order: crit, then warn, then info; an unknown severity (a newer release's) last. */
export function mostSevereFirst(a: string, b: string): number {
  const rank = (s: string) => (SEVERITIES as readonly string[]).indexOf(s);
  return rank(b) - rank(a);
}

export const AlertSchema = z.looseObject({
  id: z.string(),
  source: z.string(),
  severity: z.enum(SEVERITIES),
  message: z.string(),
  since: z.string(),
});
