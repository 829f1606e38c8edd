// The incident engine as it was before it moved onto the learning parser (stateless maskMessage
// grouping), kept only so bench/engine.mjs can measure both in the same run. Not shipped.
import {
  deriveChecks, findKnownFixes, maskMessage, mergeChecks, newIncidentId, patternIdFor, patternScore, prunePatterns, resolutionAction, templateId,
  type DocumentStore, type Incident, type IncidentSource, type KnownFix, type Pattern, type PatternCheck, type PatternsDoc, type Severity,
} from '@ldm/core';

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

/**
 * Incidents in, patterns out: records with dedup, learns fixes on resolve, and attaches the best
 * known fix when a failure recurs. Every binary goes through this one engine.
 */
export class LegacyIncidentEngine {
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

  /** Batched like IncidentEngine.record, so the bench compares the engines on the same store. */
  async record(input: RecordInput): Promise<RecordOutcome> {
    return this.store.batchWrites(() => this.recordBoth(input));
  }

  private async recordBoth(input: RecordInput): Promise<RecordOutcome> {
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
    throw new Error(`not part of the benchmark: ${incoming.patterns.length} patterns`);
  }
}

