import type { IncidentEngine } from '../learn/incident-engine';
import type { RecordOutcome } from '../learn/apply-record';
import type { Alert, IncidentSource, StateDoc } from '../state/schemas';
import type { TrackedFinding } from '../state/check-state';
import type { Finding } from './types';

export interface FindingInput {
  /** The check (or boot-check source) that produced it: clearing is decided per check. */
  check: string;
  finding: Finding;
}

export interface SyncInput {
  engine: IncidentEngine;
  source: IncidentSource;
  previous: TrackedFinding[];
  current: FindingInput[];
  /** Checks that ran to a verdict this time (ok/warn/crit). Only their missing findings are cleared: a check that failed or was skipped says nothing either way. */
  concluded: Set<string>;
  now: Date;
}

export interface SyncOutput {
  open: TrackedFinding[];
  recorded: Array<{ input: FindingInput; outcome: RecordOutcome }>;
  cleared: string[];
}

export const trackedKey = (t: Pick<TrackedFinding, 'check' | 'subject' | 'fingerprint'>) => keyOf(t.check, t.subject, t.fingerprint);
const keyOf = (check: string, subject: string, fingerprint: string) => `${check}\u0000${subject}\u0000${fingerprint}`;

/**
 * Findings become incidents through the engine (which dedups an open incident of the same problem),
 * and findings of the previous run that are gone now clear their incidents, so a recurrence opens
 * a new incident of the same pattern.
 */
export function syncFindings(input: SyncInput): Promise<SyncOutput> {
  // One write of the briefing digests for the whole run, not one per finding.
  return input.engine.batchWrites(() => recordAndClear(input));
}

async function recordAndClear(input: SyncInput): Promise<SyncOutput> {
  const recorded: SyncOutput['recorded'] = [];
  const open = new Map<string, TrackedFinding>();
  const previousByKey = new Map(input.previous.map((t) => [keyOf(t.check, t.subject, t.fingerprint), t]));
  for (const item of input.current) {
    const { finding } = item;
    const outcome = await input.engine.record({
      source: input.source,
      severity: finding.severity,
      summary: finding.summary,
      subject: finding.subject,
      evidence: finding.evidence,
      ...(finding.checks ? { checks: finding.checks } : {}),
      ...(finding.fromJournal ? { fromJournal: true } : {}),
      ...(finding.stateOnly ? { stateOnly: true } : {}),
    });
    recorded.push({ input: item, outcome });
    const fingerprint = outcome.incident.fingerprints[0] ?? input.engine.fingerprintOf(finding.summary).fingerprint;
    const key = keyOf(item.check, finding.subject, fingerprint);
    const before = previousByKey.get(key);
    open.set(key, {
      check: item.check,
      subject: finding.subject,
      fingerprint,
      severity: finding.severity,
      summary: finding.summary,
      incidentId: outcome.incident.id,
      since: before && before.incidentId === outcome.incident.id ? before.since : outcome.incident.time,
    });
  }
  const cleared: string[] = [];
  for (const [key, tracked] of previousByKey) {
    if (open.has(key)) continue;
    if (!input.concluded.has(tracked.check)) {
      open.set(key, tracked);
      continue;
    }
    cleared.push(...(await input.engine.clear(input.source, tracked.subject, tracked.fingerprint)));
  }
  return { open: [...open.values()], recorded, cleared };
}

/** Pure (mutates `state`): the alerts owned by `owner` become exactly `tracked`; an alert keeps its `since`. */
export function replaceAlerts(state: StateDoc, owner: string, tracked: Array<Pick<TrackedFinding, 'subject' | 'severity' | 'summary' | 'since'>>): void {
  const before = new Map(state.alerts.filter((a) => a.source === owner).map((a) => [a.id, a]));
  const mine: Alert[] = tracked.map((t) => {
    const id = `${owner}:${t.subject}`;
    return { id, source: owner, severity: t.severity, message: t.summary, since: before.get(id)?.since ?? t.since };
  });
  const unique = [...new Map(mine.map((a) => [a.id, a])).values()];
  state.alerts = [...state.alerts.filter((a) => a.source !== owner), ...unique];
}

/**
 * Pure: the open list to write back. `written` is what the document holds now, under the lock; an
 * entry in it that this run neither saw in its snapshot nor produced was added by another program
 * meanwhile (the boot check records standard findings as the healthcheck's), and is kept.
 */
export function mergeTracked(written: TrackedFinding[], snapshot: TrackedFinding[], mine: TrackedFinding[], cleared: TrackedFinding[] = []): TrackedFinding[] {
  const handled = new Set([...snapshot, ...mine, ...cleared].map(trackedKey));
  const merged = new Map(mine.map((t) => [trackedKey(t), t]));
  for (const t of written) if (!handled.has(trackedKey(t)) && !merged.has(trackedKey(t))) merged.set(trackedKey(t), t);
  return [...merged.values()];
}
