import { RotatingFile } from '@ldm/core';
import type { ApprovalFacts } from './audit-facts';

export interface AuditEntry {
  time: string;
  tool: string;
  args: unknown;
  decision?: string;
  rule?: string;
  exitCode?: number | null;
  /** How a human approved the action, or the pending approval it asked for. */
  approval?: ApprovalFacts;
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
 * when it would grow past maxBytes, by the same rotation as error.log (core's RotatingFile), which
 * stays right when several sessions (processes) append at once.
 */
export class AuditLog {
  private readonly file: RotatingFile;

  constructor(private readonly options: AuditOptions) {
    this.file = new RotatingFile({ file: options.file, maxBytes: options.maxBytes, files: options.files, mode: 0o640 });
  }

  /** Never rejects: a failed append goes to onError, and the next one tries again. */
  append(entry: AuditEntry): Promise<void> {
    return this.file.append(auditLine(entry, this.options.redact)).catch((err: unknown) => this.options.onError?.(err as Error));
  }
}
