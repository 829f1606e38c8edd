import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHolderRecord, parseTempName } from './holder';
import type { HolderProbe } from './holder-probe';
import type { LockFs } from './lock-fs';

/** At most this many names are judged per sweep, so a directory full of junk costs a bounded time. */
export const MAX_SWEPT = 200;

const CLAIM = /\.lock(\.[0-9a-f]{8,64}\.reap)+$/;

export interface Swept {
  removed: string[];
  /** Temp files whose writer is alive or cannot be judged: left alone. */
  kept: number;
}

/**
 * Removes what killed writers left in `dir`: temp files named by writeFileAtomic (a kill between
 * write and rename) and lock claims (a kill while taking over a dead holder's lock). A file is
 * removed only when its writer is proven dead (holder.ts judgeHolder); a live writer's temp file,
 * or one whose writer cannot be judged, stays. A dead writer never renames its temp file, so
 * removing it races with nothing.
 */
export async function removeLeftoverTemps(dir: string, probe: HolderProbe, lockFs: LockFs): Promise<Swept> {
  const removed: string[] = [];
  let kept = 0;
  const names = (await readdir(dir)).filter((n) => parseTempName(n) !== null || CLAIM.test(n)).slice(0, MAX_SWEPT);
  for (const name of names) {
    const path = join(dir, name);
    const temp = parseTempName(name);
    if (temp) {
      if ((await probe.verdict(temp.writer)) === 'alive') {
        kept++;
        continue;
      }
      await unlink(path).then(
        () => removed.push(name),
        () => {},
      );
      continue;
    }
    const record = parseHolderRecord(await readFile(path, 'utf8').catch(() => ''));
    if (!record || (await probe.verdict(record)) === 'alive') {
      kept++;
      continue;
    }
    await lockFs.reap(path, record);
    removed.push(name);
  }
  return { removed, kept };
}
