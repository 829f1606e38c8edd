import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * `mkdir -p` that always ends. node's `mkdir(dir, { recursive: true })` never returns for some
 * paths: under /proc, mkdir answers ENOENT for a parent that exists, and node retries forever
 * (`--state-dir /proc/nope` spun at 73 % CPU). Here each missing level is made once, top down.
 */
export async function makeDirs(dir: string, mode = 0o750): Promise<void> {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      if (!(await stat(d)).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${d}'`), { code: 'ENOTDIR' });
      break;
    } catch (err) {
      if (codeOf(err) !== 'ENOENT' || dirname(d) === d) throw new Error(`couldn't create ${dir}: ${(err as Error).message}`, { cause: err });
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d, { mode });
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw new Error(`couldn't create ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** The same, synchronous: for a logger that must have its directory before its first line. */
export function makeDirsSync(dir: string, mode = 0o750): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      if (!statSync(d).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${d}'`), { code: 'ENOTDIR' });
      break;
    } catch (err) {
      if (codeOf(err) !== 'ENOENT' || dirname(d) === d) throw new Error(`couldn't create ${dir}: ${(err as Error).message}`, { cause: err });
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode });
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw new Error(`couldn't create ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }
}
