// Pure path predicates. Every path here is absolute and normalised (see resolvePathForPolicy).
import { posix } from 'node:path';

/** `child` is `dir` or inside it. Compares whole segments, so /var/lib/app-evil is not in /var/lib/app. */
export function isPathWithin(child: string, dir: string): boolean {
  if (dir === '/') return child.startsWith('/');
  const d = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  return child === d || child.startsWith(d + '/');
}

/** Absolute, normalised, no trailing slash (except "/"), no NUL: the only form decisions accept. */
export function isCanonicalPath(p: string): boolean {
  if (!p.startsWith('/') || p.includes('\0')) return false;
  if (p === '/') return true;
  return !p.endsWith('/') && posix.normalize(p) === p;
}

const esc = (s: string): string => s.replace(/[.+^${}()|[\]\\/]/g, '\\$&');

/**
 * A path pattern from the config: a plain absolute path matches itself and everything under it;
 * with `*` (one segment), `**` (any depth) or `?` it is a glob that also covers what is under a match.
 */
export function pathPatternMatches(pattern: string, p: string): boolean {
  if (!/[*?]/.test(pattern)) return isPathWithin(p, posix.normalize(pattern));
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += esc(c);
  }
  return new RegExp(`^${re}(?:/.*)?$`, 's').test(p);
}
