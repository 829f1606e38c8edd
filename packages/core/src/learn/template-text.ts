import { sha256Hex12 } from '../node/on-demand';

// Templates as stored and compared: their id, and the similarity of two of them (their bound:
// text/cap-template.ts).
// Templates themselves come from the log parser (fingerprint/): one generation of fingerprinting.

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
