import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import * as z from 'zod';

/**
 * What a restarted server needs to take a session back: who opened it and what the client said
 * in its initialize. The id itself is not kept, only its hash: the file is no list of live ids.
 */
export const SessionRecordSchema = z.object({
  idHash: z.string().length(64),
  principal: z.string().max(200),
  lastSeen: z.number(),
  clientInfo: z.object({ name: z.string().max(200), version: z.string().max(100) }).loose().optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
});
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

const BookSchema = z.object({ version: z.literal(1), sessions: z.array(SessionRecordSchema).max(10_000) });

/** A record that is larger than this (a client's capabilities are small) is not kept. */
const MAX_RECORD_BYTES = 8192;

export const hashSessionId = (id: string): string => createHash('sha256').update(id).digest('hex');

/**
 * Pure: the records worth keeping: not idle longer than `idleMs`, not too large, at most `max`,
 * the most recently seen first.
 */
export function keepRecords(records: SessionRecord[], now: number, idleMs: number, max: number): SessionRecord[] {
  return records
    .filter((r) => now - r.lastSeen <= idleMs && JSON.stringify(r).length <= MAX_RECORD_BYTES)
    .sort((a, b) => b.lastSeen - a.lastSeen)
    .slice(0, max);
}

/**
 * The HTTP server's sessions on disk (a file of its own under the state dir, mode 0600, written
 * whole through a rename), so that a restart or a standby stop followed by socket activation
 * does not end them. Only this process writes it.
 */
export class SessionBook {
  /** What the file holds now, so an unchanged book is not written again. */
  private written: string | null = null;

  constructor(private readonly file: string) {}

  /** The records on disk; none when the file is missing or unreadable (sessions then start anew). */
  async load(): Promise<SessionRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`couldn't read the HTTP session book ${this.file}`, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text || '{}');
    } catch (err) {
      throw new Error(`the HTTP session book ${this.file} is not JSON`, { cause: err });
    }
    const parsed = BookSchema.safeParse(json);
    if (!parsed.success) throw new Error(`the HTTP session book ${this.file} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    return parsed.data.sessions;
  }

  async save(records: SessionRecord[]): Promise<void> {
    const text = JSON.stringify({ version: 1, sessions: records });
    if (text === this.written) return;
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, this.file);
    this.written = text;
  }
}
