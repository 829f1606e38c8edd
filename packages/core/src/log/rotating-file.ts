import { appendFile, chmod, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDir } from '../paths/ensure-dir';

export interface RotatingFileOptions {
  file: string;
  /** The file is rotated before an append would take it past this size. */
  maxBytes: number;
  /** Rotated copies kept: file.1 (newest) .. file.N, besides the file itself. */
  files: number;
  /** Of a new file, whatever the umask. */
  mode: number;
}

/** How long another process's rotation may hold the lock before this one gives up waiting (~6 s). */
const ROTATE_LOCK = { stale: 10_000, retries: { retries: 40, minTimeout: 5, maxTimeout: 200 } };

/**
 * An append-only log file rotated by size, safely when several processes append to it (every stdio
 * MCP session is a process of its own, and the daemons share error.log's directory):
 * - the size is read from the file before each append, never counted in memory, so every process
 *   sees the others' lines;
 * - a rotation happens under a lock (proper-lockfile, `<file>.rotate.lock`) and only if the file is
 *   still too full once the lock is held, so two processes never rotate the same lines twice;
 * - lines are appended with O_APPEND, whole.
 * An append is not locked (a lock per line costs 1-10 ms): appends that race a size check can take
 * the file past maxBytes by at most one line per process appending at that moment.
 * Appends within one process are serialised.
 * `files` rotated copies are kept: file.1 (newest) .. file.N.
 */
export class RotatingFile {
  private queue: Promise<void> = Promise.resolve();
  private dirReady = false;

  constructor(private readonly options: RotatingFileOptions) {}

  /** Appends `text` (whole lines); rejects with the cause when the file cannot be written. */
  append(text: string): Promise<void> {
    const next = this.queue.then(() => this.write(text));
    this.queue = next.catch(() => {});
    return next;
  }

  private async write(text: string): Promise<void> {
    const { file, maxBytes, mode } = this.options;
    if (!this.dirReady) {
      // Not mkdir {recursive}: it never returns for some paths (under /proc); ensureDir always ends.
      await ensureDir(dirname(file), 0o750);
      this.dirReady = true;
    }
    const bytes = Buffer.byteLength(text);
    const size = await sizeOf(file);
    if (size > 0 && size + bytes > maxBytes) await this.rotate(bytes);
    const created = (await sizeOf(file)) === 0;
    await appendFile(file, text, { mode });
    // appendFile's mode applies only to a new file, and the umask may have widened or narrowed it.
    if (created) await chmod(file, mode);
  }

  private async rotate(bytes: number): Promise<void> {
    const { file, files, maxBytes } = this.options;
    const lockfile = await loadLockfile();
    const release = await lockfile.lock(file, { ...ROTATE_LOCK, realpath: false, lockfilePath: `${file}.rotate.lock` });
    try {
      // Another process may have rotated while this one waited for the lock.
      const size = await sizeOf(file);
      if (!(size > 0 && size + bytes > maxBytes)) return;
      for (let n = files - 1; n >= 1; n--) await rename(`${file}.${n}`, `${file}.${n + 1}`).catch(ignoreMissing);
      await rename(file, `${file}.1`).catch(ignoreMissing);
    } finally {
      await release().catch(() => {});
    }
  }
}

// Loaded with the first rotation, which most runs never reach.
let lockfileModule: Promise<typeof import('proper-lockfile')> | undefined;
function loadLockfile(): Promise<typeof import('proper-lockfile')> {
  lockfileModule ??= import('proper-lockfile').then((m) => (m as { default?: typeof import('proper-lockfile') }).default ?? m);
  return lockfileModule;
}

const sizeOf = (file: string): Promise<number> => stat(file).then((s) => s.size, (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? 0 : Promise.reject(err)));

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
