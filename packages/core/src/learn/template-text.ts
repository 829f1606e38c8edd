import { sha256Hex12 } from '../node/on-demand';
import { cutText } from '../text/cut-text';

// Templates as stored and compared: their bound, their id, and the similarity of two of them.
// Templates themselves come from the log parser (fingerprint/): one generation of fingerprinting.

/**
 * Longest template, in UTF-16 units, made or read back (PatternSchema): a template names a kind of
 * event, and a longer one is data.
 */
export const MAX_TEMPLATE_CHARS = 2048;

// Fixed, so that lines cut at the same place get the same template and id whatever their length.
const TEMPLATE_CUT = ' <cut>';

/** Pure: a template cut to MAX_TEMPLATE_CHARS at a token boundary, marked with " <cut>". */
export function capTemplate(template: string): string {
  return cutText(template, MAX_TEMPLATE_CHARS, () => TEMPLATE_CUT);
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
