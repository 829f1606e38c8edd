import { boundEvent, resolveChannels, scrubSecrets, type NotifyConfig, type SendDeps } from '@ldm/core';

export interface TestNotifyResult {
  channel: string;
  kind: string;
  ok: boolean;
  error?: string;
}

/** Sends one test message through every channel, all at once, each within notify.timeoutMs. Nothing is queued or retried. */
export async function testNotify(config: NotifyConfig, deps: SendDeps): Promise<TestNotifyResult[]> {
  const channels = await resolveChannels(config, deps);
  const at = deps.now().toISOString();
  const event = boundEvent({ kind: 'test', check: 'test-notify', subject: 'notify.channels', severity: 'warn', summary: 'test notification from linux-devops-mcp', at });
  return Promise.all(
    channels.map(async (c): Promise<TestNotifyResult> => {
      try {
        await c.send(event, AbortSignal.timeout(config.timeoutMs));
        return { channel: c.name, kind: c.kind, ok: true };
      } catch (err) {
        return { channel: c.name, kind: c.kind, ok: false, error: scrubSecrets((err as Error).message, c.secrets) };
      }
    }),
  );
}

/** One line per channel: "ok" or "FAILED" with the reason. */
export function renderTestNotify(results: TestNotifyResult[]): string {
  if (!results.length) return 'no notification channels configured (notify.channels is empty)\n';
  return results.map((r) => (r.ok ? `ok      ${r.channel} (${r.kind})` : `FAILED  ${r.channel} (${r.kind}): ${r.error}`)).join('\n') + '\n';
}
