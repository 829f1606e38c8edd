import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { LoggingLevelSchema, SetLevelRequestSchema, type LoggingLevel, type ServerNotification } from '@modelcontextprotocol/sdk/types.js';

const SEVERITY = new Map(LoggingLevelSchema.options.map((level, i) => [level, i]));

/** Pure: whether a message at `level` goes to a client that asked for `threshold` (null: never asked). */
export function wantsLog(threshold: LoggingLevel | null, level: LoggingLevel): boolean {
  return threshold !== null && SEVERITY.get(level)! >= SEVERITY.get(threshold)!;
}

/**
 * notifications/message for one session, sent only once its client has set a level with
 * logging/setLevel: a client that never asks gets none (the SDK alone would send them all).
 * Messages go on the stream of the request they are about.
 */
export class SessionLog {
  private threshold: LoggingLevel | null = null;

  /** Takes over logging/setLevel on `server`, which must declare the logging capability. */
  install(server: Server): void {
    server.setRequestHandler(SetLevelRequestSchema, async (request) => {
      this.threshold = request.params.level;
      return {};
    });
  }

  send(send: ((n: ServerNotification) => Promise<void>) | undefined, level: LoggingLevel, data: string): void {
    if (!send || !wantsLog(this.threshold, level)) return;
    send({ method: 'notifications/message', params: { level, logger: 'ldm-mcp-server', data } }).catch(() => {});
  }
}
