import { lstat, open, readlink, type FileHandle } from 'node:fs/promises';
import { constants, type Stats } from 'node:fs';

/**
 * The file tools get a path the policy resolved and approved; another process may still swap one of
 * its parent directories for a symlink (or move it) before the tool acts. So a tool opens the
 * approved directory once, proves the open descriptor is that directory, and reaches everything
 * inside it through /proc/self/fd/N/NAME: the kernel resolves such a path from the open
 * directory itself, whatever happens to the directories above it afterwards.
 */

const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
// O_NONBLOCK: a FIFO swapped in after the type check would otherwise block the open for ever.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Pure: the path under which the kernel finds `name` inside the directory `dir` is open on ('' is the directory). */
export function entryIn(dir: FileHandle, name: string): string {
  return `${descriptorPath(dir)}/${name}`;
}

function descriptorPath(fh: FileHandle): string {
  return `/proc/self/fd/${fh.fd}`;
}

/** Pure: two stats describe the same file. */
export function sameFile(a: Pick<Stats, 'dev' | 'ino'>, b: Pick<Stats, 'dev' | 'ino'>): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Opens `dirPath` (canonical, as the policy resolved it) and proves it is still that directory: no
 * symlink is followed at its last component, and the kernel's own name for the open directory must
 * be `dirPath` itself, so a parent that became a symlink or moved since the decision is refused.
 * Open errors keep their code (ENOENT, EACCES) for the caller's message.
 */
export async function openApprovedDir(dirPath: string): Promise<FileHandle> {
  let dir: FileHandle;
  try {
    dir = await open(dirPath, DIRECTORY_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // O_NOFOLLOW|O_DIRECTORY on a symlink fails with ENOTDIR on Linux, ELOOP elsewhere.
    if ((code === 'ENOTDIR' || code === 'ELOOP') && (await isSymlink(dirPath))) {
      throw new Error(`${dirPath} changed after the policy decision: it is now a symlink`, { cause: err });
    }
    throw err;
  }
  try {
    const opened = await readlink(descriptorPath(dir)).catch((err: Error) => {
      throw new Error(`couldn't confirm which directory ${dirPath} opened: /proc/self/fd is not readable (${err.message})`, { cause: err });
    });
    if (opened !== dirPath) {
      throw new Error(`${dirPath} changed after the policy decision: it now leads to ${opened} (a symlink or a moved directory on the way)`);
    }
    return dir;
  } catch (err) {
    await dir.close();
    throw err;
  }
}

/**
 * Opens `name` in `dir` for reading, but only if it is still the regular file `seen` describes:
 * never through a symlink, and a file swapped in after `seen` was taken is refused.
 */
export async function openSeenFile(dir: FileHandle, name: string, seen: Stats): Promise<FileHandle> {
  const file = await open(entryIn(dir, name), READ_FLAGS).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ELOOP') throw new Error(`${name} was replaced by a symlink while it was being opened`, { cause: err });
    throw err;
  });
  const now = await file.stat().catch(async (err: unknown) => {
    await file.close();
    throw err;
  });
  if (!sameFile(now, seen) || !now.isFile()) {
    await file.close();
    throw new Error(`${name} was replaced by another file while it was being opened`);
  }
  return file;
}

async function isSymlink(path: string): Promise<boolean> {
  return lstat(path).then(
    (st) => st.isSymbolicLink(),
    () => false,
  );
}
