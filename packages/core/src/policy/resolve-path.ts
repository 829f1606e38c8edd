// The I/O half of the path policy: turns what the model asked for into the path the kernel would
// touch, so the pure decision sees through symlinks, `..` and doubled slashes.
import { realpath as fsRealpath, lstat as fsLstat, readlink as fsReadlink } from 'node:fs/promises';
import { posix } from 'node:path';

export interface ResolvePathDeps {
  realpath?: (p: string) => Promise<string>;
  lstat?: (p: string) => Promise<{ isSymbolicLink(): boolean }>;
  readlink?: (p: string) => Promise<string>;
  /** Base for relative paths. Without it relative paths are refused: the server's cwd means nothing to the model. */
  cwd?: string;
}

const MAX_LINKS = 40;

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * Resolves `path` for a policy decision: absolute, normalised, symlinks followed. A path that does
 * not exist yet resolves through its nearest existing parent, and a dangling symlink through its
 * target, so a write cannot land outside the directory the decision saw.
 */
export async function resolvePathForPolicy(path: string, deps: ResolvePathDeps = {}): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) throw new Error(`path must be a non-empty string, got ${JSON.stringify(path)}`);
  if (path.includes('\0')) throw new Error(`path ${JSON.stringify(path)} contains a NUL byte`);
  let abs: string;
  if (path.startsWith('/')) abs = path;
  else if (deps.cwd && deps.cwd.startsWith('/')) abs = posix.join(deps.cwd, path);
  else throw new Error(`path ${JSON.stringify(path)} is relative: give an absolute path`);
  const realpath = deps.realpath ?? fsRealpath;
  const lstat = deps.lstat ?? fsLstat;
  const readlink = deps.readlink ?? fsReadlink;
  return resolveAbs(strip(posix.normalize(abs)), { realpath, lstat, readlink }, 0);
}

function strip(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.replace(/\/+$/, '') || '/' : p;
}

async function resolveAbs(
  abs: string,
  deps: Required<Pick<ResolvePathDeps, 'realpath' | 'lstat' | 'readlink'>>,
  hops: number,
): Promise<string> {
  if (hops > MAX_LINKS) throw new Error(`too many levels of symbolic links resolving ${abs}`);
  try {
    return strip(await deps.realpath(abs));
  } catch (err) {
    if (code(err) !== 'ENOENT') throw new Error(`couldn't resolve ${abs}`, { cause: err });
  }
  // Find the nearest ancestor that exists; everything after it is missing or a dangling link.
  const parts = abs.split('/').filter(Boolean);
  for (let n = parts.length - 1; n >= 0; n--) {
    const parent = '/' + parts.slice(0, n).join('/');
    let realParent: string;
    try {
      realParent = strip(await deps.realpath(parent));
    } catch (err) {
      if (code(err) === 'ENOENT') continue;
      throw new Error(`couldn't resolve ${parent}`, { cause: err });
    }
    const first = parts[n]!;
    const rest = parts.slice(n + 1);
    const candidate = posix.join(realParent, first);
    let isLink = false;
    try {
      isLink = (await deps.lstat(candidate)).isSymbolicLink();
    } catch (err) {
      if (code(err) !== 'ENOENT') throw new Error(`couldn't inspect ${candidate}`, { cause: err });
    }
    if (isLink) {
      // A dangling symlink: writing through it creates its target, so decide on the target.
      const target = await deps.readlink(candidate);
      const next = posix.normalize(target.startsWith('/') ? target : posix.join(realParent, target));
      return resolveAbs(strip(posix.join(next, ...rest)), deps, hops + 1);
    }
    return strip(posix.join(candidate, ...rest));
  }
  return abs;
}
