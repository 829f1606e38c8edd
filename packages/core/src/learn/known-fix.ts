import type { Pattern, PatternLine } from '../state/schemas';
import { isOutcomeLine } from './line-role';
import { bestResolution, successRate } from './rank-patterns';
import { tokenSimilarity } from './mask';
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

/** One line of a query: its group (and the keys it may be stored under), template and role. */
export interface QueryLine {
  template: string;
  fingerprints: string[];
  /** Written by the service manager about a unit's end (line-role.ts): identifies no cause. */
  outcome: boolean;
}

export interface MatchQuery {
  lines: QueryLine[];
  subject?: string;
  /**
   * The group a fingerprint belongs to now (Fingerprinter.resolve): a pattern stored with the id
   * of a group merged since still matches. Without it, fingerprints compare as they are.
   */
  resolve?: (fingerprint: string) => string;
  /** The current template of a pattern's group, when known: it may have generalised since the pattern was stored. */
  templateOf?: (fingerprint: string) => string | undefined;
}

/** The lines a pattern is known by; a pattern stored before it kept lines is known by its own template. */
export function patternLines(pattern: Pattern): PatternLine[] {
  if (pattern.lines?.length) return pattern.lines;
  return [{ fingerprint: pattern.fingerprint, template: pattern.template, outcome: isOutcomeLine(pattern.template) }];
}

// "nginx" and "nginx.service" name one unit.
const unitKey = (s: string): string => s.replace(/\.service$/, '');

/** Pure: whether a pattern is about the query's subject, or either is unknown. */
export function subjectAgrees(pattern: Pattern, subject: string | undefined): boolean {
  if (!subject || (!pattern.subject && pattern.subjects.length === 0)) return true;
  const key = unitKey(subject);
  return [pattern.subject, ...pattern.subjects].some((s) => s !== undefined && unitKey(s) === key);
}

/**
 * Pure: how well a pattern matches a query, 0..1: the best agreement of one query line with one
 * pattern line (same group = 1, else template similarity). Cause lines are compared with cause
 * lines whenever both sides have some; a query of outcome lines alone cannot confirm a pattern
 * that knows its cause (every cause of a unit's failure ends in the same outcome lines). A pattern
 * of another subject is at most half sure: a fix learned on one unit names that unit.
 */
export function matchConfidence(pattern: Pattern, query: MatchQuery): number {
  const own = patternLines(pattern);
  const ownCauses = own.filter((l) => !l.outcome);
  const queryCauses = query.lines.filter((l) => !l.outcome);
  let ps: PatternLine[];
  let qs: QueryLine[];
  if (ownCauses.length && queryCauses.length) [ps, qs] = [ownCauses, queryCauses];
  else if (ownCauses.length) return 0;
  else [ps, qs] = [own, query.lines.filter((l) => l.outcome)];
  const resolve = query.resolve ?? ((f: string) => f);
  let best = 0;
  for (const p of ps) {
    const group = resolve(p.fingerprint);
    const template = query.templateOf?.(p.fingerprint) ?? p.template;
    for (const q of qs) {
      const similarity = q.fingerprints.some((f) => resolve(f) === group) ? 1 : templateSimilarity(template, q.template);
      if (similarity > best) best = similarity;
      if (best === 1) break;
    }
  }
  return best * (subjectAgrees(pattern, query.subject) ? 1 : 0.5);
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
