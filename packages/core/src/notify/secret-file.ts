import { open } from 'node:fs/promises';
import { constants } from 'node:fs';

/** The largest secret file read: a URL, a token or a password, never a document. */
export const SECRET_FILE_MAX_BYTES = 4096;

export interface SecretStat {
  mode: number;
  uid: number;
  isFile: boolean;
}

/**
 * Pure: why a secret file may not be used, or null. It must be a regular file owned by root (or by
 * the user reading it, for tests and unprivileged installs) that neither group nor others can read.
 */
export function secretFileProblem(path: string, st: SecretStat, readerUid: number): string | null {
  if (!st.isFile) return `${path} is not a regular file`;
  if (st.uid !== 0 && st.uid !== readerUid) return `${path} is owned by uid ${st.uid}; it must be owned by root`;
  if (st.mode & 0o077) return `${path} has mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}; a secret file must be readable only by its owner (chmod 600 ${path})`;
  return null;
}

/**
 * Reads a secret (trimmed) after checking its owner and mode on the opened file, so a file swapped
 * between the check and the read is not read. Errors name the file, never its content.
 */
export async function readSecretFile(path: string, readerUid = process.getuid?.() ?? 0): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw new Error(`couldn't open the secret file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  try {
    const st = await handle.stat();
    const problem = secretFileProblem(path, { mode: st.mode, uid: st.uid, isFile: st.isFile() }, readerUid);
    if (problem) throw new Error(`refusing the secret file: ${problem}`);
    if (st.size > SECRET_FILE_MAX_BYTES) throw new Error(`the secret file ${path} has ${st.size} bytes; at most ${SECRET_FILE_MAX_BYTES}`);
    const text = (await handle.readFile({ encoding: 'utf8' })).trim();
    if (!text) throw new Error(`the secret file ${path} is empty`);
    return text;
  } finally {
    await handle.close();
  }
}
