import type { NotifyMessage } from './build-message';
import type { NotifyEvent } from './notify-event';

/** Pure: the JSON body a webhook of `format` gets. Slack reads `text`, Discord `content` (at most 2000 chars). */
export function webhookBody(format: 'json' | 'slack' | 'discord', msg: NotifyMessage, event: NotifyEvent, host: string): unknown {
  const text = `${msg.title}\n${msg.body}`;
  if (format === 'slack') return { text };
  if (format === 'discord') return { content: text.length > 2000 ? `${text.slice(0, 1990)}…` : text };
  return {
    source: 'linux-devops-mcp',
    host,
    event: event.kind,
    severity: event.severity,
    recovered: msg.recovered,
    check: event.check,
    subject: event.subject,
    summary: event.summary,
    at: event.at,
    incidentId: event.incidentId ?? null,
    knownFix: event.knownFix ?? null,
    evidence: event.evidence,
    title: msg.title,
    text: msg.body,
  };
}
