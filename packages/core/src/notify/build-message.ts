import { cutText } from '../text/cut-text';
import type { NotifyEvent } from './notify-event';

/** One message, before a channel shapes it: a title line and a plain-text body. */
export interface NotifyMessage {
  title: string;
  body: string;
  severity: 'warn' | 'crit';
  recovered: boolean;
  /** ntfy priority, 1..5. */
  priority: number;
}

const TITLE_MAX = 250;
const BODY_MAX = 3500;

const LABEL: Record<NotifyEvent['kind'], (e: NotifyEvent) => string> = {
  open: (e) => (e.severity === 'crit' ? 'CRITICAL' : 'WARNING'),
  escalate: () => 'CRITICAL (was warning)',
  recover: () => 'RECOVERED',
  test: () => 'TEST',
};

/** Pure: "how often it worked" as people read it. */
export function fixRecord(fix: { successes: number; failures: number }): string {
  const total = fix.successes + fix.failures;
  return total === 0 ? 'not tried yet' : `worked ${fix.successes} of ${total} time${total === 1 ? '' : 's'}`;
}

/** Pure: the message for an event on `host`; bounded (title 250, body 3500 chars). */
export function buildMessage(e: NotifyEvent, host: string): NotifyMessage {
  const recovered = e.kind === 'recover';
  const title = cutText(`[${LABEL[e.kind](e)}] ${host}: ${e.summary}`, TITLE_MAX);
  const lines = [
    `Host: ${host}`,
    e.kind === 'test' ? 'What: a test message from ldm-healthcheck --test-notify' : `What: ${e.summary}${recovered ? ' (resolved)' : ''}`,
    `Check: ${e.check} (${e.subject})`,
    `When: ${e.at}`,
  ];
  if (e.incidentId) lines.push(`Incident: ${e.incidentId}`);
  if (e.knownFix && !recovered) lines.push(`Known fix: ${e.knownFix.action} (${fixRecord(e.knownFix)})`);
  if (e.evidence.length && !recovered) lines.push('Evidence:', ...e.evidence.map((l) => `  ${l}`));
  return {
    title,
    body: cutText(lines.join('\n'), BODY_MAX),
    severity: e.severity,
    recovered,
    priority: recovered || e.kind === 'test' ? 3 : e.severity === 'crit' ? 5 : 4,
  };
}
