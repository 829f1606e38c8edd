import { lstat, link, open, readFile, rmdir, unlink, utimes } from 'node:fs/promises';
import { readFileSync, unlinkSync, type Stats } from 'node:fs';
import { tempPathFor } from './atomic-write';
import { formatHolderRecord, parseHolderRecord, type HolderRecord } from './holder';
import type { HolderProbe } from './holder-probe';
import { randomHex } from '../node/on-demand';

// Holder identity layered on proper-lockfile through its `fs` option. proper-lockfile still makes
// the lock (its "mkdir"), refreshes and checks it (utimes/stat), reports it compromised and removes
// it on release and at exit (rmdir/rmdirSync). What changes is what those calls mean:
// - "mkdir" creates the lock as a file holding its holder record (pid, start time, boot id, token),
//   written to a temp file and hard-linked into place: link(2) is atomic and fails if the name
//   exists, so no one ever sees a lock without its holder.
// - "stat" of a lock answers from that record, not from its mtime: a live holder's lock is never
//   stale whatever the clocks say, and a dead holder's lock is removed at once (see reap) and
//   reported gone, which proper-lockfile answers by taking the lock right away.
// - A lock file without a record can only have been torn by a power cut (it is whole before it gets
//   its name): its holder is gone, and it is removed at once too.
// - Only a directory (the lock of an older release) is judged by mtime against `stale`, as
//   proper-lockfile always did.

/** A lock of a live holder looks refreshed in the far future: never stale, whatever the clock says. */
const NEVER_STALE = new Date(8.64e15);
/** How deep a claim on a claim may go (each level needs a crash inside the one before). */
const MAX_CLAIM_DEPTH = 3;

type Callback<T = void> = (err: NodeJS.ErrnoException | null, value?: T) => void;

/** The part of node's fs that proper-lockfile calls with `realpath: false`. */
export interface LockFs {
  mkdir(path: string, cb: Callback): void;
  stat(path: string, cb: Callback<Pick<Stats, 'mtime'>>): void;
  utimes(path: string, atime: Date, mtime: Date, cb: Callback): void;
  rmdir(path: string, cb: Callback): void;
  rmdirSync(path: string): void;
  /** The DocumentStore says so before it calls proper-lockfile's release: only then is its own lock removed. */
  releasing(path: string): void;
  /** The holder written in a lock now, for messages; null when there is none or it has no record. */
  holderOf(path: string): Promise<HolderRecord | null>;
  /** Removes `path` (a lock or a claim) if it still holds `dead`'s record; safe against other takers. */
  reap(path: string, dead: HolderRecord): Promise<void>;
}

const errno = (code: string, path: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${path}`), { code, path });

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code;

const callback = <T>(work: Promise<T>, cb: Callback<T>) => void work.then((v) => cb(null, v), (err: NodeJS.ErrnoException) => cb(err));

/** The record in `path`; null when it holds none (a directory, a torn or foreign file); ENOENT and other errors are thrown. */
async function readRecord(path: string): Promise<HolderRecord | null> {
  try {
    return parseHolderRecord(await readFile(path, 'utf8'));
  } catch (err) {
    if (codeOf(err) === 'EISDIR') return null;
    throw err;
  }
}

export function createLockFs(probe: HolderProbe): LockFs {
  /** Locks this store holds: their token, and the mtime proper-lockfile last set (its "is it still mine" check). */
  const held = new Map<string, { token: string; mtime: Date }>();
  const releasing = new Set<string>();

  /** Creates `path` holding this process's record, atomically; null if the name exists. */
  async function create(path: string): Promise<HolderRecord | null> {
    const self = await probe.self();
    const record: HolderRecord = { ...self, token: randomHex(8) };
    const tmp = tempPathFor(path, self);
    const handle = await open(tmp, 'wx', 0o640);
    try {
      try {
        await handle.writeFile(formatHolderRecord(record));
      } finally {
        await handle.close();
      }
      await link(tmp, path);
      return record;
    } catch (err) {
      if (codeOf(err) === 'EEXIST') return null;
      throw err;
    } finally {
      await unlink(tmp).catch(() => {});
    }
  }

  /**
   * Two takers can judge the same dead holder at once; if both removed "the lock", the second
   * could remove the lock the first just made. So removing `dead`'s lock takes a claim first: a
   * file named after `dead`'s token, made exclusively. Only its maker removes the lock, after
   * seeing it still holds `dead`'s record; no one else removes a lock of `dead` (its holder is
   * dead), so that check stays true until the removal. A claim left by a taker that died is itself
   * reaped the same way, to a bounded depth.
   */
  async function reap(path: string, dead: HolderRecord, depth = 0): Promise<void> {
    await reapIf(path, dead.token, async () => (await readRecord(path).catch(() => null))?.token === dead.token, depth);
  }

  async function reapIf(path: string, key: string, stillDead: () => Promise<boolean>, depth = 0): Promise<void> {
    const claim = `${path}.${key}.reap`;
    if (!(await create(claim))) {
      if (depth >= MAX_CLAIM_DEPTH) return;
      const other = await readRecord(claim).catch(() => null);
      if (other && (await probe.verdict(other)) === 'dead') await reap(claim, other, depth + 1);
      return;
    }
    try {
      if (await stillDead()) await unlink(path).catch((err) => { if (codeOf(err) !== 'ENOENT') throw err; });
    } finally {
      await unlink(claim).catch(() => {});
    }
  }

  /** A lock file is whole before it gets its name: one without a record was torn by a power cut (or made by hand). */
  async function reapTorn(path: string, ino: number): Promise<void> {
    const key = ino.toString(16).padStart(16, '0');
    await reapIf(path, key, async () => {
      const now = await lstat(path).catch(() => null);
      return now?.ino === ino && (await readRecord(path).catch(() => undefined)) === null;
    });
  }

  async function mkdir(path: string): Promise<void> {
    const record = await create(path);
    if (!record) throw errno('EEXIST', path);
    held.set(path, { token: record.token, mtime: new Date() });
    // A release that never reached rmdir (a compromised lock) must not let this one be removed.
    releasing.delete(path);
  }

  async function stat(path: string): Promise<Pick<Stats, 'mtime'>> {
    const record = await readRecord(path);
    if (!record) {
      const stats = await lstat(path);
      if (stats.isDirectory()) return stats;
      await reapTorn(path, stats.ino);
      throw errno('ENOENT', path);
    }
    const mine = held.get(path);
    if (mine?.token === record.token) return { mtime: mine.mtime };
    if ((await probe.verdict(record)) === 'alive') return { mtime: NEVER_STALE };
    await reap(path, record);
    throw errno('ENOENT', path);
  }

  async function setTimes(path: string, atime: Date, mtime: Date): Promise<void> {
    // The real mtime still moves: a process of an older release judges the lock by it.
    await utimes(path, atime, mtime);
    const mine = held.get(path);
    if (mine) mine.mtime = mtime;
  }

  async function remove(path: string): Promise<void> {
    const record = await readRecord(path).catch((err) => {
      if (codeOf(err) === 'ENOENT') return undefined;
      throw err;
    });
    if (record === undefined) return;
    if (record === null) {
      // No record: proper-lockfile judged an older release's directory stale by its mtime.
      await rmdir(path).catch((err) => (codeOf(err) === 'ENOTDIR' ? unlink(path) : Promise.reject(err)));
      return;
    }
    const mine = held.get(path);
    // Someone else's lock (proper-lockfile never removes one it judged live), or our own while
    // still held: a second acquirer in this process judged it by a clock that stepped.
    if (mine?.token !== record.token || !releasing.has(path)) return;
    held.delete(path);
    releasing.delete(path);
    await unlink(path);
  }

  return {
    mkdir: (path, cb) => callback(mkdir(path), cb),
    stat: (path, cb) => callback(stat(path), cb),
    utimes: (path, atime, mtime, cb) => callback(setTimes(path, atime, mtime), cb),
    rmdir: (path, cb) => callback(remove(path), cb),
    // At exit (proper-lockfile's signal-exit hook): this store's own locks only.
    rmdirSync: (path) => {
      const mine = held.get(path);
      try {
        if (mine && parseHolderRecord(readFileSync(path, 'utf8'))?.token === mine.token) unlinkSync(path);
      } catch {
        /* gone already, or not a file of ours */
      }
    },
    releasing: (path) => void releasing.add(path),
    holderOf: (path) => readRecord(path).catch(() => null),
    reap: (path, dead) => reap(path, dead),
  };
}
