import { join } from 'node:path';
import { RotatingFile } from './rotating-file';
import { ensureDir } from '../paths/ensure-dir';
import type winstonType from 'winston';
import type TransportStream from 'winston-transport';

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
const PRIORITY: Record<LogLevel, number> = { error: 3, warn: 4, notice: 5, info: 6, debug: 7 };
const SD_PRIORITY: Record<string, number> = { error: 3, warning: 4, warn: 4, notice: 5, info: 6, debug: 7 };
const WINSTON_LEVEL: Record<LogLevel, string> = { error: 'error', warn: 'warning', notice: 'notice', info: 'info', debug: 'debug' };
const RESERVED = new Set(['level', 'message', 'timestamp', 'program']);

function formatMeta(meta: Record<string, unknown>): string {
  const parts = Object.entries(meta)
    .filter(([key, value]) => !RESERVED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/**
 * Pure: the text written to stderr for journald. journald gives each stderr line its own entry and
 * reads the `<N>` prefix per line, so every line of a multi-line message carries the priority:
 * the lines naming the bad keys under "invalid config" must show in `journalctl -p err` too.
 */
export function formatJournalLine(level: string, message: string, meta: Record<string, unknown> = {}): string {
  const priority = SD_PRIORITY[level] ?? 6;
  const lines = (message + formatMeta(meta)).split(/\r?\n/);
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => `<${priority}>${line}\n`).join('');
}

function redactMeta(meta: Record<string, unknown>, redact: (text: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    out[key] = typeof value === 'string' ? redact(value) : value === undefined ? value : JSON.parse(redact(JSON.stringify(value)));
  }
  return out;
}

/**
 * Journal lines go straight to stderr, synchronously, from the first line of a run: a crash at start
 * must still reach the journal. error.log (warn and above) is a winston logger, loaded on the first
 * warning (most runs never warn, and winston costs every binary about 30 ms and 3 MB at start),
 * whose transport appends through RotatingFile, the rotation audit.log uses too.
 */
export function createLogger(options: LoggerOptions): Logger {
  const redact = options.redact ?? ((text: string) => text);
  const stderr = options.stderr ?? process.stderr;
  const threshold = PRIORITY[options.level ?? 'info'];
  let fileLogger: Promise<winstonType.Logger | null> | null = null;
  let fileDisabled = !options.logDir;
  let closed = false;

  // A failing error.log (full disk, read-only, removed) must never crash or silence a run: the
  // journal is the log of record, so the file is dropped with one warning there.
  const fileFailed = (err: unknown) => {
    if (fileDisabled) return;
    fileDisabled = true;
    const code = (err as NodeJS.ErrnoException).code;
    stderr.write(formatJournalLine('warning', `${options.program}: error.log disabled, couldn't write ${join(options.logDir!, 'error.log')}: ${code && !(err as Error).message.includes(code) ? `${code} ` : ''}${(err as Error).message}`));
  };

  const openFile = (): Promise<winstonType.Logger | null> =>
    (fileLogger ??= (async () => {
      try {
        await ensureDir(options.logDir!, 0o750);
        const { default: winston } = await import('winston');
        const sink = new RotatingFile({ file: join(options.logDir!, 'error.log'), maxBytes: options.errorLogMaxBytes ?? 1_048_576, files: options.errorLogFiles ?? 5, mode: 0o640 });
        // winston shapes the records (syslog levels, timestamp, format); the one rotation the suite
        // has, safe across processes, writes them (log/rotating-file.ts).
        const TransportBase = (winston as unknown as { Transport: typeof TransportStream }).Transport;
        class ErrorLogTransport extends TransportBase {
          override log(info: Record<string | symbol, unknown>, next: () => void): void {
            sink.append(`${String(info[Symbol.for('message')])}\n`).then(
              () => {
                this.emit('logged', info);
                next();
              },
              (err: unknown) => {
                this.emit('error', err);
                next();
              },
            );
          }
        }
        const file = winston.createLogger({
          levels: winston.config.syslog.levels,
          level: 'warning',
          exitOnError: false,
          transports: [
            new ErrorLogTransport({
              format: winston.format.combine(
                winston.format.timestamp(),
                winston.format.printf((info) => `${info.timestamp} ${info.level} ${options.program}: ${info.message}${formatMeta(info)}`),
              ),
            }),
          ],
        });
        file.on('error', fileFailed);
        file.transports[0]?.on('error', fileFailed);
        return file;
      } catch (err) {
        fileFailed(err);
        return null;
      }
    })());

  const at = (level: LogLevel) => (message: string, meta: Record<string, unknown> = {}) => {
    if (PRIORITY[level] > threshold) return;
    const text = redact(message);
    const clean = redactMeta(meta, redact);
    stderr.write(formatJournalLine(level, text, clean));
    if (PRIORITY[level] <= PRIORITY.warn && !fileDisabled && !closed) {
      void openFile().then((file) => {
        if (!fileDisabled && !closed) file?.log(WINSTON_LEVEL[level], text, clean);
      }, fileFailed);
    }
  };

  return {
    error: at('error'),
    warn: at('warn'),
    notice: at('notice'),
    info: at('info'),
    debug: at('debug'),
    close: async () => {
      const file = await fileLogger;
      if (!file) return;
      await new Promise<void>((resolve) => {
        const transport = file.transports[0];
        // Bounded and holding the event loop: a oneshot must reach its own exit(code), never drain to 0.
        const timer = setTimeout(done, 2000);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        if (fileDisabled || !transport) return done();
        // Lines logged after close go to the journal only (winston would throw "write after end").
        closed = true;
        transport.once('finish', done);
        transport.once('error', done);
        file.end();
      });
    },
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
