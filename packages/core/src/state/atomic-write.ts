import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writerTag, type Holder } from './holder';
import { defaultHolderProbe } from './holder-probe';

let tmpSeq = 0;

/**
 * A temp file's name for `file`, in its directory: `.FILE.PID-START-BOOT8.SEQ.tmp`. The writer's
 * identity in the name lets a later process remove what a killed writer left (leftover-temps.ts),
 * and never a live writer's file. Unique per write; 'wx' refuses a name that already exists.
 */
export function tempPathFor(file: string, writer: Holder): string {
  return join(dirname(file), `.${basename(file)}.${writerTag(writer)}.${(++tmpSeq).toString(36)}.tmp`);
}

/**
 * Replaces `file` with `data` so that a reader or a crash sees either the old or the new
 * content, never a mix: temp file in the same directory, fsync, rename, fsync the directory.
 */
export async function writeFileAtomic(file: string, data: string | Buffer, mode = 0o640): Promise<void> {
  const dir = dirname(file);
  const tmp = tempPathFor(file, await defaultHolderProbe().self());
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
