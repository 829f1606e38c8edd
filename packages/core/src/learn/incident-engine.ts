import type { DocumentStore } from '../state/document-store';
import { newIncidentId } from '../state/document-store';
import { MAX_PATTERN_LINES, type Incident, type IncidentSource, type Pattern, type PatternCheck, type PatternLine, type PatternsDoc, type Severity } from '../state/schemas';
import { isOutcomeLine } from './line-role';
import { observedFix, type HostAction, type ObservedFix } from './observed-fixes';
import { deriveChecks, mergeChecks } from './derive-checks';
import { patternScore } from './rank-patterns';
import { templateId } from './template-text';
import { findKnownFixes, type KnownFix, type MatchQuery, type QueryLine } from './known-fix';
import type { Fingerprinter } from './fingerprint/fingerprinter';
import { migratePatterns, PATTERNS_VERSION } from './migrate-patterns';
import { ENGINE_MAX_TEMPLATES, FingerprinterCache, knownFixQuery, learnableText, loadFingerprinter, statelessFingerprint } from './pattern-fingerprinter';

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
  /** Templates the log parser keeps in patterns.json (its maxClusters); default 500. */
  maxTemplates?: number;
  /**
   * The changes made on the host through tool calls since a time (the MCP audit log,
   * audit-actions.ts): an incident that clears, or is resolved without commands, learns from them
   * a candidate fix (observed-fixes.ts), suggested once it has worked twice.
   */
  hostActions?: (since: string) => Promise<HostAction[]>;
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
 *
 * Texts are grouped by the online log parser (fingerprint/), whose state lives in patterns.json
 * and is learned under that file's lock, so concurrent processes all learn into one state. Groups
 * can merge later (a slot turns out to be variable), so stored fingerprints are always compared
 * through the parser's resolve(). Lock order: patterns.json, then incidents.json inside it; no
 * other code holds incidents.json while waiting for patterns.json, so this can't deadlock.
 */
export class IncidentEngine {
  private readonly now: () => Date;
  private readonly minConfidence: number;
  private readonly fingerprints: FingerprinterCache;

  constructor(
    private readonly store: DocumentStore,
    private readonly options: EngineOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.minConfidence = options.minConfidence ?? 0.8;
    this.fingerprints = new FingerprinterCache(options.maxTemplates ?? ENGINE_MAX_TEMPLATES);
  }

  /**
   * The group a text belongs to, from the parser state last read from patterns.json, without
   * learning; a text no group knows yet gets the template and id of masking alone. Synchronous,
   * for callers that need a key at once; fingerprintsOf reads the stored state first.
   */
  fingerprintOf(text: string): { template: string; fingerprint: string } {
    const message = learnableText(text);
    const fp = this.fingerprints.peek();
    const found = fp?.match(message);
    if (fp && found) return current(fp, found.fingerprint, found.template);
    return statelessFingerprint(message);
  }

  /**
   * Groups of many log lines (one per text, in order) as the stored parser sees them, learning
   * from them in memory only, so lines no stored group knows still group among themselves. Nothing
   * is saved: what becomes an incident is learned by record().
   */
  async fingerprintsOf(texts: readonly string[]): Promise<Array<{ template: string; fingerprint: string }>> {
    const fp = loadFingerprinter(await this.readPatterns(), this.options.maxTemplates ?? ENGINE_MAX_TEMPLATES);
    const ids = texts.map((t) => fp.learn(learnableText(t)).fingerprint);
    return ids.map((id) => current(fp, id, ''));
  }

  /** Runs `work` (several records, resolves, clears) with one write of the briefing digests at its end. */
  batchWrites<R>(work: () => Promise<R>): Promise<R> {
    return this.store.batchWrites(work);
  }

  /** Both files are written; the store announces both writes at once (DocumentStore.batchWrites). */
  async record(input: RecordInput): Promise<RecordOutcome> {
    return this.store.batchWrites(() => this.recordBoth(input));
  }

  private async recordBoth(input: RecordInput): Promise<RecordOutcome> {
    const now = this.now();
    const at = now.toISOString();
    const summaryText = learnableText(input.summary);
    const evidence = pickEvidence(input.evidence ?? []);
    const evidenceTexts = evidence.map(learnableText);
    // Read before the locks: only used when this is a new occurrence, and never worth holding them for.
    const uptime = (await this.options.uptimeSec?.().catch(() => null)) ?? null;
    try {
      return await this.updatePatterns(async (doc) => {
        const fp = this.fingerprints.get(doc);
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

        const { incident, deduped } = await this.store.update('incidents', (idoc) => {
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
            id: newIncidentId(now),
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
        });

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
        prunePatterns(doc, this.options.maxPatterns ?? DEFAULT_MAX_PATTERNS, now, patternId);
        this.fingerprints.store(doc, fp);
        const query = queryFor(fp, [
          { template, fingerprints: [fingerprint], outcome: lines[0]!.outcome },
          ...lines.slice(1).map((l) => ({ template: l.template, fingerprints: [l.fingerprint], outcome: l.outcome })),
        ], subject);
        const [suggestion] = findKnownFixes(doc.patterns, query, this.minConfidence, 1);
        return { incident, deduped, pattern: structuredClone(pattern), suggestion: suggestion ?? null };
      });
    } catch (err) {
      // The parser in memory learned lines that were not saved.
      this.fingerprints.invalidate();
      throw err;
    }
  }

  /** Closes an incident with what was done; the fix and its outcome are learned into its pattern. */
  async resolve(input: ResolveInput): Promise<{ incident: Incident; pattern: Pattern | null }> {
    return this.store.batchWrites(() => this.resolveBoth(input));
  }

  private async resolveBoth(input: ResolveInput): Promise<{ incident: Incident; pattern: Pattern | null }> {
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
    // Said what worked but not how: what was done meanwhile may be how.
    const observed = input.worked && commands.length === 0 ? await this.observedFor([incident], at) : new Map<string, ObservedFix>();
    const action = resolutionAction(input.resolution, commands);
    const pattern = await this.updatePatterns((doc) => {
      const pattern = doc.patterns.find((p) => p.id === incident.patternId);
      if (!pattern) return null;
      learnOutcome(pattern, { action, commands }, input.worked, at);
      const seen = observed.get(incident.id);
      if (seen && seen.action !== action) learnOutcome(pattern, seen, true, at, seen.confidence);
      return structuredClone(pattern);
    });
    return { incident, pattern };
  }

  // Each incident's observed fix, from one read of the host's changes since the oldest of them opened.
  private async observedFor(incidents: Array<Pick<Incident, 'id' | 'time' | 'subject'>>, until: string): Promise<Map<string, ObservedFix>> {
    const out = new Map<string, ObservedFix>();
    if (!this.options.hostActions || incidents.length === 0) return out;
    const since = incidents.reduce((min, i) => (i.time < min ? i.time : min), incidents[0]!.time);
    // The audit log helps; a missing or unreadable one must not fail a resolve or a check run.
    const actions = await this.options.hostActions(since).catch(() => []);
    for (const i of incidents) {
      const fix = observedFix(i, actions, until);
      if (fix) out.set(i.id, fix);
    }
    return out;
  }

  /**
   * A problem a check no longer sees: its open incidents close as "cleared" without teaching any
   * fix, so the next occurrence opens a new incident of the same pattern.
   */
  async clear(source: IncidentSource, subject: string | undefined, summaryFingerprint?: string): Promise<string[]> {
    const at = this.now().toISOString();
    const fp = summaryFingerprint ? this.fingerprints.get(await this.readPatterns()) : null;
    const group = fp && summaryFingerprint ? fp.resolve(summaryFingerprint) : undefined;
    const closed = await this.store.update('incidents', (doc) => {
      const closed: Incident[] = [];
      for (const i of doc.incidents) {
        if (i.status !== 'open' || i.source !== source || (i.subject ?? undefined) !== subject) continue;
        if (fp && group !== undefined && (i.fingerprints[0] === undefined || fp.resolve(i.fingerprints[0]) !== group)) continue;
        i.status = 'resolved';
        i.resolvedAt = at;
        i.resolution = { time: at, text: 'cleared: the check no longer sees the problem', commands: [], worked: true, by: source, cleared: true };
        closed.push(structuredClone(i));
      }
      return closed;
    });
    const observed = await this.observedFor(closed, at);
    if (observed.size) await this.learnObserved(closed, observed, at);
    return closed.map((i) => i.id);
  }

  // A cleared incident teaches what was done while it was open, as an unproven fix of its pattern.
  private async learnObserved(closed: Incident[], observed: Map<string, ObservedFix>, at: string): Promise<void> {
    await this.store.batchWrites(async () => {
      await this.store.update('incidents', (doc) => {
        for (const i of doc.incidents) {
          const seen = observed.get(i.id);
          if (seen && i.resolution) i.resolution.observed = { action: seen.action, confidence: seen.confidence };
        }
      });
      await this.store.update('patterns', (doc) => {
        for (const i of closed) {
          const seen = observed.get(i.id);
          const pattern = seen && doc.patterns.find((p) => p.id === i.patternId);
          if (seen && pattern) learnOutcome(pattern, seen, true, at, seen.confidence);
        }
      });
    });
  }

  /**
   * Known fixes for a text (a log line, an error message), best first: matched against the stored
   * parser without learning, then by template similarity; below the confidence threshold nothing.
   */
  async findKnownFixes(text: string, subject?: string, limit = 5): Promise<KnownFix[]> {
    const doc = await this.readPatterns();
    return findKnownFixes(doc.patterns, knownFixQuery(this.fingerprints.get(doc), text, subject || undefined), this.minConfidence, limit);
  }

  /** patterns.json under its lock, migrated first when an older version wrote it (migrate-patterns.ts). */
  private updatePatterns<R>(mutate: (doc: PatternsDoc) => R | Promise<R>): Promise<R> {
    return this.store.update('patterns', async (doc) => {
      if (doc.version !== PATTERNS_VERSION) {
        // Lock order as in record(): patterns.json, then incidents.json.
        await this.store.update('incidents', (idoc) => void migratePatterns(doc, idoc, this.options.maxTemplates ?? ENGINE_MAX_TEMPLATES));
      }
      return mutate(doc);
    });
  }

  /** patterns.json; a file of an older version is migrated and saved first, under the locks, once. */
  private async readPatterns(): Promise<PatternsDoc> {
    const doc = await this.store.read('patterns');
    return doc.version === PATTERNS_VERSION ? doc : this.updatePatterns((migrated) => structuredClone(migrated));
  }

  /** Patterns for sharing with other hosts. */
  async exportPatterns(): Promise<PatternsDoc> {
    return this.readPatterns();
  }

  /** Merges patterns learned elsewhere: counts and fix outcomes add up, nothing local is lost. */
  async importPatterns(incoming: PatternsDoc): Promise<{ added: number; merged: number }> {
    try {
      return await this.updatePatterns((doc) => mergePatterns(doc, incoming, this.options.maxTemplates ?? ENGINE_MAX_TEMPLATES));
    } finally {
      this.fingerprints.invalidate();
    }
  }
}

// The id a group has now, and its current template.
function current(fp: Fingerprinter, id: string, fallback: string): { fingerprint: string; template: string } {
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

/**
 * Mutates `pattern`: one more outcome of a fix. With `observed` (its confidence), a fix not yet
 * known is learned as observed; one already stated keeps its origin and counts the success.
 */
function learnOutcome(pattern: Pattern, fix: { action: string; commands: string[] }, worked: boolean, at: string, observed?: number): void {
  let entry = pattern.resolutions.find((r) => r.action === fix.action);
  if (!entry) {
    entry = { action: fix.action, commands: fix.commands, successes: 0, failures: 0, recent: [], ...(observed !== undefined ? { learnedFrom: 'observed' as const, confidence: observed } : { learnedFrom: 'stated' as const }) };
    pattern.resolutions.push(entry);
  } else if (observed !== undefined && entry.learnedFrom === 'observed') entry.confidence = Math.max(entry.confidence ?? 0, observed);
  else if (observed === undefined && entry.learnedFrom === 'observed') {
    // Stated by the model after being seen: it is a stated fix now.
    entry.learnedFrom = 'stated';
    delete entry.confidence;
  }
  if (worked) entry.successes += 1;
  else entry.failures += 1;
  entry.lastUsed = at;
  entry.recent = [worked, ...entry.recent].slice(0, MAX_RECENT_OUTCOMES);
}

/** Evidence lines learned per record: bounded, cause lines first (line-role.ts), then in order. */
export const MAX_LEARNED_EVIDENCE = MAX_PATTERN_LINES - 1;

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
function bestOf(patterns: Pattern[]): Pattern | undefined {
  return patterns.reduce<Pattern | undefined>((best, p) => {
    if (best === undefined) return p;
    const key = (x: Pattern): number => (x.resolutions.length > 0 ? 1e12 : 0) + x.count;
    return key(p) > key(best) ? p : best;
  }, undefined);
}

/**
 * Pure (mutates `into`): merge of two pattern sets by pattern id and resolution action.
 *
 * Parser ids are local: the same event can have another id on another host (its first line was
 * another). So each incoming pattern's current template is learned into the local parser (masking
 * is idempotent on templates, so it joins or founds the group its lines would), and the pattern is
 * merged with the local one of the same id or of the same group and subject, taking the local id
 * for its fingerprint. The incoming parser state itself is not merged: its counts and recency are
 * the other host's, and templates are what carries over.
 */
export function mergePatterns(into: PatternsDoc, incoming: PatternsDoc, maxTemplates = ENGINE_MAX_TEMPLATES): { added: number; merged: number } {
  let added = 0;
  let merged = 0;
  const fp = loadFingerprinter(into, maxTemplates);
  const theirFp = incoming.fingerprinter ? loadFingerprinter(incoming, maxTemplates) : null;
  for (const theirs of incoming.patterns) {
    const theirTemplate = theirFp?.template(theirs.fingerprint) ?? theirs.template;
    const group = fp.resolve(fp.learn(theirTemplate).fingerprint);
    const subject = theirs.subject || undefined;
    const ours =
      into.patterns.find((p) => p.id === theirs.id) ??
      bestOf(into.patterns.filter((p) => (p.subject || undefined) === subject && fp.resolve(p.fingerprint) === group));
    if (!ours) {
      into.patterns.push({ ...structuredClone(theirs), fingerprint: group, template: fp.template(group) ?? theirTemplate });
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
  into.fingerprinter = fp.toJSON();
  return { added, merged };
}
