import { tailFile } from '../paths/tail-file';
import { join } from 'node:path';
import { AuditEntrySchema, hostActionOf, type HostAction } from './observed-fixes';

/** Bytes read from the end of each audit file: bounds the read on a host with a long history. */
export const AUDIT_TAIL_BYTES = 1_048_576;


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
  const [older, current] = await Promise.all([tailFile(`${file}.1`, AUDIT_TAIL_BYTES), tailFile(file, AUDIT_TAIL_BYTES)]);
  return parseHostActions(`${older}\n${current}`, since);
}
