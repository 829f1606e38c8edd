import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditEntrySchema, hostActionOf, type HostAction } from './observed-fixes';

/** Bytes read from the end of each audit file: bounds the read on a host with a long history. */
export const AUDIT_TAIL_BYTES = 1_048_576;

async function tail(path: string, bytes: number): Promise<string> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new Error(`couldn't open the audit log ${path}`, { cause: err });
  });
  if (!fh) return '';
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    // A cut first line is not a whole entry.
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await fh.close();
  }
}

/** Pure: the host changes in audit log text (one JSON entry a line), from `since` on, oldest first. */
export function parseHostActions(text: string, since: string): HostAction[] {
  const out: HostAction[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const entry = AuditEntrySchema.safeParse(raw);
    if (!entry.success || entry.data.time < since) continue;
    const action = hostActionOf(entry.data);
    if (action) out.push(action);
  }
  return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/** The host changes the MCP server's audit log (logDir/audit.log and its last rotation) holds since `since`. */
export async function readHostActions(logDir: string, since: string): Promise<HostAction[]> {
  const file = join(logDir, 'audit.log');
  const [older, current] = await Promise.all([tail(`${file}.1`, AUDIT_TAIL_BYTES), tail(file, AUDIT_TAIL_BYTES)]);
  return parseHostActions(`${older}\n${current}`, since);
}
