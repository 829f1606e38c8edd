import type { Finding } from '../checks/types';
import type { Channel } from './channels';
import { deliver, type SendResult } from './deliver';
import type { NotifyConfig } from './notify-config';
import type { NotifyEvent } from './notify-event';
import { enqueue, failingChannels, notifyStateOf, type NotifyState } from './outbox';

/** The pseudo-check under which a channel that keeps failing is reported. */
export const NOTIFY_CHECK = 'notify';

export interface NotifyRunOutcome {
  /** What this run started from (state.json's `notify`), for mergeNotifyState. */
  snapshot: NotifyState;
  state: NotifyState;
  results: SendResult[];
  /** One finding per channel that failed notify.failingAfter sends in a row. */
  findings: Finding[];
}

/** Queues `events` on every channel, then sends what is due (this run's and earlier runs' leftovers). */
export async function runNotify(stored: unknown, events: NotifyEvent[], channels: Channel[], config: NotifyConfig, now: () => Date): Promise<NotifyRunOutcome> {
  const snapshot = notifyStateOf(stored);
  if (!channels.length) return { snapshot, state: snapshot, results: [], findings: [] };
  const queued = enqueue(snapshot, events, channels, now(), config);
  const sent = await deliver(queued.state, channels, { limits: config, now });
  return { snapshot, state: sent.state, results: sent.results, findings: channelFindings(sent.state, config, channels.map((c) => c.name)) };
}

/** Pure: a failing channel as a finding; its summary names the channel, never its URL. */
export function channelFindings(state: NotifyState, config: Pick<NotifyConfig, 'failingAfter'>, names: string[]): Finding[] {
  return failingChannels(state, config, names).map((f) => ({
    subject: `notify:${f.name}`,
    severity: 'warn',
    summary: `notification channel ${f.name} keeps failing; messages wait in the queue`,
    evidence: [`${f.failures} sends in a row failed since ${f.since}; last: ${f.lastError}`],
  }));
}
