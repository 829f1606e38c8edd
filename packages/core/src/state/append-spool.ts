import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tempPathFor } from './atomic-write';
import { defaultHolderProbe } from './holder-probe';

// Group commit for appends. A writer that only adds a record puts it in a small file beside the
// document (`incidents.json.append.KEY`), then waits for the lock; whoever holds the lock next
// (any writer of the document) adds every such record in its one rewrite and removes their files
// after the document is durable. So eight writers appending at once cost about one or two
// rewrites each, not eight in a row, and a writer whose file is gone knows its record is stored.
// A holder killed between its write and the removals leaves files whose records are already in
// the document: the next holder skips them by key and removes them.

/** At most this many spooled records go into one write; the rest wait for the next. */
export const MAX_DRAINED = 200;

const marker = (file: string) => `${basename(file)}.append.`;

/** The spool file of a record for `file`; `key` must be unique (the record's id) and sort by age. */
export const spoolPathOf = (file: string, key: string): string => join(dirname(file), `${marker(file)}${key}`);

/**
 * Writes a record's spool file; the record is stored once a holder drains it (the file is gone).
 * Whole when visible (temp file and rename), but not fsynced: the record is acknowledged only
 * once the document holding it is durable, so a spool file lost in a power cut was never promised.
 */
export async function spoolRecord(file: string, key: string, record: unknown): Promise<string> {
  const path = spoolPathOf(file, key);
  const tmp = tempPathFor(path, await defaultHolderProbe().self());
  const handle = await open(tmp, 'wx', 0o640);
  try {
    await handle.writeFile(JSON.stringify(record));
  } finally {
    await handle.close();
  }
  await rename(tmp, path).catch(async (err: unknown) => {
    await unlink(tmp).catch(() => {});
    throw err;
  });
  return path;
}

export const isSpooled = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

export interface Spooled {
  path: string;
  /** The parsed record; undefined when the file was not JSON (it is removed all the same). */
  value: unknown;
}

/** The records waiting for `file`, oldest key first, at most MAX_DRAINED. */
export async function readSpool(file: string): Promise<Spooled[]> {
  const prefix = marker(file);
  const names = (await readdir(dirname(file))).filter((n) => n.startsWith(prefix)).sort().slice(0, MAX_DRAINED);
  const out: Spooled[] = [];
  for (const name of names) {
    const path = join(dirname(file), name);
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text === null) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    out.push({ path, value });
  }
  return out;
}

/** After the document holding them is durable. A file already gone was removed by an earlier holder. */
export async function removeSpooled(spooled: readonly Spooled[]): Promise<void> {
  for (const s of spooled) await unlink(s.path).catch(() => {});
}
