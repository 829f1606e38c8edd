import { createRequire } from 'node:module';

// node:crypto and node:child_process take milliseconds each to load (measured: about 2.6 and
// 1.2 ms on the CI machine). Most starts of the MCP server never hash or spawn before the client
// has its first answers, so these are loaded on their first use instead of at import. The
// require function itself is made on first use too: createRequire costs a few hundred µs.
let nodeRequire: NodeJS.Require | undefined;
const requireBuiltin = (id: string): unknown => (nodeRequire ??= createRequire(import.meta.url))(id);

export function nodeCrypto(): typeof import('node:crypto') {
  return requireBuiltin('node:crypto') as typeof import('node:crypto');
}

export function nodeChildProcess(): typeof import('node:child_process') {
  return requireBuiltin('node:child_process') as typeof import('node:child_process');
}

/** The first 12 hex digits of sha256(text): the stable ids of templates and patterns. */
export function sha256Hex12(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function randomHex(bytes: number): string {
  return nodeCrypto().randomBytes(bytes).toString('hex');
}
