import { mkdir as fsMkdir, stat as fsStat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export interface EnsureDirFs {
  mkdir: (path: string, options: { mode: number }) => Promise<unknown>;
  stat: (path: string) => Promise<{ isDirectory(): boolean }>;
}

const realFs: EnsureDirFs = { mkdir: fsMkdir, stat: fsStat };

/**
 * `mkdir -p` in at most two passes over the path's components. Node's own `{recursive: true}`
 * retries forever where a parent exists but refuses children with ENOENT (any path under /proc):
 * 73 % CPU and no exit. Errors name the directory and keep the errno in `code`.
 */
export async function ensureDir(dir: string, mode = 0o750, fs: EnsureDirFs = realFs): Promise<void> {
  const missing: string[] = [];
  let current = resolve(dir);
  // Up: find the deepest directory that exists (each step is one component shorter, so this ends).
  for (;;) {
    try {
      await fs.mkdir(current, { mode });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (!(await fs.stat(current)).isDirectory()) throw dirError(dir, current, Object.assign(new Error(`${current} is not a directory`), { code: 'ENOTDIR' }));
        break;
      }
      if (code !== 'ENOENT' || dirname(current) === current) throw dirError(dir, current, err);
      missing.unshift(current);
      current = dirname(current);
    }
  }
  // Down: each missing component once; ENOENT now means the parent refuses it.
  for (const path of missing) {
    try {
      await fs.mkdir(path, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw dirError(dir, path, err);
    }
  }
}

function dirError(dir: string, at: string, cause: unknown): Error & { code?: string; path: string } {
  const code = (cause as NodeJS.ErrnoException).code;
  const why = code ? `${code} (${describeErrno(code)})` : (cause as Error).message;
  return Object.assign(new Error(`couldn't create ${dir}${at === resolve(dir) ? '' : ` (at ${at})`}: ${why}`, { cause }), { code, path: dir });
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  ENOTDIR: 'not a directory',
};

/** Pure: a short human text for an errno name (the name itself stays in the message for grep). */
export function describeErrno(code: string): string {
  return ERRNO_TEXT[code] ?? code.toLowerCase();
}
