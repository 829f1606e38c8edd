import type { DocumentStore } from '../state/document-store';
import { newIncidentId } from '../state/document-store';
import type { Incident, IncidentSource, Pattern, PatternCheck, PatternsDoc, Severity } from '../state/schemas';
import { deriveChecks, mergeChecks } from './derive-checks';
import { patternScore } from './rank-patterns';
import { maskMessage, templateId } from './mask';
import { findKnownFixes, type KnownFix } from './known-fix';

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

export interface ResolveInput {
  id: string;
  resolution: string;
  commands?: string[];
  worked: boolean;
  by?: string;
}

export interface EngineOptions {
  now?: () => Date;
  /** Seconds since boot, to learn boot-relative timing. */
  uptimeSec?: () => Promise<number | null>;
  minConfidence?: number;
  /** patterns.json bound: past it, the lowest-ranked patterns without a known fix are dropped. */
  maxPatterns?: number;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warn: 1, crit: 2 };
const MAX_EVIDENCE = 20;
const MAX_BOOT_SAMPLES = 20;
const MAX_RECENT_OUTCOMES = 10;
const MAX_SUBJECTS = 20;
const MAX_CHECKS = 8;
const DEFAULT_MAX_PATTERNS = 2000;

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

/** The key of a resolution: its commands when it has any, else its text. */
export function resolutionAction(resolution: string, commands: string[]): string {
  return commands.length ? commands.map((c) => c.trim()).join(' && ') : resolution.trim();
}

/**
 * Incidents in, patterns out: records with dedup, learns fixes on resolve, and attaches the best
 * known fix when a failure recurs. Every binary goes through this one engine.
 */
export class IncidentEngine {
  private readonly now: () => Date;
  private readonly minConfidence: number;

  constructor(
    private readonly store: DocumentStore,
    private readonly options: EngineOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.minConfidence = options.minConfidence ?? 0.8;
  }

  /** Masks a text into its template and fingerprint. */
  fingerprintOf(text: string): { template: string; fingerprint: string } {
    const template = maskMessage(text);
    return { template, fingerprint: templateId(template) };
  }

  async record(input: RecordInput): Promise<RecordOutcome> {
    const now = this.now();
    const at = now.toISOString();
    const { template, fingerprint } = this.fingerprintOf(input.summary);
    const evidencePrints = (input.evidence ?? []).slice(0, 5).map((line) => this.fingerprintOf(line));
    const evidenceFingerprints = evidencePrints.map((p) => p.fingerprint);
    const fingerprints = [...new Set([fingerprint, ...evidenceFingerprints])];
    const patternId = patternIdFor(fingerprint, input.subject);

    const { incident, deduped } = await this.store.update('incidents', (doc) => {
      const open = doc.incidents.find(
        (i) => i.status === 'open' && i.patternId === patternId && i.source === input.source && i.fingerprints[0] === fingerprint,
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
        id: newIncidentId(now),
        time: at,
        lastSeen: at,
        count: 1,
        source: input.source,
        severity: input.severity,
        ...(input.subject ? { subject: input.subject } : {}),
        summary: input.summary,
        evidence: (input.evidence ?? []).slice(-MAX_EVIDENCE),
        fingerprints,
        patternId,
        status: 'open',
      };
      doc.incidents.push(created);
      return { incident: structuredClone(created), deduped: false };
    });

    const uptime = deduped ? null : await this.options.uptimeSec?.().catch(() => null);
    const { pattern, suggestion } = await this.store.update('patterns', (doc) => {
      let pattern = doc.patterns.find((p) => p.id === patternId);
      if (!pattern) {
        pattern = {
          id: patternId,
          fingerprint,
          template,
          ...(input.subject ? { subject: input.subject } : {}),
          subjects: input.subject ? [input.subject] : [],
          sources: [input.source],
          count: 0,
          firstSeen: at,
          lastSeen: at,
          sinceBootSec: [],
          checks: [],
          resolutions: [],
        };
        doc.patterns.push(pattern);
      }
      if (!deduped) {
        pattern.count += 1;
        if (uptime != null) pattern.sinceBootSec = [...pattern.sinceBootSec, Math.round(uptime)].slice(-MAX_BOOT_SAMPLES);
      }
      pattern.lastSeen = at;
      if (!pattern.sources.includes(input.source)) pattern.sources.push(input.source);
      if (input.subject && !pattern.subjects.includes(input.subject)) pattern.subjects = [...pattern.subjects, input.subject].slice(-MAX_SUBJECTS);
      mergeChecks(pattern.checks, [...(input.checks ?? []), ...deriveChecks(input.subject, input.fromJournal ? [template, ...evidencePrints.map((p) => p.template)] : [])]);
      pattern.checks = pattern.checks.slice(0, MAX_CHECKS);
      prunePatterns(doc, this.options.maxPatterns ?? DEFAULT_MAX_PATTERNS, now, patternId);
      const [suggestion] = findKnownFixes(doc.patterns, { template, fingerprints, subject: input.subject }, this.minConfidence, 1);
      return { pattern: structuredClone(pattern), suggestion: suggestion ?? null };
    });
    return { incident, deduped, pattern, suggestion };
  }

  /** Closes an incident with what was done; the fix and its outcome are learned into its pattern. */
  async resolve(input: ResolveInput): Promise<{ incident: Incident; pattern: Pattern | null }> {
    const at = this.now().toISOString();
    const commands = input.commands ?? [];
    const incident = await this.store.update('incidents', (doc) => {
      const found = doc.incidents.find((i) => i.id === input.id);
      if (!found) throw new Error(`no incident with id ${JSON.stringify(input.id)}`);
      found.status = 'resolved';
      found.resolvedAt = at;
      found.resolution = { time: at, text: input.resolution, commands, worked: input.worked, ...(input.by ? { by: input.by } : {}) };
      return structuredClone(found);
    });
    if (!incident.patternId) return { incident, pattern: null };
    const action = resolutionAction(input.resolution, commands);
    const pattern = await this.store.update('patterns', (doc) => {
      const pattern = doc.patterns.find((p) => p.id === incident.patternId);
      if (!pattern) return null;
      let entry = pattern.resolutions.find((r) => r.action === action);
      if (!entry) {
        entry = { action, commands, successes: 0, failures: 0, recent: [] };
        pattern.resolutions.push(entry);
      }
      if (input.worked) entry.successes += 1;
      else entry.failures += 1;
      entry.lastUsed = at;
      entry.recent = [input.worked, ...entry.recent].slice(0, MAX_RECENT_OUTCOMES);
      return structuredClone(pattern);
    });
    return { incident, pattern };
  }

  /**
   * A problem a check no longer sees: its open incidents close as "cleared" without teaching any
   * fix, so the next occurrence opens a new incident of the same pattern.
   */
  async clear(source: IncidentSource, subject: string | undefined, summaryFingerprint?: string): Promise<string[]> {
    const at = this.now().toISOString();
    return this.store.update('incidents', (doc) => {
      const closed: string[] = [];
      for (const i of doc.incidents) {
        if (i.status !== 'open' || i.source !== source || (i.subject ?? undefined) !== subject) continue;
        if (summaryFingerprint && i.fingerprints[0] !== summaryFingerprint) continue;
        i.status = 'resolved';
        i.resolvedAt = at;
        i.resolution = { time: at, text: 'cleared: the check no longer sees the problem', commands: [], worked: true, by: source, cleared: true };
        closed.push(i.id);
      }
      return closed;
    });
  }

  async findKnownFixes(text: string, subject?: string, limit = 5): Promise<KnownFix[]> {
    const { template, fingerprint } = this.fingerprintOf(text);
    const doc = await this.store.read('patterns');
    return findKnownFixes(doc.patterns, { template, fingerprints: [fingerprint], subject }, this.minConfidence, limit);
  }

  /** Patterns for sharing with other hosts. */
  async exportPatterns(): Promise<PatternsDoc> {
    return this.store.read('patterns');
  }

  /** Merges patterns learned elsewhere: counts and fix outcomes add up, nothing local is lost. */
  async importPatterns(incoming: PatternsDoc): Promise<{ added: number; merged: number }> {
    return this.store.update('patterns', (doc) => mergePatterns(doc, incoming));
  }
}

/** Pure (mutates `into`): merge of two pattern sets by pattern id and resolution action. */
export function mergePatterns(into: PatternsDoc, incoming: PatternsDoc): { added: number; merged: number } {
  let added = 0;
  let merged = 0;
  for (const theirs of incoming.patterns) {
    const ours = into.patterns.find((p) => p.id === theirs.id);
    if (!ours) {
      into.patterns.push(structuredClone(theirs));
      added++;
      continue;
    }
    merged++;
    ours.count += theirs.count;
    if (theirs.firstSeen < ours.firstSeen) ours.firstSeen = theirs.firstSeen;
    if (theirs.lastSeen > ours.lastSeen) ours.lastSeen = theirs.lastSeen;
    ours.subjects = [...new Set([...ours.subjects, ...theirs.subjects])].slice(-MAX_SUBJECTS);
    ours.sources = [...new Set([...ours.sources, ...theirs.sources])];
    ours.sinceBootSec = [...ours.sinceBootSec, ...theirs.sinceBootSec].slice(-MAX_BOOT_SAMPLES);
    for (const check of theirs.checks) {
      if (!ours.checks.some((c) => JSON.stringify(c) === JSON.stringify(check))) ours.checks.push(check);
    }
    for (const r of theirs.resolutions) {
      const mine = ours.resolutions.find((x) => x.action === r.action);
      if (!mine) {
        ours.resolutions.push(structuredClone(r));
        continue;
      }
      mine.successes += r.successes;
      mine.failures += r.failures;
      if ((r.lastUsed ?? '') > (mine.lastUsed ?? '')) mine.lastUsed = r.lastUsed;
      mine.recent = [...mine.recent, ...r.recent].slice(0, MAX_RECENT_OUTCOMES);
    }
  }
  return { added, merged };
}
