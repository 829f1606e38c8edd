import * as z from 'zod';
import { cutText } from '../text/cut-text';

// Apart from the other document schemas, so that a reader of alerts alone (the briefing) does not
// build them all.

export const SEVERITIES = ['info', 'warn', 'crit'] as const;

/** Sort order: crit, then warn, then info; an unknown severity (a newer release's) last. */
export function mostSevereFirst(a: string, b: string): number {
  const rank = (s: string) => (SEVERITIES as readonly string[]).indexOf(s);
  return rank(b) - rank(a);
}

/** Longest alert message kept, in UTF-16 units: cut on write and on read, so one alert cannot grow state.json or a reply without bound. */
export const MAX_ALERT_MESSAGE_CHARS = 4096;

export const AlertSchema = z.looseObject({
  id: z.string(),
  source: z.string(),
  severity: z.enum(SEVERITIES),
  message: z.string().overwrite((m) => cutText(m, MAX_ALERT_MESSAGE_CHARS)),
  since: z.string(),
});
