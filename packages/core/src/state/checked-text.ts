import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { nodeCrypto } from '../node/on-demand';
import { VERSION } from '../version';

// What a writer of this release validated: beside each document, `.FILE.checked` holds the
// sha256 of the text it last wrote (with the release's version, since another release may
// validate differently). A reader whose text hashes to it parses the text and skips the schema:
// hashing 1 MB takes a few ms, validating thousands of records tens of ms, and building the
// schemas in a fresh process more. Any other text (a hand edit, an older release's write, a write
// whose key a crash lost) is validated in full, as before. The key is a cache: written without
// fsync, and a torn one only costs a full validation.

export const checkedPathOf = (file: string): string => join(dirname(file), `.${basename(file)}.checked`);

export function checkedKey(text: string): string {
  return nodeCrypto().createHash('sha256').update(VERSION).update('\0').update(text).digest('hex');
}

/** The key written beside `file`, or null (none, or unreadable). */
export async function readCheckedKey(file: string): Promise<string | null> {
  return readFile(checkedPathOf(file), 'utf8').catch(() => null);
}

/** After `text` is in place as `file`, under its lock. Failing to write it costs only speed. */
export async function writeCheckedKey(file: string, text: string): Promise<void> {
  await writeFile(checkedPathOf(file), checkedKey(text), { mode: 0o640 }).catch(() => {});
}
