import type { Pattern } from '../state/schemas';
import { bestResolution, successRate } from './rank-patterns';
import { tokenSimilarity } from './template-text';
import { compareVerdict, HARD, SOFT } from './fingerprint/compare-tokens';

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
  /**
   * The group a fingerprint belongs to now (Fingerprinter.resolve): a pattern stored with the id
   * of a group merged since still matches. Without it, fingerprints compare as they are.
   */
  resolve?: (fingerprint: string) => string;
  /** The current template of a pattern's group, when known: it may have generalised since the pattern was stored. */
  templateOf?: (fingerprint: string) => string | undefined;
}

/** Pure: how well a pattern matches a masked incident. Same group = 1; a different subject costs 25 %. */
export function matchConfidence(pattern: Pattern, query: MatchQuery): number {
  const resolve = query.resolve;
  const exact = resolve === undefined
    ? query.fingerprints.includes(pattern.fingerprint)
    : query.fingerprints.some((f) => resolve(f) === resolve(pattern.fingerprint));
  const similarity = exact ? 1 : templateSimilarity(query.templateOf?.(pattern.fingerprint) ?? pattern.template, query.template);
  const subjectKnown = !query.subject || !pattern.subject || pattern.subjects.includes(query.subject) || pattern.subject === query.subject;
  // A fix learned on one unit rarely fits another (its commands name the unit), so a different
  // subject alone keeps a match below the default 0.8 threshold.
  return similarity * (subjectKnown ? 1 : 0.75);
}

/**
 * Pure: how alike a pattern's template and a query's template are, 0..1. Of equal length, they
 * are compared slot by slot as the log parser does: a slot that differs in shape or in a kept
 * key=value (`code=exited` vs `code=killed`) makes them different events (0), whatever the rest;
 * <*> agrees with anything. Otherwise the share of tokens in common.
 */
export function templateSimilarity(pattern: string, query: string): number {
  const a = pattern.split(' ');
  const b = query.split(' ');
  if (a.length !== b.length) return tokenSimilarity(pattern, query);
  let differ = 0;
  for (let i = 0; i < a.length; i++) {
    const v = compareVerdict(a[i]!, b[i]!);
    if (v === HARD) return 0;
    if (v === SOFT) differ++;
  }
  return a.length === 0 ? 0 : (a.length - differ) / a.length;
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
