import { sha256Hex12 } from '../node/on-demand';
import { cutText } from '../text/cut-text';

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

/**
 * Longest template, in UTF-16 units, made or read back (PatternSchema): a template names a kind of
 * event, and a longer one is data. It also bounds the regex work of masking, whose backtracking
 * overflows V8's stack on a long enough run of digits (10 MB of them).
 */
export const MAX_TEMPLATE_CHARS = 2048;

// Fixed, so that lines cut at the same place get the same template and id whatever their length.
const TEMPLATE_CUT = ' <cut>';

/** Pure: a template cut to MAX_TEMPLATE_CHARS at a token boundary, marked with " <cut>". */
export function capTemplate(template: string): string {
  return cutText(template, MAX_TEMPLATE_CHARS, () => TEMPLATE_CUT);
}

/** Pure: replaces variable parts of a message with <*> and collapses whitespace. At most MAX_TEMPLATE_CHARS long. */
export function maskMessage(text: string): string {
  // Only the head that can reach the template is masked: the work is bounded whatever the input.
  const head = text.length > MAX_TEMPLATE_CHARS ? text.slice(0, MAX_TEMPLATE_CHARS) : text;
  let out = head.trim().replace(/\s+/g, ' ');
  for (const [re, replacement] of RULES) out = out.replace(re, replacement);
  out = out.replace(/(?:<\*>[ ,.:/-]?){2,}/g, (m) => (m.endsWith(' ') ? '<*> ' : '<*>'));
  if (head.length === text.length) return capTemplate(out);
  // The head's last token may be a fragment: drop it, so the template ends on whole tokens.
  const lastSpace = out.lastIndexOf(' ');
  return capTemplate((lastSpace > 0 ? out.slice(0, lastSpace) : out) + TEMPLATE_CUT);
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
