import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, IncidentsDocSchema, createHolderProbe, createLockFs, ensureDir, formatHolderRecord, parseHolderRecord } from '@ldm/core';
import { spawnWorker, type Worker } from '../support/spawn-worker';

const tmp = () => mkdtemp(join(tmpdir(), 'ldm-lock-'));
const DAY = 86_400_000;
const lockOf = (dir: string) => join(dir, 'incidents.json.lock');

async function readIncidents(dir: string) {
  return IncidentsDocSchema.parse(JSON.parse(await readFile(join(dir, 'incidents.json'), 'utf8'))).incidents;
}

/** A holder that took the lock the way the store does, then was SIGKILLed: its lock stays. */
async function deadHolder(dir: string): Promise<number> {
  const holder = spawnWorker('hold-lock', [dir, 'incidents']);
  await holder.waitForLine((l) => l === 'locked');
  holder.child.kill('SIGKILL');
  await holder.exited;
  return holder.child.pid!;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const t0 = performance.now();
  const [result] = await Promise.allSettled([work()]);
  return { ms: performance.now() - t0, result: result! };
}

describe('failures that are not "lock held" fail at once, their cause first', () => {
  test('the state dir removed after the first write (ENOENT)', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'first' });
    await rm(dir, { recursive: true });
    const { ms, result } = await timed(() => store.appendIncident({ source: 'mcp', severity: 'info', summary: 'second' }));
    expect(result.status).toBe('rejected');
    expect(((result as PromiseRejectedResult).reason as Error).message.split('\n')[0]).toMatch(/ENOENT/);
    expect(ms).toBeLessThan(1000);
  });

  test('the state dir replaced by a file (ENOTDIR)', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'first' });
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a directory');
    const { ms, result } = await timed(() => store.appendIncident({ source: 'mcp', severity: 'info', summary: 'second' }));
    expect(((result as PromiseRejectedResult).reason as Error).message.split('\n')[0]).toMatch(/ENOTDIR/);
    expect(ms).toBeLessThan(1000);
  });

  test('a state dir that cannot be made (/proc/nope/state): node\'s recursive mkdir would spin forever', async () => {
    const { ms, result } = await timed(() => new DocumentStore({ stateDir: '/proc/nope/state' }).appendIncident({ source: 'mcp', severity: 'info', summary: 'x' }));
    expect(((result as PromiseRejectedResult).reason as Error).message.split('\n')[0]).toMatch(/couldn't create \/proc\/nope\/state.*: ENOENT/);
    expect(ms).toBeLessThan(1000);
  });

  test('ensureDir (the one mkdir -p) makes every missing level, accepts an existing dir, refuses a file in the way, ends under /proc', async () => {
    const dir = await tmp();
    await ensureDir(join(dir, 'a/b/c'));
    await ensureDir(join(dir, 'a/b/c'));
    expect(await readdir(join(dir, 'a/b'))).toEqual(['c']);
    await writeFile(join(dir, 'file'), '');
    await expect(ensureDir(join(dir, 'file/sub'))).rejects.toThrow(/ENOTDIR/);
    await expect(ensureDir('/proc/nope/logs')).rejects.toThrow(/couldn't create \/proc\/nope\/logs.*ENOENT/);
  });

  const asRoot = process.getuid?.() === 0 ? test : test.skip;
  const mounts: string[] = [];
  afterAll(() => {
    for (const m of mounts) execFileSync('umount', ['-l', m]);
  });

  asRoot('a read-only state dir (EROFS), and the file is untouched', async () => {
    const dir = await tmp();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    mounts.push(dir);
    const store = new DocumentStore({ stateDir: dir });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'before' });
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    const { ms, result } = await timed(() => new DocumentStore({ stateDir: dir }).appendIncident({ source: 'mcp', severity: 'info', summary: 'after' }));
    expect(((result as PromiseRejectedResult).reason as Error).message.split('\n')[0]).toMatch(/^couldn't lock .*incidents\.json: EROFS/);
    expect(ms).toBeLessThan(1000);
    expect((await readIncidents(dir)).map((i) => i.summary)).toEqual(['before']);
  });
  asRoot('a full state dir (ENOSPC), and the file is untouched', async () => {
    const dir = await tmp();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir]);
    mounts.push(dir);
    const store = new DocumentStore({ stateDir: dir });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'before' });
    await writeFile(join(dir, 'filler'), Buffer.alloc(1024 * 1024)).catch(() => {});
    const { ms, result } = await timed(() => new DocumentStore({ stateDir: dir }).appendIncident({ source: 'mcp', severity: 'info', summary: 'after' }));
    expect(((result as PromiseRejectedResult).reason as Error).message.split('\n')[0]).toMatch(/ENOSPC/);
    expect(ms).toBeLessThan(1000);
    expect((await readIncidents(dir)).map((i) => i.summary)).toEqual(['before']);
  });
});

describe('a lock is judged by its holder, never by the clock', () => {
  test('a lock of a SIGKILLed holder, its mtime an hour in the future, is taken over at once', async () => {
    const dir = await tmp();
    const pid = await deadHolder(dir);
    expect(parseHolderRecord(await readFile(lockOf(dir), 'utf8'))?.pid).toBe(pid);
    const future = new Date(Date.now() + 3_600_000);
    await utimes(lockOf(dir), future, future);
    // lockStaleMs at its default (10 s): judged by mtime this lock would be honoured for an hour.
    const { ms, result } = await timed(() => new DocumentStore({ stateDir: dir }).appendIncident({ source: 'mcp', severity: 'info', summary: 'after the crash' }));
    expect(result.status).toBe('fulfilled');
    expect(ms).toBeLessThan(1000);
    expect((await readIncidents(dir)).map((i) => i.summary)).toEqual(['after the crash']);
    expect((await readdir(dir)).filter((f) => f.includes('.lock'))).toEqual([]);
  }, 30_000);

  test('a live holder keeps its lock with its mtime a day old; the waiter gives up naming its pid', async () => {
    const dir = await tmp();
    const holder = spawnWorker('hold-lock', [dir, 'incidents']);
    try {
      await holder.waitForLine((l) => l === 'locked');
      const lockText = await readFile(lockOf(dir), 'utf8');
      const past = new Date(Date.now() - DAY);
      await utimes(lockOf(dir), past, past);
      const store = new DocumentStore({ stateDir: dir, lockStaleMs: 2000, lockWaitMs: 3000 });
      const { ms, result } = await timed(() => store.appendIncident({ source: 'mcp', severity: 'info', summary: 'must wait' }));
      expect(result.status).toBe('rejected');
      expect(((result as PromiseRejectedResult).reason as Error).message).toContain(`pid ${holder.child.pid}`);
      expect(ms).toBeGreaterThanOrEqual(2900);
      expect(await readFile(lockOf(dir), 'utf8')).toBe(lockText);
      await expect(readFile(join(dir, 'incidents.json'))).rejects.toThrow(/ENOENT/);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exited;
    }
  }, 30_000);

  test('a lock file torn by a power cut (no record), its mtime in the future, is taken over at once', async () => {
    const dir = await tmp();
    await writeFile(lockOf(dir), '{"pid":12');
    const future = new Date(Date.now() + DAY);
    await utimes(lockOf(dir), future, future);
    const { ms, result } = await timed(() => new DocumentStore({ stateDir: dir }).appendIncident({ source: 'mcp', severity: 'info', summary: 'after the power cut' }));
    expect(result.status).toBe('fulfilled');
    expect(ms).toBeLessThan(1000);
    expect((await readdir(dir)).filter((f) => f.includes('.lock'))).toEqual([]);
  });

  test('a lock an older release left (a directory, no holder) is still taken over by mtime', async () => {
    const dir = await tmp();
    await mkdir(lockOf(dir));
    const old = new Date(Date.now() - 60_000);
    await utimes(lockOf(dir), old, old);
    await new DocumentStore({ stateDir: dir, lockStaleMs: 2000 }).appendIncident({ source: 'mcp', severity: 'info', summary: 'after the old lock' });
    expect((await readIncidents(dir)).map((i) => i.summary)).toEqual(['after the old lock']);
  });
});

describe('two takers of one dead lock', () => {
  // Above any pid_max: no such process, ever.
  const DEAD = { pid: 4_194_399, start: 1, boot: null, token: 'dddddddddddddddd' };

  async function setUp() {
    const dir = await tmp();
    await writeFile(lockOf(dir), formatHolderRecord(DEAD));
    const probe = createHolderProbe();
    const lockFs = createLockFs(probe);
    const statOf = (path: string) => new Promise<unknown>((resolve) => lockFs.stat(path, (err, value) => resolve(err ?? value)));
    return { dir, probe, lockFs, statOf, claim: `${lockOf(dir)}.${DEAD.token}.reap` };
  }

  test('while a live taker holds the claim on the dead holder, the lock is left to it', async () => {
    const { dir, probe, statOf, claim } = await setUp();
    await writeFile(claim, formatHolderRecord({ ...(await probe.self()), token: 'cccccccccccccccc' }));
    expect(await statOf(lockOf(dir))).toMatchObject({ code: 'ENOENT' });
    expect(parseHolderRecord(await readFile(lockOf(dir), 'utf8'))?.token).toBe(DEAD.token);
    await rm(claim);
    expect(await statOf(lockOf(dir))).toMatchObject({ code: 'ENOENT' });
    expect((await readdir(dir)).sort()).toEqual([]);
  });

  test('a claim whose taker died is reaped, then the lock', async () => {
    const { dir, statOf, claim } = await setUp();
    await writeFile(claim, formatHolderRecord({ ...DEAD, pid: DEAD.pid + 1, token: 'eeeeeeeeeeeeeeee' }));
    await statOf(lockOf(dir));
    await statOf(lockOf(dir));
    expect(await readdir(dir)).toEqual([]);
  });

  test('the lock is not removed when it changed hands after the judgement', async () => {
    const { dir, lockFs } = await setUp();
    await writeFile(lockOf(dir), formatHolderRecord({ ...(await createHolderProbe().self()), token: 'abababababababab' }));
    await lockFs.reap(lockOf(dir), DEAD);
    expect(parseHolderRecord(await readFile(lockOf(dir), 'utf8'))?.token).toBe('abababababababab');
    expect(await readdir(dir)).toEqual(['incidents.json.lock']);
  });
});

describe('one process, several writers', () => {
  test('a held lock is not taken by another writer of the same process when the clock jumps a day', async () => {
    const dir = await tmp();
    const a = new DocumentStore({ stateDir: dir, lockStaleMs: 2000 });
    const b = new DocumentStore({ stateDir: dir, lockStaleMs: 2000 });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = a.update('incidents', async (doc) => {
      entered();
      await gate;
      doc.incidents.push({ id: 'held', time: 't', lastSeen: 't', count: 1, source: 'mcp', severity: 'info', summary: 'held', evidence: [], fingerprints: [], status: 'open' });
    });
    await inside;
    const realNow = Date.now;
    Date.now = () => realNow() + DAY;
    try {
      const others = [b.appendIncident({ source: 'mcp', severity: 'info', summary: 'other store' }), a.appendIncident({ source: 'mcp', severity: 'info', summary: 'same store' })];
      // Time for a taker to take the lock and write, if it would; then the holder writes what it read before.
      const outcome = await Promise.race([Promise.all(others).then(() => 'written'), new Promise((r) => setTimeout(r, 500, 'waiting'))]);
      expect(outcome).toBe('waiting');
      open();
      await Promise.all([first, ...others]);
    } finally {
      Date.now = realNow;
    }
    expect((await readIncidents(dir)).map((i) => i.summary).sort()).toEqual(['held', 'other store', 'same store']);
  });

  test('50 concurrent appends through two stores of one process: all kept', async () => {
    const dir = await tmp();
    const stores = [new DocumentStore({ stateDir: dir }), new DocumentStore({ stateDir: dir })];
    await Promise.all(Array.from({ length: 50 }, (_, n) => stores[n % 2]!.appendIncident({ source: 'mcp', severity: 'info', summary: `n${n}` })));
    expect((await readIncidents(dir)).map((i) => i.summary).sort()).toEqual(Array.from({ length: 50 }, (_, n) => `n${n}`).sort());
  });
});

describe('separate processes under clock steps', () => {
  const WRITERS = 8;
  const APPENDS = 60;

  async function runWriters(dir: string, offsets: number[]): Promise<{ workers: Worker[]; codes: Array<number | string> }> {
    const workers = offsets.map((offset, w) => spawnWorker('append-incidents', [dir, String(APPENDS), `w${w}`, '2000', String(offset)]));
    const codes = await Promise.all(workers.map((w) => w.exited));
    return { workers, codes };
  }

  async function expectAllKept(dir: string, workers: Worker[]) {
    const incidents = await readIncidents(dir);
    const ids = new Set(incidents.map((i) => i.id));
    const acked = workers.flatMap((w) => w.lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4)));
    expect(acked).toHaveLength(WRITERS * APPENDS);
    for (const id of acked) expect(ids.has(id)).toBe(true);
    for (let w = 0; w < WRITERS; w++) {
      expect(incidents.filter((i) => i.subject === `w${w}`).map((i) => i.summary)).toEqual(Array.from({ length: APPENDS }, (_, n) => `w${w} append ${n}`));
    }
  }

  test('8 writers, half with clocks a day ahead and half a day behind, while the lock mtime is stepped ±1 day: every record kept', async () => {
    const dir = await tmp();
    let stepping = true;
    let steps = 0;
    const stepper = (async () => {
      while (stepping) {
        const t = new Date(Date.now() + (steps++ % 2 ? DAY : -DAY));
        await utimes(lockOf(dir), t, t).catch(() => {});
        await new Promise((r) => setImmediate(r));
      }
    })();
    const offsets = Array.from({ length: WRITERS }, (_, w) => (w % 2 ? DAY : -DAY));
    const { workers, codes } = await runWriters(dir, offsets);
    stepping = false;
    await stepper;
    expect(codes).toEqual(Array(WRITERS).fill(0));
    await expectAllKept(dir, workers);
    expect(steps).toBeGreaterThan(100);
  }, 180_000);

  test('8 writers start on a dead holder\'s lock with a future mtime: one takes it over at once, none loses a record', async () => {
    const dir = await tmp();
    await deadHolder(dir);
    const future = new Date(Date.now() + DAY);
    await utimes(lockOf(dir), future, future);
    const { workers, codes } = await runWriters(dir, Array(WRITERS).fill(0));
    expect(codes).toEqual(Array(WRITERS).fill(0));
    await expectAllKept(dir, workers);
    expect((await readdir(dir)).filter((f) => f.includes('.lock') || f.endsWith('.tmp'))).toEqual([]);
  }, 180_000);
});
