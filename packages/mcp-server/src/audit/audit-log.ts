import { appendFile, chmod, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDir } from '@ldm/core';

export interface AuditEntry {
  time: string;
  tool: string;
  args: unknown;
  decision?: string;
  rule?: string;
  exitCode?: number | null;
  /** How a human approved the action, or the pending approval it asked for. */
  approval?: { id?: string; via: 'elicitation' | 'host-cli'; by?: string };
  isError: boolean;
  durationMs: number;
}

export interface AuditOptions {
  file: string;
  maxBytes: number;
  files: number;
  redact: (text: string) => string;
  onError?: (err: Error) => void;
}

const MAX_STRING = 2048;

/** Pure: long strings (file contents, stdin) are cut so one call cannot flood the audit log. */
export function shortenForAudit(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(+${value.length - MAX_STRING} chars)` : value;
  if (Array.isArray(value)) return value.slice(0, 200).map(shortenForAudit);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenForAudit(v)]));
  return value;
}

/** Pure: one JSON line, secrets redacted in every string. */
export function auditLine(entry: AuditEntry, redact: (text: string) => string): string {
  const json = JSON.stringify({ ...entry, args: shortenForAudit(entry.args) });
  // Redacting the JSON text keeps it simple; a redaction that breaks the JSON falls back to redacting values.
  const redacted = redact(json);
  try {
    JSON.parse(redacted);
    return `${redacted}\n`;
  } catch {
    return `${JSON.stringify(JSON.parse(json, (_k, v: unknown) => (typeof v === 'string' ? redact(v) : v)))}\n`;
  }
}

/**
 * audit.log in the log dir: one JSON line per tool call, mode 0640, rotated to audit.log.1..N
 * when it would grow past maxBytes. Appends are serialised so lines never interleave.
 */
export class AuditLog {
  private queue: Promise<void> = Promise.resolve();
  private size: number | null = null;

  constructor(private readonly options: AuditOptions) {}

  append(entry: AuditEntry): Promise<void> {
    const line = auditLine(entry, this.options.redact);
    this.queue = this.queue.then(() => this.write(line)).catch((err: unknown) => this.options.onError?.(err as Error));
    return this.queue;
  }

  private async write(line: string): Promise<void> {
    const { file } = this.options;
    if (this.size === null) {
      // Not mkdir {recursive}: it never returns for some paths (under /proc); ensureDir always ends.
      await ensureDir(dirname(file), 0o750);
      this.size = await stat(file).then((s) => s.size, () => 0);
    }
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.options.maxBytes) {
      await this.rotate();
      this.size = 0;
    }
    const created = this.size === 0;
    await appendFile(file, line, { mode: 0o640 });
    // appendFile's mode applies only to a new file, and the umask may have widened or narrowed it.
    if (created) await chmod(file, 0o640);
    this.size += bytes;
  }

  private async rotate(): Promise<void> {
    const { file, files } = this.options;
    for (let n = files - 1; n >= 1; n--) await rename(`${file}.${n}`, `${file}.${n + 1}`).catch(() => {});
    await rename(file, `${file}.1`).catch(() => {});
  }
}
