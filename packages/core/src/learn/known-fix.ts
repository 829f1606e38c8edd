import type { Pattern } from '../state/schemas';
import { bestResolution, successRate } from './rank-patterns';
import { tokenSimilarity } from './mask';

export interface KnownFix {
  patternId: string;
  template: string;
  action: string;
  commands: string[];
  successes: number;
  failures: number;
  /** Smoothed success rate, 0..1. */
  successRate: number;
  lastUsed: string | null;
  /** How sure we are that the incident is this pattern, 0..1. */
  confidence: number;
}

export interface MatchQuery {
  template: string;
  fingerprints: string[];
  subject?: string;
}

/** Pure: how well a pattern matches a masked incident. Same template = 1; a different subject costs 25 %. */
export function matchConfidence(pattern: Pattern, query: MatchQuery): number {
  const exact = query.fingerprints.includes(pattern.fingerprint);
  const similarity = exact ? 1 : tokenSimilarity(pattern.template, query.template);
  const subjectKnown = !query.subject || !pattern.subject || pattern.subjects.includes(query.subject) || pattern.subject === query.subject;
  // A fix learned on one unit rarely fits another (its commands name the unit), so a different
  // subject alone keeps a match below the default 0.8 threshold.
  return similarity * (subjectKnown ? 1 : 0.75);
}

/**
 * Pure: patterns with a working fix, ranked by match confidence then fix success. Matches below
 * `minConfidence` are dropped so a weak resemblance never becomes a suggestion.
 */
export function findKnownFixes(patterns: Pattern[], query: MatchQuery, minConfidence: number, limit = 5): KnownFix[] {
  const fixes: KnownFix[] = [];
  for (const pattern of patterns) {
    const best = bestResolution(pattern);
    if (!best) continue;
    const confidence = matchConfidence(pattern, query);
    if (confidence < minConfidence) continue;
    fixes.push({
      patternId: pattern.id,
      template: pattern.template,
      action: best.action,
      commands: best.commands,
      successes: best.successes,
      failures: best.failures,
      successRate: successRate(best),
      lastUsed: best.lastUsed ?? null,
      confidence,
    });
  }
  fixes.sort((a, b) => b.confidence - a.confidence || b.successRate - a.successRate || b.successes - a.successes);
  return fixes.slice(0, limit);
}
