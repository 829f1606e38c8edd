import type { PatternsDoc, StateDoc } from './schemas';
import { compareCodeUnits } from '../text/compare-code-units';
import { recordBytes } from './document-text';

// state.json and patterns.json within their byte limits (document-limits.ts). Their known fields
// are bounded one by one (alerts, sessions, history, templates); what can still grow is what a
// newer release or a hand edit put there, which this release carries through without knowing it.

/**
 * Pure: state.json within `maxBytes`: the largest top-level fields this release does not know
 * go first, then the briefing digests (a cache). Returns the names taken out.
 */
export function boundState(doc: StateDoc, maxBytes: number, docBytes: number, knownKeys: ReadonlySet<string>): { doc: StateDoc; dropped: string[] } {
  if (docBytes <= maxBytes) return { doc, dropped: [] };
  const out: Record<string, unknown> = { ...doc };
  const sized = Object.keys(out)
    .filter((k) => !knownKeys.has(k))
    .map((k) => ({ k, bytes: recordBytes(out[k]) + k.length }))
    .sort((a, b) => b.bytes - a.bytes);
  if ('digests' in out) sized.push({ k: 'digests', bytes: recordBytes(out.digests) });
  const dropped: string[] = [];
  let total = docBytes;
  for (const { k, bytes } of sized) {
    if (total <= maxBytes) break;
    delete out[k];
    dropped.push(k);
    total -= bytes;
  }
  return { doc: out as StateDoc, dropped };
}

/**
 * Pure: patterns.json within `maxBytes`, least recently seen first: patterns without a learned fix
 * go first; those with one (what the suite has learned) only if that is not enough, and are counted
 * apart so the caller can say so.
 */
export function boundPatterns(doc: PatternsDoc, maxBytes: number, docBytes: number): { doc: PatternsDoc; dropped: number; droppedWithFix: number } {
  if (docBytes <= maxBytes) return { doc, dropped: 0, droppedWithFix: 0 };
  const sizes = doc.patterns.map(recordBytes);
  const byAge = doc.patterns
    .map((p, index) => ({ p, index }))
    .sort((a, b) => compareCodeUnits(a.p.lastSeen, b.p.lastSeen) || a.index - b.index);
  const drop = new Set<number>();
  let droppedWithFix = 0;
  let total = docBytes;
  for (const withFix of [false, true]) {
    for (const { p, index } of byAge) {
      if (total <= maxBytes) break;
      if ((p.resolutions.length > 0) !== withFix) continue;
      drop.add(index);
      if (withFix) droppedWithFix++;
      total -= sizes[index]!;
    }
  }
  if (!drop.size) return { doc, dropped: 0, droppedWithFix: 0 };
  return { doc: { ...doc, patterns: doc.patterns.filter((_, i) => !drop.has(i)) }, dropped: drop.size, droppedWithFix };
}
