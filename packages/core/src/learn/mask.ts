import { sha256Hex12 } from '../node/on-demand';

// A deterministic template for short incident texts (summaries, single error lines).
// The online log parser (fingerprint/) groups streams of log lines; this is its cheap, stateless
// sibling for one-off texts, so the same failure always maps to the same key.
const RULES: Array<[RegExp, string]> = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<*>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<*>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<*>'],
  [/\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b/gi, '<*>'],
  [/\b0x[0-9a-f]+\b/gi, '<*>'],
  [/\b[0-9a-f]{12,}\b/gi, '<*>'],
  [/\b(user|uid|gid|pid|euid|port|rhost|host|session|id|src|dst|ruser)=\S+/gi, '$1=<*>'],
  [/\[\d+\]/g, '[<*>]'],
  [/\b\d+(?:\.\d+)*(?:[a-z]{1,3})?\b/gi, '<*>'],
];

/** Pure: replaces variable parts of a message with <*> and collapses whitespace. */
export function maskMessage(text: string): string {
  let out = text.trim().replace(/\s+/g, ' ');
  for (const [re, replacement] of RULES) out = out.replace(re, replacement);
  return out.replace(/(?:<\*>[ ,.:/-]?){2,}/g, (m) => (m.endsWith(' ') ? '<*> ' : '<*>'));
}

/** A stable 12-hex id for a template. */
export function templateId(template: string): string {
  return sha256Hex12(template);
}

export function tokenSimilarity(a: string, b: string): number {
  const ta = a.split(' ');
  const tb = b.split(' ');
  if (!ta.length || !tb.length) return 0;
  const setB = new Map<string, number>();
  for (const t of tb) setB.set(t, (setB.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of ta) {
    const n = setB.get(t) ?? 0;
    if (n > 0) {
      common++;
      setB.set(t, n - 1);
    }
  }
  return (2 * common) / (ta.length + tb.length);
}
