import { chmod, chown, copyFile, lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface ReplaceResult {
  path: string;
  bytesWritten: number;
  created: boolean;
  backup: string | null;
  mode: string;
  /** False when the original owner could not be kept (not running as root). */
  ownerPreserved: boolean;
}

/**
 * Writes `content` to `path` so that readers see the old or the new file, never a mix:
 * temp file in the same directory, fsync, rename over, fsync the directory. The original's
 * mode and owner carry over; with `backup` the previous version is kept as PATH.bak.
 */
export async function atomicReplace(path: string, content: string, mode: 'overwrite' | 'append', backup: boolean): Promise<ReplaceResult> {
  const dir = dirname(path);
  await assertCanonicalDir(dir);
  const before = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new Error(`couldn't stat ${path}`, { cause: err });
  });
  if (before && !before.isFile()) throw new Error(`${path} is not a regular file (refusing to replace it)`);
  const tmp = join(dir, `.${basename(path)}.ldm-${randomBytes(4).toString('hex')}.tmp`);
  const tmpBak = `${tmp}.bak`;
  const fileMode = before ? before.mode & 0o7777 : 0o644;
  let backupPath: string | null = null;
  let ownerPreserved = true;
  try {
    // COPYFILE_EXCL: never follow a link someone placed at the temp name.
    if (before && mode === 'append') await copyFile(path, tmp, constants.COPYFILE_EXCL);
    const fh = await open(tmp, mode === 'append' && before ? 'a' : 'wx', 0o600);
    try {
      await fh.write(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, fileMode);
    if (before) {
      try {
        await chown(tmp, before.uid, before.gid);
      } catch {
        // Not root: the file stays ours. Reported, not fatal.
        ownerPreserved = before.uid === process.getuid?.() && before.gid === process.getgid?.();
      }
      if (backup) {
        // The backup is renamed into place too: copying onto PATH.bak would follow a symlink
        // planted there and overwrite whatever it points at.
        backupPath = `${path}.bak`;
        await copyFile(path, tmpBak, constants.COPYFILE_EXCL);
        await chmod(tmpBak, fileMode);
        await chown(tmpBak, before.uid, before.gid).catch(() => {});
        await rename(tmpBak, backupPath);
      }
    }
    // The policy decided on this exact directory; if a parent was swapped for a symlink since,
    // the temp file may already sit elsewhere: do not move it into place.
    await assertCanonicalDir(dir);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    await rm(tmpBak, { force: true });
    throw new Error(`couldn't write ${path}: ${(err as Error).message}`, { cause: err });
  }
  const dirHandle = await open(dir, 'r').catch(() => null);
  await dirHandle?.sync().catch(() => {});
  await dirHandle?.close();
  const after = await stat(path);
  return {
    path,
    bytesWritten: Buffer.byteLength(content),
    created: !before,
    backup: backupPath,
    mode: (after.mode & 0o7777).toString(8).padStart(4, '0'),
    ownerPreserved,
  };
}

/**
 * `path` reached the writer already resolved by the policy, so its directory must be its own
 * realpath. Anything else means a symlink appeared on the way since the decision.
 */
async function assertCanonicalDir(dir: string): Promise<void> {
  const real = await realpath(dir).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`couldn't resolve ${dir}: ${err.message}`, { cause: err });
  });
  if (real !== dir) throw new Error(`${dir} now resolves to ${real}: a symlink appeared after the policy decision; nothing was written`);
}
