import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';

export type LogLevel = 'error' | 'warn' | 'notice' | 'info' | 'debug';

export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  notice(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  /** Waits until buffered lines reached their files, so a oneshot does not lose its last words. */
  close(): Promise<void>;
}

export interface LoggerOptions {
  program: string;
  level?: LogLevel;
  /** Where error.log goes; warn and above are written there. Omit for stderr only. */
  logDir?: string;
  errorLogMaxBytes?: number;
  errorLogFiles?: number;
  /** Applied to every message and meta value before it leaves the process. */
  redact?: (text: string) => string;
  /** Defaults to process.stderr. Never stdout: that is the MCP channel. */
  stderr?: NodeJS.WritableStream;
}

// sd-daemon(3) priorities, so `journalctl -p err` filters what we write to stderr.
const SD_PRIORITY: Record<string, number> = { error: 3, warning: 4, notice: 5, info: 6, debug: 7 };
const WINSTON_LEVEL: Record<LogLevel, string> = { error: 'error', warn: 'warning', notice: 'notice', info: 'info', debug: 'debug' };

function formatMeta(meta: Record<string, unknown>): string {
  const parts = Object.entries(meta)
    .filter(([key]) => !['level', 'message', 'timestamp', 'program'].includes(key) && typeof key === 'string')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/** Pure: the line written to stderr for journald. Newlines are folded so one entry stays one journal line. */
export function formatJournalLine(level: string, message: string, meta: Record<string, unknown> = {}): string {
  const priority = SD_PRIORITY[level] ?? 6;
  return `<${priority}>${(message + formatMeta(meta)).replace(/\r?\n/g, ' \u23ce ')}\n`;
}

export function createLogger(options: LoggerOptions): Logger {
  const redact = options.redact ?? ((text: string) => text);
  const scrub = winston.format((info) => {
    info.message = redact(String(info.message));
    for (const key of Object.keys(info)) {
      if (key === 'level' || key === 'message') continue;
      const value = info[key];
      info[key] = typeof value === 'string' ? redact(value) : value === undefined ? value : JSON.parse(redact(JSON.stringify(value)));
    }
    return info;
  });
  const stderr = options.stderr ?? process.stderr;
  const journalStream = new Writable({
    write(chunk: { level: string; message: string } & Record<string, unknown>, _enc, done) {
      stderr.write(formatJournalLine(chunk.level, chunk.message, chunk));
      done();
    },
    objectMode: true,
  });
  const transports: winston.transport[] = [new winston.transports.Stream({ stream: journalStream })];
  if (options.logDir) {
    try {
      mkdirSync(options.logDir, { recursive: true, mode: 0o750 });
      transports.push(
        new winston.transports.File({
          filename: join(options.logDir, 'error.log'),
          level: 'warning',
          maxsize: options.errorLogMaxBytes ?? 1_048_576,
          maxFiles: options.errorLogFiles ?? 5,
          tailable: true,
          format: winston.format.combine(
            winston.format.timestamp(),
            winston.format.printf((info) => `${info.timestamp} ${info.level} ${options.program}: ${info.message}${formatMeta(info)}`),
          ),
        }),
      );
    } catch (err) {
      stderr.write(formatJournalLine('warning', `${options.program}: no error.log, couldn't create ${options.logDir}: ${(err as Error).message}`));
    }
  }
  const inner = winston.createLogger({
    levels: winston.config.syslog.levels,
    level: WINSTON_LEVEL[options.level ?? 'info'],
    format: scrub(),
    transports,
    exitOnError: false,
  });
  const at = (level: LogLevel) => (message: string, meta?: Record<string, unknown>) => {
    inner.log(WINSTON_LEVEL[level], message, meta ?? {});
  };
  return {
    error: at('error'),
    warn: at('warn'),
    notice: at('notice'),
    info: at('info'),
    debug: at('debug'),
    close: () =>
      new Promise<void>((resolve) => {
        const files = transports.filter((t) => t instanceof winston.transports.File);
        if (!files.length) return resolve();
        let pending = files.length;
        for (const t of files) t.once('finish', () => --pending === 0 && resolve());
        inner.end();
        setTimeout(resolve, 2000).unref();
      }),
  };
}

/** For tests and library callers that do not care about logs. */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  notice() {},
  info() {},
  debug() {},
  close: async () => {},
};
