import type * as z from 'zod';

// Pure helpers for naming a misspelt config key: which keys the schema allows at a path, and
// which of them the typo is closest to.

interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Pure: the object keys `schema` allows at `path`, or [] when the path does not lead to an object. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  for (let i = 0; node && i <= path.length; ) {
    const def = defOf(node);
    if (def.innerType) {
      node = def.innerType; // optional, default, prefault, nullable: look through
    } else if (def.type === 'object' && def.shape) {
      if (i === path.length) return Object.keys(def.shape);
      node = def.shape[String(path[i])];
      i++;
    } else {
      return [];
    }
  }
  return [];
}

/** Pure: Levenshtein distance, capped at `max + 1` (long words give up early). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** Pure: the known key closest to `typo` (within 2 edits, or a case/dash difference), if any. */
export function nearestKey(typo: string, known: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const exactish = known.find((k) => fold(k) === fold(typo));
  if (exactish) return exactish;
  const max = typo.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = max + 1;
  for (const k of known) {
    const d = distance(typo.toLowerCase(), k.toLowerCase(), max);
    if (d < bestD) [best, bestD] = [k, d];
  }
  // "dsik" -> "disk" is a transposition: two edits for Levenshtein, one for a human.
  if (!best) best = known.find((k) => k.length === typo.length && [...k].sort().join('') === [...typo].sort().join(''));
  // "heartbeatStale" for "heartbeatStaleSec": a unit left off, or one too many.
  if (!best && typo.length >= 4) best = known.find((k) => fold(k).startsWith(fold(typo)) || (k.length >= 4 && fold(typo).startsWith(fold(k))));
  return best;
}
