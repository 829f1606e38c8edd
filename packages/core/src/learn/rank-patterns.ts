import type { Pattern, PatternResolution } from '../state/schemas';
import { compareCodeUnits } from '../text/compare-code-units';

const DAY_MS = 86_400_000;
/** An occurrence a week old counts half as much as one today. */
const HALF_LIFE_DAYS = 7;
const BOOT_WINDOW_SEC = 600;

/** Laplace-smoothed success rate: one success out of one is promising, not certain. */
export function successRate(r: Pick<PatternResolution, 'successes' | 'failures'>): number {
  return (r.successes + 1) / (r.successes + r.failures + 2);
}

/**
 * A fix that may be suggested: it worked. An observed one (an action seen while the incident was
 * open, not stated by anyone) must have worked twice: once may be coincidence.
 */
export function isProvenResolution(r: PatternResolution): boolean {
  return r.learnedFrom === 'observed' ? r.successes >= 2 : r.successes > 0;
}

/** The resolution to suggest first: a stated fix before an observed one, then highest smoothed success rate, then most recently used. */
export function bestResolution(pattern: Pattern): PatternResolution | null {
  const candidates = pattern.resolutions.filter(isProvenResolution);
  const observed = (r: PatternResolution): number => Number(r.learnedFrom === 'observed');
  candidates.sort((a, b) => observed(a) - observed(b) || successRate(b) - successRate(a) || compareCodeUnits(b.lastUsed ?? '', a.lastUsed ?? ''));
  return candidates[0] ?? null;
}

/** True when most recent occurrences came within 10 minutes of a boot. */
export function isBootRelative(pattern: Pattern): boolean {
  const samples = pattern.sinceBootSec;
  if (samples.length === 0) return false;
  return samples.filter((s) => s <= BOOT_WINDOW_SEC).length * 2 > samples.length;
}

export function patternScore(pattern: Pattern, now: Date): number {
  const ageDays = Math.max(0, (now.getTime() - Date.parse(pattern.lastSeen)) / DAY_MS);
  const recency = Math.pow(0.5, ageDays / HALF_LIFE_DAYS);
  const best = bestResolution(pattern);
  const fixWeight = best ? 0.5 + successRate(best) : 0.5;
  return Math.log2(1 + pattern.count) * recency * fixWeight;
}

/** Pure: patterns by frequency with recency decay, weighted by how well their fixes work. */
export function rankPatterns(patterns: Pattern[], now: Date, options: { bootFirst?: boolean } = {}): Pattern[] {
  return [...patterns].sort((a, b) => {
    if (options.bootFirst) {
      const boot = Number(isBootRelative(b)) - Number(isBootRelative(a));
      if (boot) return boot;
    }
    return patternScore(b, now) - patternScore(a, now) || compareCodeUnits(a.id, b.id);
  });
}
