import { scrubSecrets, type Channel } from './channels';
import { recordResult, takeDue, type NotifyState, type OutboxLimits, type PendingItem } from './outbox';

export interface DeliverOptions {
  limits: OutboxLimits & { timeoutMs: number; budgetMs: number };
  now: () => Date;
  /** Most sends one channel makes in one run; the rest wait for the next. */
  perChannel?: number;
}

export interface SendResult {
  item: PendingItem;
  ok: boolean;
  error?: string;
}

/**
 * Sends what is due: channels in parallel, each channel's items in order. Each send has timeoutMs,
 * the whole budgetMs; what is not sent by then stays queued, so a dead channel never holds a run
 * up for longer than the budget.
 */
export async function deliver(state: NotifyState, channels: Channel[], options: DeliverOptions): Promise<{ state: NotifyState; results: SendResult[] }> {
  const { limits, now } = options;
  const taken = takeDue(state, now(), limits, channels.map((c) => c.name));
  let current = taken.state;
  const results: SendResult[] = [];
  const budget = AbortSignal.timeout(limits.budgetMs);
  const perChannel = options.perChannel ?? 10;
  await Promise.all(
    channels.map(async (channel) => {
      const items = taken.due.filter((p) => p.channel === channel.name).slice(0, perChannel);
      for (const item of items) {
        if (budget.aborted) return;
        let result: SendResult;
        try {
          await channel.send(item.event, AbortSignal.any([budget, AbortSignal.timeout(limits.timeoutMs)]));
          result = { item, ok: true };
        } catch (err) {
          result = { item, ok: false, error: scrubSecrets((err as Error).message, channel.secrets) };
        }
        results.push(result);
        current = recordResult(current, item.id, result.ok ? { ok: true } : { ok: false, error: result.error ?? 'failed' }, now(), limits);
        // A channel that just failed is not tried again in this run.
        if (!result.ok) return;
      }
    }),
  );
  return { state: current, results };
}
