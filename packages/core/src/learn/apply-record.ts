import type { Incident, IncidentSource, IncidentsDoc, Pattern, PatternCheck, PatternLine, PatternsDoc, Severity } from '../state/schemas';
import { MAX_PATTERN_LINES } from '../state/schemas';
import { isOutcomeLine } from './line-role';
import { deriveChecks, mergeChecks } from './derive-checks';
import { patternScore } from './rank-patterns';
import { templateId } from './template-text';
import { findKnownFixes, type KnownFix, type MatchQuery, type QueryLine } from './known-fix';
import type { Fingerprinter } from './fingerprint/fingerprinter';
import { learnableText } from './pattern-fingerprinter';

// The logic of recording an incident, apart from the files and locks (incident-engine.ts takes
// those around it).

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warn: 1, crit: 2 };
export const MAX_EVIDENCE = 20;
export const MAX_BOOT_SAMPLES = 20;
export const MAX_SUBJECTS = 20;
const MAX_CHECKS = 8;
export const MAX_LEARNED_EVIDENCE = MAX_PATTERN_LINES - 1;
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
  /** Summary and evidence report a unit's state, not its cause (a failed-units finding): all outcome lines. */
  stateOnly?: boolean;
}

export interface RecordOutcome {
  incident: Incident;
  /** True when an open incident of the same problem was updated instead of a new one opened. */
  deduped: boolean;
  pattern: Pattern;
  /** The best known fix, or null: nothing matched with enough confidence. */
  suggestion: KnownFix | null;
}

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

// The id a group has now, and its current template.
export function current(fp: Fingerprinter, id: string, fallback: string): { fingerprint: string; template: string } {
  const fingerprint = fp.resolve(id);
  return { fingerprint, template: fp.template(fingerprint) ?? fallback };
}

function queryFor(fp: Fingerprinter, lines: QueryLine[], subject: string | undefined): MatchQuery {
  return {
    lines,
    ...(subject ? { subject } : {}),
    resolve: (f) => fp.resolve(f),
    templateOf: (f) => fp.template(f),
  };
}

/**
 * The line a pattern is keyed by: a check's summary (stable by contract, checks/types.ts) unless it
 * only says how a unit ended ("nginx.service: Failed with result 'exit-code'." ends every cause);
 * for the model, which words every summary its own way, the first cause line the host logged.
 */
function keyLine(source: IncidentSource, lines: PatternLine[]): PatternLine {
  const [summary, ...evidence] = lines;
  const firstCause = (source === 'mcp' ? evidence.find((l) => !l.outcome) : undefined) ?? lines.find((l) => !l.outcome);
  return firstCause ?? summary!;
}

function pickEvidence(evidence: readonly string[]): string[] {
  const distinct = [...new Set(evidence.map((l) => l.trim()).filter((l) => l !== ''))].slice(0, MAX_EVIDENCE);
  return [...distinct.filter((l) => !isOutcomeLine(l)), ...distinct.filter(isOutcomeLine)].slice(0, MAX_LEARNED_EVIDENCE);
}

// A pattern's lines after an occurrence: groups as they are now, each once, the earliest kept first.
function mergeLines(fp: Fingerprinter, had: PatternLine[], seen: PatternLine[]): PatternLine[] {
  const out: PatternLine[] = [];
  const groups = new Set<string>();
  for (const l of [...had, ...seen]) {
    const group = fp.resolve(l.fingerprint);
    if (groups.has(group)) continue;
    groups.add(group);
    out.push({ fingerprint: group, template: fp.template(group) ?? l.template, outcome: l.outcome });
  }
  return out.slice(0, MAX_PATTERN_LINES);
}

// Of patterns that now share a group and subject (their groups merged), the one that carries a fix, else the most seen.
export function bestOf(patterns: Pattern[]): Pattern | undefined {
  return patterns.reduce<Pattern | undefined>((best, p) => {
    if (best === undefined) return p;
    const key = (x: Pattern): number => (x.resolutions.length > 0 ? 1e12 : 0) + x.count;
    return key(p) > key(best) ? p : best;
  }, undefined);
}

/** What a record needs besides the documents: the time, the uptime, a new incident's id, and the bounds. */
export interface ApplyRecordOptions {
  now: Date;
  /** Seconds since boot, when known: kept on a new occurrence's pattern. */
  uptimeSec: number | null;
  newId: () => string;
  minConfidence: number;
  maxPatterns: number;
}

/**
 * Pure: records `input` into both documents, as the engine does under their two locks: dedups onto
 * an open incident of the same problem or opens one, updates or founds its pattern (keyed by its
 * first cause line, line-role.ts), and finds the best known fix. Mutates `docs` and teaches `fp`;
 * needs no filesystem, so its logic is tested without one.
 */
export function applyRecord(docs: { patterns: PatternsDoc; incidents: IncidentsDoc }, fp: Fingerprinter, input: RecordInput, options: ApplyRecordOptions): RecordOutcome {
  const { now, uptimeSec: uptime } = options;
  const doc = docs.patterns;
  const idoc = docs.incidents;
  const at = now.toISOString();
  const summaryText = learnableText(input.summary);
  const evidence = pickEvidence(input.evidence ?? []);
  const evidenceTexts = evidence.map(learnableText);
  const learned = fp.learn(summaryText);
  const evidenceLearned = evidenceTexts.map((t) => fp.learn(t));
  // Resolved after all learning: an evidence line may have merged the summary's group.
  const { fingerprint, template } = current(fp, learned.fingerprint, learned.template);
  const evidencePrints = evidenceLearned.map((r) => current(fp, r.fingerprint, r.template));
  const fingerprints = [...new Set([fingerprint, ...evidencePrints.map((p) => p.fingerprint)])];
  const lines: PatternLine[] = [
    { fingerprint, template, outcome: input.stateOnly === true || isOutcomeLine(input.summary) },
    ...evidencePrints.map((p, i) => ({ ...p, outcome: input.stateOnly === true || isOutcomeLine(evidence[i]!) })),
  ];
  const key = keyLine(input.source, lines);
  const sameGroup = (a: string | undefined): boolean => a !== undefined && fp.resolve(a) === key.fingerprint;
  const subject = input.subject || undefined;
  const ownId = patternIdFor(key.fingerprint, subject);
  let pattern = doc.patterns.find((p) => p.id === ownId) ?? bestOf(doc.patterns.filter((p) => (p.subject || undefined) === subject && sameGroup(p.fingerprint)));
  const patternId = pattern?.id ?? ownId;
  const sameSummary = (a: string | undefined): boolean => a !== undefined && fp.resolve(a) === fingerprint;

  const { incident, deduped } = ((): { incident: Incident; deduped: boolean } => {
    const open = idoc.incidents.find(
      (i) => i.status === 'open' && i.source === input.source && (i.subject || undefined) === subject && (i.patternId === patternId || (key.fingerprint === fingerprint && sameSummary(i.fingerprints[0]))),
    );
    if (open) {
      open.count += 1;
      open.lastSeen = at;
      if (SEVERITY_RANK[input.severity] > SEVERITY_RANK[open.severity]) open.severity = input.severity;
      open.summary = input.summary;
      open.evidence = [...new Set([...open.evidence, ...(input.evidence ?? [])])].slice(-MAX_EVIDENCE);
      return { incident: structuredClone(open), deduped: true };
    }
    const created: Incident = {
      id: options.newId(),
      time: at,
      lastSeen: at,
      count: 1,
      source: input.source,
      severity: input.severity,
      ...(subject ? { subject } : {}),
      summary: input.summary,
      evidence: (input.evidence ?? []).slice(-MAX_EVIDENCE),
      fingerprints,
      patternId,
      status: 'open',
    };
    idoc.incidents.push(created);
    return { incident: structuredClone(created), deduped: false };
  })();

  if (!pattern) {
    pattern = {
      id: patternId,
      fingerprint: key.fingerprint,
      template: key.template,
      ...(subject ? { subject } : {}),
      subjects: subject ? [subject] : [],
      sources: [input.source],
      count: 0,
      firstSeen: at,
      lastSeen: at,
      sinceBootSec: [],
      checks: [],
      resolutions: [],
      lines: [],
    };
    doc.patterns.push(pattern);
  }
  if (!deduped) {
    pattern.count += 1;
    if (uptime != null) pattern.sinceBootSec = [...pattern.sinceBootSec, Math.round(uptime)].slice(-MAX_BOOT_SAMPLES);
  }
  pattern.lastSeen = at;
  // The group's template as it is now: lines since the pattern was created may have generalised it.
  pattern.template = fp.template(fp.resolve(pattern.fingerprint)) ?? key.template;
  pattern.lines = mergeLines(fp, pattern.lines ?? [], lines);
  if (!pattern.sources.includes(input.source)) pattern.sources.push(input.source);
  if (subject && !pattern.subjects.includes(subject)) pattern.subjects = [...pattern.subjects, subject].slice(-MAX_SUBJECTS);
  mergeChecks(pattern.checks, [...(input.checks ?? []), ...deriveChecks(subject, input.fromJournal ? [template, ...evidencePrints.map((p) => p.template)] : [])]);
  pattern.checks = pattern.checks.slice(0, MAX_CHECKS);
  prunePatterns(doc, options.maxPatterns, now, patternId);
  const query = queryFor(fp, [
    { template, fingerprints: [fingerprint], outcome: lines[0]!.outcome },
    ...lines.slice(1).map((l) => ({ template: l.template, fingerprints: [l.fingerprint], outcome: l.outcome })),
  ], subject);
  const [suggestion] = findKnownFixes(doc.patterns, query, options.minConfidence, 1);
  return { incident, deduped, pattern: structuredClone(pattern), suggestion: suggestion ?? null };
}
