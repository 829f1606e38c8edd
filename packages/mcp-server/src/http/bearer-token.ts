import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/**
 * Constant-time check of an Authorization header against the token. Both sides are hashed
 * first, so neither the token's length nor its prefix leaks through timing.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const presented = createHash('sha256').update(m?.[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(presented, expected) && Boolean(m);
}

/**
 * Reads the token file. It must hold one token of at least 32 characters and must not be readable
 * by group or others: a token that other local users can read is no secret.
 */
export async function readTokenFile(file: string): Promise<string> {
  let text: string;
  let mode: number;
  try {
    [text, { mode }] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    const how = missing ? `; make one (setup_mcp.sh does): (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \\n' > ${file})` : '';
    throw new Error(`couldn't read the token file ${file}: ${(err as Error).message}${how}`, { cause: err });
  }
  if (mode & 0o077) throw new Error(`token file ${file} is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  const token = text.trim();
  if (token.length < 32 || /\s/.test(token)) throw new Error(`token file ${file} must hold one token of at least 32 characters and no spaces`);
  return token;
}
