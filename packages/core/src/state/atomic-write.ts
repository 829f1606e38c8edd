import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `file` with `data` so that a reader or a crash sees either the old or the new
 * content, never a mix: temp file in the same directory, fsync, rename, fsync the directory.
 */
let tmpSeq = 0;

export async function writeFileAtomic(file: string, data: string | Buffer, mode = 0o640): Promise<void> {
  const dir = dirname(file);
  // Unique per process (pid) and per write (sequence); 'wx' refuses a name that already exists.
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${(++tmpSeq).toString(36)}${Date.now().toString(36)}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw new Error(`couldn't write ${tmp}`, { cause: err });
  }
  await handle.close();
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw new Error(`couldn't rename ${tmp} over ${file}`, { cause: err });
  }
  await fsyncDir(dir);
}

/** Makes a rename durable: without this, a power cut can lose the new directory entry. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
