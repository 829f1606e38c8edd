import type { DocumentStore } from '../state/document-store';
import { newIncidentId } from '../state/document-store';
import type { Incident, IncidentSource, Pattern, PatternsDoc } from '../state/schemas';
import { observedFix, type HostAction, type ObservedFix } from './observed-fixes';
import { findKnownFixes, type KnownFix } from './known-fix';
import { migratePatterns, PATTERNS_VERSION } from './migrate-patterns';
import { ENGINE_MAX_TEMPLATES, FingerprinterCache, knownFixQuery, learnableText, loadFingerprinter, statelessFingerprint } from './pattern-fingerprinter';
import { applyRecord, bestOf, current, MAX_BOOT_SAMPLES, MAX_SUBJECTS, type ApplyRecordOptions, type RecordInput, type RecordOutcome } from './apply-record';

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

const MAX_RECENT_OUTCOMES = 10;
const DEFAULT_MAX_PATTERNS = 2000;



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
    // Read before the locks: only used when this is a new occurrence, and never worth holding them for.
    const uptime = (await this.options.uptimeSec?.().catch(() => null)) ?? null;
    const options: ApplyRecordOptions = { now, uptimeSec: uptime, newId: () => newIncidentId(now), minConfidence: this.minConfidence, maxPatterns: this.options.maxPatterns ?? DEFAULT_MAX_PATTERNS };
    try {
      // Lock order: patterns.json, then incidents.json (as everywhere).
      return await this.updatePatterns(async (doc) => {
        const fp = this.fingerprints.get(doc);
        const outcome = await this.store.update('incidents', (idoc) => applyRecord({ patterns: doc, incidents: idoc }, fp, input, options));
        this.fingerprints.store(doc, fp);
        return outcome;
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
