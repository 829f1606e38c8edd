import type { Pattern, PatternLine } from '../state/schemas';
import { isOutcomeLine } from './line-role';
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
 * Which patterns hold each cause line, by group: a line that two failures share ("nginx:
 * configuration file /etc/nginx/nginx.conf test failed" ends every kind of bad config) tells
 * neither apart. Patterns are told apart by their key (their first cause line's group), so one
 * failure learned on two subjects still owns its lines alone. Build once per set of patterns.
 */
export class LineOwners {
  private readonly owners = new Map<string, Set<string>>();

  constructor(patterns: readonly Pattern[], private readonly resolve: (f: string) => string = (f) => f) {
    for (const p of patterns) {
      const key = resolve(p.fingerprint);
      for (const l of patternLines(p)) {
        if (l.outcome) continue;
        const group = resolve(l.fingerprint);
        let set = this.owners.get(group);
        if (!set) this.owners.set(group, (set = new Set()));
        set.add(key);
      }
    }
  }

  /** True when a pattern's line is its own: no pattern of another key holds it. */
  identifies(pattern: Pattern, line: PatternLine): boolean {
    const set = this.owners.get(this.resolve(line.fingerprint));
    return set === undefined || (set.size === 1 && set.has(this.resolve(pattern.fingerprint)));
  }
}

/**
 * Pure: how well a pattern matches a query, 0..1. A pattern that knows a cause is recognised by its
 * key line, the first error its program logged (the lines after it, "configuration file ... test
 * failed", "still could not bind()", follow from it and end other causes too): the best agreement
 * of a query cause line with it (same group = 1, else template similarity), unless another failure
 * holds that line too (LineOwners). A query of outcome lines alone cannot confirm such a pattern
 * (every cause of a unit's failure ends in the same outcome lines). A pattern known only by outcome
 * lines matches a query that has no cause line either and holds every one of its lines: the weakest
 * of them decides. A pattern of another subject is at most half sure: a fix learned on one unit names that unit.
 */
export function matchConfidence(pattern: Pattern, query: MatchQuery, owners?: LineOwners): number {
  const own = patternLines(pattern);
  const resolve = query.resolve ?? ((f: string) => f);
  const keyGroup = resolve(pattern.fingerprint);
  const key = own.find((l) => !l.outcome && resolve(l.fingerprint) === keyGroup) ?? own.find((l) => !l.outcome);
  const queryCauses = query.lines.filter((l) => !l.outcome);
  let score: number;
  if (key) score = queryCauses.length && (!owners || owners.identifies(pattern, key)) ? bestAgreement(key, queryCauses, query) : 0;
  else score = queryCauses.length || query.lines.length === 0 ? 0 : Math.min(...own.map((p) => bestAgreement(p, query.lines, query)));
  return score * (subjectAgrees(pattern, query.subject) ? 1 : 0.5);
}

// How well the closest of `lines` agrees with one pattern line: same group = 1, else template similarity.
function bestAgreement(line: PatternLine, lines: QueryLine[], query: MatchQuery): number {
  const resolve = query.resolve ?? ((f: string) => f);
  const group = resolve(line.fingerprint);
  const template = query.templateOf?.(line.fingerprint) ?? line.template;
  let best = 0;
  for (const q of lines) {
    if (q.fingerprints.some((f) => resolve(f) === group)) return 1;
    best = Math.max(best, templateSimilarity(template, q.template));
  }
  return best;
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
 * `minConfidence` are dropped so a weak resemblance never becomes a suggestion. `owners` is built
 * from `patterns` unless given (a caller matching many queries builds it once).
 */
export function findKnownFixes(patterns: Pattern[], query: MatchQuery, minConfidence: number, limit = 5, owners = new LineOwners(patterns, query.resolve)): KnownFix[] {
  const fixes: KnownFix[] = [];
  for (const pattern of patterns) {
    const best = bestResolution(pattern);
    if (!best) continue;
    const confidence = matchConfidence(pattern, query, owners);
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
