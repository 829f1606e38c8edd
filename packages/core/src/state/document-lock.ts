import { resolve } from 'node:path';
import type { HolderProbe } from './holder-probe';
import type { LockFs } from './lock-fs';

// Loaded with the first lock: proper-lockfile and signal-exit cost ~3 ms to load, and a start
// that only reads (the MCP server until its first heartbeat) never locks.
let lockfileModule: Promise<typeof import('proper-lockfile')> | undefined;
function loadLockfile(): Promise<typeof import('proper-lockfile')> {
  lockfileModule ??= import('proper-lockfile').then((m) => (m as { default?: typeof import('proper-lockfile') }).default ?? m);
  return lockfileModule;
}

export interface DocumentLockOptions {
  lockFs: LockFs;
  probe: HolderProbe;
  /** Only for a lock without a holder record (an older release's): taken over when not refreshed for this long. */
  staleMs: number;
  /** How long to wait for a live holder before giving up (monotonic time). */
  waitMs: number;
  onCompromised: (err: Error) => void;
  /** Monotonic milliseconds; injectable for tests. */
  monotonicNow?: () => number;
  /** Asked between polls: true means the lock is no longer needed (another holder did the work). */
  notNeeded?: () => Promise<boolean>;
}

/** Where proper-lockfile puts the lock of `file` (realpath: false). */
export const lockPathOf = (file: string) => `${resolve(file)}.lock`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the lock on `file`. Only "held by another" is waited for (short polls, as before); any
 * other failure (read-only or full disk, no permission, a missing directory) is thrown at once with
 * its cause in the first line. A live holder is waited for up to `waitMs`, then named in the error:
 * its lock is never taken from it, since a live holder may still write.
 */
export async function acquireDocumentLock(file: string, options: DocumentLockOptions & { notNeeded?: undefined }): Promise<() => Promise<void>>;
/** With `notNeeded`: null when it turned true before the lock was taken. */
export async function acquireDocumentLock(file: string, options: DocumentLockOptions): Promise<(() => Promise<void>) | null>;
export async function acquireDocumentLock(file: string, options: DocumentLockOptions): Promise<(() => Promise<void>) | null> {
  const lockfile = await loadLockfile();
  const now = options.monotonicNow ?? (() => performance.now());
  const deadline = now() + options.waitMs;
  const lockPath = lockPathOf(file);
  for (let delay = 5; ; delay = Math.min(25, delay * 1.2)) {
    try {
      const release = await lockfile.lock(file, {
        realpath: false,
        stale: options.staleMs,
        retries: 0,
        fs: options.lockFs as never,
        onCompromised: options.onCompromised,
      });
      return () => {
        options.lockFs.releasing(lockPath);
        return release();
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ELOCKED') throw new Error(`couldn't lock ${file}: ${(err as Error).message}`, { cause: err });
      if (now() >= deadline) throw new Error(await heldTooLong(file, lockPath, options), { cause: err });
      if (await options.notNeeded?.()) return null;
    }
    await sleep(delay * (0.5 + Math.random()));
  }
}

async function heldTooLong(file: string, lockPath: string, options: DocumentLockOptions): Promise<string> {
  const waited = `still locked after ${Math.round(options.waitMs / 1000)} s`;
  const holder = await options.lockFs.holderOf(lockPath);
  if (!holder) {
    return `couldn't lock ${file}: ${waited} by ${lockPath}, which names no holder (left by an older release?); it is taken over once unchanged for ${options.staleMs} ms`;
  }
  const command = await options.probe.commandOf(holder.pid);
  return (
    `couldn't lock ${file}: ${waited} by pid ${holder.pid}${command ? ` (${command})` : ''}, which is alive; ` +
    `a live holder's lock is never taken over. If that process is hung, stop it (kill ${holder.pid}) and the lock is taken at once`
  );
}
