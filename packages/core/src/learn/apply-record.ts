import type { Incident, IncidentSource, IncidentsDoc, Pattern, PatternCheck, PatternsDoc, Severity } from '../state/schemas';
import { deriveChecks, mergeChecks } from './derive-checks';
import { patternScore } from './rank-patterns';
import { templateId } from './mask';
import { findKnownFixes, type KnownFix, type MatchQuery } from './known-fix';
import type { Fingerprinter } from './fingerprint/fingerprinter';
import { learnableText, legacyFingerprint } from './pattern-fingerprinter';

export interface RecordInput {
  source: IncidentSource;
  severity: Severity;
  summary: string;
  subject?: string;
  evidence?: string[];
  /** Checks that reveal this failure, known to the caller (e.g. the threshold a health check uses). */
  checks?: PatternCheck[];
  /** The summary and evidence are journal lines, so "this signature is absent from the journal" is a check. */
  fromJournal?: boolean;
}

export interface RecordOutcome {
  incident: Incident;
  /** True when an open incident of the same problem was updated instead of a new one opened. */
  deduped: boolean;
  pattern: Pattern;
  /** The best known fix, or null: nothing matched with enough confidence. */
  suggestion: KnownFix | null;
}

export interface ApplyRecordOptions {
  now: Date;
  /** Seconds since boot, to learn boot-relative timing; null when unknown. */
  uptimeSec: number | null;
  /** The id of a new incident. */
  newId: () => string;
  minConfidence: number;
  maxPatterns: number;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warn: 1, crit: 2 };
export const MAX_EVIDENCE = 20;
export const MAX_BOOT_SAMPLES = 20;
export const MAX_RECENT_OUTCOMES = 10;
export const MAX_SUBJECTS = 20;
const MAX_CHECKS = 8;

/** Keeps patterns.json bounded; patterns that carry a learned fix are never dropped for space. Mutates `doc`. */
export function prunePatterns(doc: PatternsDoc, max: number, now: Date, keepId?: string): number {
  const excess = doc.patterns.length - max;
  if (excess <= 0) return 0;
  const droppable = doc.patterns
    .filter((p) => p.resolutions.length === 0 && p.id !== keepId)
    .sort((a, b) => patternScore(a, now) - patternScore(b, now))
    .slice(0, excess);
  const drop = new Set(droppable.map((p) => p.id));
  doc.patterns = doc.patterns.filter((p) => !drop.has(p.id));
  return drop.size;
}

export function patternIdFor(fingerprint: string, subject: string | undefined): string {
  return `pat-${templateId(`${fingerprint}|${subject ?? ''}`)}`;
}

/**
 * Pure (mutates `docs` and `fp`, no I/O): one occurrence recorded. The parser learns the summary
 * and evidence; an open incident of the same source, subject and group is updated (dedup), or a
 * new one is opened; its pattern is created or updated; the best known fix is attached. The
 * caller holds both files' locks and writes both afterwards.
 */
export function applyRecord(docs: { patterns: PatternsDoc; incidents: IncidentsDoc }, fp: Fingerprinter, input: RecordInput, options: ApplyRecordOptions): RecordOutcome {
  const { now } = options;
  const at = now.toISOString();
  const summaryText = learnableText(input.summary);
  const evidenceTexts = (input.evidence ?? []).slice(0, 5).map(learnableText);
  const learned = fp.learn(summaryText);
  const evidenceLearned = evidenceTexts.map((t) => fp.learn(t));
  // Resolved after all learning: an evidence line may have merged the summary's group.
  const { fingerprint, template } = current(fp, learned.fingerprint, learned.template);
  const evidencePrints = evidenceLearned.map((r) => current(fp, r.fingerprint, r.template));
  const fingerprints = [...new Set([fingerprint, ...evidencePrints.map((p) => p.fingerprint)])];
  const sameGroup = (a: string | undefined): boolean => a !== undefined && fp.resolve(a) === fingerprint;
  const subject = input.subject || undefined;
  const ownId = patternIdFor(fingerprint, subject);
  const patterns = docs.patterns;
  let pattern = patterns.patterns.find((p) => p.id === ownId) ?? bestOf(patterns.patterns.filter((p) => (p.subject || undefined) === subject && sameGroup(p.fingerprint)));
  const patternId = pattern?.id ?? ownId;

  const { incident, deduped } = openOrUpdate(docs.incidents, input, { at, subject, patternId, fingerprints, sameGroup, newId: options.newId });

  if (!pattern) {
    pattern = {
      id: patternId,
      fingerprint,
      template,
      ...(subject ? { subject } : {}),
      subjects: subject ? [subject] : [],
      sources: [input.source],
      count: 0,
      firstSeen: at,
      lastSeen: at,
      sinceBootSec: [],
      checks: [],
      resolutions: [],
    };
    patterns.patterns.push(pattern);
  }
  if (!deduped) {
    pattern.count += 1;
    if (options.uptimeSec != null) pattern.sinceBootSec = [...pattern.sinceBootSec, Math.round(options.uptimeSec)].slice(-MAX_BOOT_SAMPLES);
  }
  pattern.lastSeen = at;
  // The group's template as it is now: lines since the pattern was created may have generalised it.
  pattern.template = template;
  if (!pattern.sources.includes(input.source)) pattern.sources.push(input.source);
  if (subject && !pattern.subjects.includes(subject)) pattern.subjects = [...pattern.subjects, subject].slice(-MAX_SUBJECTS);
  mergeChecks(pattern.checks, [...(input.checks ?? []), ...deriveChecks(subject, input.fromJournal ? [template, ...evidencePrints.map((p) => p.template)] : [])]);
  pattern.checks = pattern.checks.slice(0, MAX_CHECKS);
  prunePatterns(patterns, options.maxPatterns, now, patternId);
  const query = queryFor(fp, template, [...fingerprints, legacyFingerprint(summaryText)], subject);
  const [suggestion] = findKnownFixes(patterns.patterns, query, options.minConfidence, 1);
  return { incident, deduped, pattern: structuredClone(pattern), suggestion: suggestion ?? null };
}

/** Dedup: the open incident of the same source, subject and group gets this occurrence; else a new one opens. */
function openOrUpdate(
  doc: IncidentsDoc,
  input: RecordInput,
  o: { at: string; subject: string | undefined; patternId: string; fingerprints: string[]; sameGroup: (f: string | undefined) => boolean; newId: () => string },
): { incident: Incident; deduped: boolean } {
  const open = doc.incidents.find(
    (i) => i.status === 'open' && i.source === input.source && (i.subject || undefined) === o.subject && (i.patternId === o.patternId || o.sameGroup(i.fingerprints[0])),
  );
  if (open) {
    open.count += 1;
    open.lastSeen = o.at;
    if (SEVERITY_RANK[input.severity] > SEVERITY_RANK[open.severity]) open.severity = input.severity;
    open.summary = input.summary;
    open.evidence = [...new Set([...open.evidence, ...(input.evidence ?? [])])].slice(-MAX_EVIDENCE);
    return { incident: structuredClone(open), deduped: true };
  }
  const created: Incident = {
    id: o.newId(),
    time: o.at,
    lastSeen: o.at,
    count: 1,
    source: input.source,
    severity: input.severity,
    ...(o.subject ? { subject: o.subject } : {}),
    summary: input.summary,
    evidence: (input.evidence ?? []).slice(-MAX_EVIDENCE),
    fingerprints: o.fingerprints,
    patternId: o.patternId,
    status: 'open',
  };
  doc.incidents.push(created);
  return { incident: structuredClone(created), deduped: false };
}

/** The id a group has now, and its current template. */
export function current(fp: Fingerprinter, id: string, fallback: string): { fingerprint: string; template: string } {
  const fingerprint = fp.resolve(id);
  return { fingerprint, template: fp.template(fingerprint) ?? fallback };
}

function queryFor(fp: Fingerprinter, template: string, fingerprints: string[], subject: string | undefined): MatchQuery {
  return {
    template,
    fingerprints,
    ...(subject ? { subject } : {}),
    resolve: (f) => fp.resolve(f),
    templateOf: (f) => fp.template(f),
  };
}

/** Of patterns that now share a group and subject (their groups merged), the one that carries a fix, else the most seen. */
export function bestOf(patterns: Pattern[]): Pattern | undefined {
  return patterns.reduce<Pattern | undefined>((best, p) => {
    if (best === undefined) return p;
    const key = (x: Pattern): number => (x.resolutions.length > 0 ? 1e12 : 0) + x.count;
    return key(p) > key(best) ? p : best;
  }, undefined);
}
