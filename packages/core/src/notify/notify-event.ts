import * as z from 'zod';
import { cutText } from '../text/cut-text';

// What a notification is about, stored in the pending queue of state.json: bounded, and free of
// secrets by construction (no channel URL or token is ever part of it).

export const NOTIFY_EVENT_KINDS = ['open', 'escalate', 'recover', 'test'] as const;

export const NotifyEventSchema = z.looseObject({
  kind: z.enum(NOTIFY_EVENT_KINDS),
  /** The check (or `unit-failure` for the OnFailure hook, `notify` for a failing channel). */
  check: z.string().max(200),
  subject: z.string().max(300),
  severity: z.enum(['warn', 'crit']),
  summary: z.string().max(600),
  /** When it happened, ISO 8601. */
  at: z.string(),
  incidentId: z.string().max(100).optional(),
  evidence: z.array(z.string().max(300)).max(10).default([]),
  /** The known fix and how often it worked. */
  knownFix: z.strictObject({ action: z.string().max(500), successes: z.number().int().min(0), failures: z.number().int().min(0) }).optional(),
});

export type NotifyEvent = z.infer<typeof NotifyEventSchema>;
export type NotifyEventInput = z.input<typeof NotifyEventSchema>;

/** Pure: an event with every text cut to what the queue stores. */
export function boundEvent(e: NotifyEventInput): NotifyEvent {
  return {
    ...e,
    check: cutText(e.check, 200),
    subject: cutText(e.subject, 300),
    summary: cutText(e.summary, 600),
    evidence: (e.evidence ?? []).slice(-10).map((l) => cutText(l, 300)),
    ...(e.incidentId ? { incidentId: cutText(e.incidentId, 100) } : {}),
    ...(e.knownFix ? { knownFix: { ...e.knownFix, action: cutText(e.knownFix.action, 500) } } : {}),
  };
}

/** Pure: the key by which the same event is not sent twice (per channel, within notify.dedupMin). */
export function dedupKeyOf(e: Pick<NotifyEvent, 'kind' | 'check' | 'subject' | 'severity'>): string {
  return `${e.kind}|${e.check}|${e.subject}|${e.severity}`;
}
