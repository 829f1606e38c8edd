// Reading `journalctl -o json` output: one object per line, fields limited by --output-fields.

export interface JournalEntry {
  /** The unit the line is about: UNIT for the manager's lines about a unit, else the sender's unit; "kernel" or the ident without one. */
  unit: string;
  ident: string;
  pid: number | null;
  message: string;
  /** __REALTIME_TIMESTAMP, microseconds since the epoch. */
  usec: string;
}

/** The fields asked for: the rest of an entry is never read, so never printed (and 10,000 entries stay small). */
export const JOURNAL_FIELDS = ['MESSAGE', 'UNIT', '_SYSTEMD_UNIT', 'SYSLOG_IDENTIFIER', '_PID', '_TRANSPORT'];

const MAX_MESSAGE_CHARS = 1024;

// journald stores a message that is not valid UTF-8 as an array of bytes.
function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((b) => typeof b === 'number')) return Buffer.from(value as number[]).toString('utf8');
  return null;
}

/**
 * Pure: the entry as `journalctl -o short-iso` prints it (host "localhost"), so line roles
 * (learn/line-role.ts) read its header. Built only for the lines that are kept as evidence.
 */
export function entryLine(e: JournalEntry): string {
  const ms = Number(e.usec) / 1000;
  const time = `${(Number.isFinite(ms) ? new Date(ms) : new Date(0)).toISOString().slice(0, 19)}+0000`;
  return `${time} localhost ${e.ident}${e.pid === null ? '' : `[${e.pid}]`}: ${e.message}`;
}

/**
 * Pure: the entries of `journalctl -o json` output and the cursor of the last one. A line that is
 * not an entry (journalctl's own notes) is skipped; control characters never reach a message.
 */
export function parseJournalJson(stdout: string): { entries: JournalEntry[]; cursor: string | null } {
  const entries: JournalEntry[] = [];
  let cursor: string | null = null;
  let from = 0;
  while (from < stdout.length) {
    let to = stdout.indexOf('\n', from);
    if (to < 0) to = stdout.length;
    const raw = stdout.slice(from, to);
    from = to + 1;
    if (raw.charCodeAt(0) !== 123) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof e.__CURSOR === 'string') cursor = e.__CURSOR;
    const message = text(e.MESSAGE);
    if (message === null) continue;
    const clean = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_MESSAGE_CHARS);
    const kernel = e._TRANSPORT === 'kernel';
    const ident = text(e.SYSLOG_IDENTIFIER) ?? (kernel ? 'kernel' : 'unknown');
    const pid = kernel ? null : Number(text(e._PID)) || null;
    const unit = text(e.UNIT) ?? text(e._SYSTEMD_UNIT) ?? (kernel ? 'kernel' : ident);
    entries.push({ unit, ident, pid, message: clean, usec: typeof e.__REALTIME_TIMESTAMP === 'string' ? e.__REALTIME_TIMESTAMP : '0' });
  }
  return { entries, cursor };
}
