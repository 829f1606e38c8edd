import type { TrackedFinding } from '../state/check-state';
import { trackedKey } from '../checks/track-findings';
import { boundEvent, type NotifyEvent } from './notify-event';

export interface KnownFixNote {
  action: string;
  successes: number;
  failures: number;
}

/**
 * Pure: what changed between the findings open before a run and after it: a new one opened, a
 * warning that became critical, one that is gone (recovered). `fixes` holds the known fix by
 * tracked key, `evidence` the evidence lines, both from this run's incidents.
 */
export function findingEvents(
  before: TrackedFinding[],
  after: TrackedFinding[],
  now: Date,
  extra: { fixes?: Map<string, KnownFixNote>; evidence?: Map<string, string[]> } = {},
): NotifyEvent[] {
  const at = now.toISOString();
  const prev = new Map(before.map((t) => [trackedKey(t), t]));
  const next = new Map(after.map((t) => [trackedKey(t), t]));
  const events: NotifyEvent[] = [];
  const of = (kind: NotifyEvent['kind'], t: TrackedFinding) => {
    const key = trackedKey(t);
    const fix = extra.fixes?.get(key);
    return boundEvent({ kind, check: t.check, subject: t.subject, severity: t.severity, summary: t.summary, at, incidentId: t.incidentId, evidence: extra.evidence?.get(key) ?? [], ...(fix ? { knownFix: fix } : {}) });
  };
  for (const [key, t] of next) {
    const was = prev.get(key);
    if (!was) events.push(of('open', t));
    else if (was.severity === 'warn' && t.severity === 'crit') events.push(of('escalate', t));
  }
  for (const [key, t] of prev) if (!next.has(key)) events.push(of('recover', t));
  return events;
}
