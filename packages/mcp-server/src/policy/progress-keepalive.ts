import type { ProgressToken, ServerNotification } from '@modelcontextprotocol/sdk/types.js';

/** How often a call that waits for a human tells its client it is alive. */
export const PROGRESS_EVERY_MS = 5000;

/**
 * While a tool call waits for a human, sends notifications/progress on the call's own stream
 * every `everyMs`, so a client that resets its timeout on progress waits as long as the human
 * takes. Without a progress token from the client there is nothing to send. Returns the stop.
 */
export function keepAlive(
  send: ((n: ServerNotification) => Promise<void>) | undefined,
  token: ProgressToken | undefined,
  message: string,
  everyMs = PROGRESS_EVERY_MS,
): () => void {
  if (!send || token === undefined) return () => {};
  let progress = 0;
  const timer = setInterval(() => {
    progress += 1;
    send({ method: 'notifications/progress', params: { progressToken: token, progress, message } }).catch(() => {});
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
