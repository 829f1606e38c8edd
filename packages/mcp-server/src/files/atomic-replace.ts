import { lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { constants, type Stats } from 'node:fs';
import { basename, dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { entryIn, openApprovedDir, openSeenFile, sameFile } from './approved-dir';

export interface ReplaceResult {
  path: string;
  bytesWritten: number;
  created: boolean;
  backup: string | null;
  mode: string;
  /** False when the original owner could not be kept (not running as root). */
  ownerPreserved: boolean;
}

/** The points between the steps of a replace, each named after the step that follows. */
export type ReplaceStep = 'inspect-target' | 'write-temp' | 'write-backup' | 'rename-into-place';

/** Test-only: `beforeStep` lets a test change the filesystem at an exact point of the replace. */
export interface ReplaceSeam {
  beforeStep?: (step: ReplaceStep) => Promise<void> | void;
}

// O_EXCL: never open what another process placed at the temp name, a symlink included.
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const COPY_CHUNK_BYTES = 1 << 20;

/**
 * Writes `content` to `path` so that readers see the old or the new file, never a mix:
 * temp file in the same directory, fsync, rename over, fsync the directory. The original's
 * mode and owner carry over; with `backup` the previous version is kept as PATH.bak.
 * `path` must be the policy's resolved path: every step happens inside that directory as it was
 * when opened (see approved-dir.ts), so a parent swapped for a symlink cannot move the write.
 */
export async function atomicReplace(
  path: string,
  content: string,
  mode: 'overwrite' | 'append',
  backup: boolean,
  seam: ReplaceSeam = {},
): Promise<ReplaceResult> {
  let dir: FileHandle;
  try {
    dir = await openApprovedDir(dirname(path));
  } catch (err) {
    throw new Error(`couldn't write ${path}: ${(err as Error).message}; nothing was written`, { cause: err });
  }
  try {
    return await replaceInDir(dir, path, content, mode, backup, seam.beforeStep ?? (() => {}));
  } finally {
    await dir.close();
  }
}

async function replaceInDir(
  dir: FileHandle,
  path: string,
  content: string,
  mode: 'overwrite' | 'append',
  backup: boolean,
  beforeStep: NonNullable<ReplaceSeam['beforeStep']>,
): Promise<ReplaceResult> {
  const name = basename(path);
  await beforeStep('inspect-target');
  const before = await lstat(entryIn(dir, name)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new Error(`couldn't stat ${path}`, { cause: err });
  });
  if (before && !before.isFile()) throw new Error(`${path} is not a regular file (refusing to replace it)`);
  const tmpName = `.${name}.ldm-${randomBytes(4).toString('hex')}.tmp`;
  const tmpBakName = `${tmpName}.bak`;
  const fileMode = before ? before.mode & 0o7777 : 0o644;
  let backupPath: string | null = null;
  let original: FileHandle | null = null;
  let written: { stats: Stats; ownerPreserved: boolean };
  try {
    // Copied from an open descriptor, never by name: a symlink swapped in for the original would
    // otherwise copy whatever it points at into the new file or the backup.
    if (before && (mode === 'append' || backup)) original = await openSeenFile(dir, name, before);
    await beforeStep('write-temp');
    written = await createFile(dir, tmpName, fileMode, before, async (fh) => {
      if (original && mode === 'append') await copyContents(original, fh);
      await writeAll(fh, Buffer.from(content));
    });
    if (original && backup) {
      await beforeStep('write-backup');
      // Renamed into place too: copying onto PATH.bak would follow a symlink planted there.
      await createFile(dir, tmpBakName, fileMode, before, (fh) => copyContents(original!, fh));
      await rename(entryIn(dir, tmpBakName), entryIn(dir, `${name}.bak`));
      backupPath = `${path}.bak`;
    }
    await beforeStep('rename-into-place');
    await rename(entryIn(dir, tmpName), entryIn(dir, name));
  } catch (err) {
    await unlink(entryIn(dir, tmpName)).catch(() => {});
    await unlink(entryIn(dir, tmpBakName)).catch(() => {});
    throw new Error(`couldn't write ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    await original?.close();
  }
  await dir.sync().catch(() => {});
  const after = await lstat(entryIn(dir, name)).catch(() => null);
  // Only reachable by another process renaming over the temp name or the target in the meantime.
  if (!after || !sameFile(after, written.stats)) throw new Error(`${path} was written, but another process replaced it right after`);
  return {
    path,
    bytesWritten: Buffer.byteLength(content),
    created: !before,
    backup: backupPath,
    mode: (after.mode & 0o7777).toString(8).padStart(4, '0'),
    ownerPreserved: written.ownerPreserved,
  };
}

/**
 * Creates `name` in `dir` (it must not exist), fills it, gives it `fileMode` and the owner of
 * `owner`, and syncs it. Mode and owner are set on the descriptor, so nothing at that name can
 * redirect them.
 */
async function createFile(
  dir: FileHandle,
  name: string,
  fileMode: number,
  owner: Stats | null,
  fill: (fh: FileHandle) => Promise<void>,
): Promise<{ stats: Stats; ownerPreserved: boolean }> {
  const fh = await open(entryIn(dir, name), CREATE_FLAGS, 0o600);
  try {
    await fill(fh);
    await fh.chmod(fileMode);
    let ownerPreserved = true;
    if (owner) {
      try {
        await fh.chown(owner.uid, owner.gid);
      } catch {
        // Not root: the file stays ours. Reported, not fatal.
        ownerPreserved = owner.uid === process.getuid?.() && owner.gid === process.getgid?.();
      }
    }
    await fh.sync();
    return { stats: await fh.stat(), ownerPreserved };
  } finally {
    await fh.close();
  }
}

async function copyContents(from: FileHandle, to: FileHandle): Promise<void> {
  const chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  for (let position = 0; ; ) {
    const { bytesRead } = await from.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return;
    await writeAll(to, chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/** write(2) may write less than asked (a full disk, a signal); a short file must not pass as done. */
async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  for (let done = 0; done < data.length; ) done += (await fh.write(data, done, data.length - done)).bytesWritten;
}
