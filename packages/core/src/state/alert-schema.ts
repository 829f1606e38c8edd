import * as z from 'zod';

// Apart from the other document schemas, so that a reader of alerts alone (the briefing) does not
// build them all.

export const SEVERITIES = ['info', 'warn', 'crit'] as const;

export const AlertSchema = z.looseObject({
  id: z.string(),
  source: z.string(),
  severity: z.enum(SEVERITIES),
  message: z.string(),
  since: z.string(),
});
