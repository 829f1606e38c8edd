import type { ProgramSpec, ParsedArgs } from '@ldm/core';
import type { HttpFlags } from './serve-http';

/** The flags that switch ldm-mcp-server to Streamable HTTP. */
export const HTTP_OPTIONS: NonNullable<ProgramSpec['options']> = {
  http: { type: 'boolean', description: 'serve MCP over Streamable HTTP on /mcp instead of stdio' },
  listen: { type: 'string', valueName: 'HOST:PORT', description: 'with --http: where to listen (default http.listen, 127.0.0.1:8765)' },
  'token-file': { type: 'string', valueName: 'FILE', description: 'with --http: the bearer token file (default http.tokenFile)' },
  'insecure-no-auth': { type: 'boolean', description: 'with --http, TESTS ONLY: no token; refused on any non-loopback address' },
};

/** Null when the server should speak stdio. Misuse of the HTTP-only flags is an error that names them. */
export function httpFlagsFrom(args: ParsedArgs): HttpFlags | null {
  const v = args.values;
  if (!v.http) {
    const stray = ['listen', 'token-file', 'insecure-no-auth'].filter((k) => v[k] !== undefined);
    if (stray.length) throw Object.assign(new Error(`--${stray.join(', --')} only make sense with --http`), { exitCode: 64 });
    return null;
  }
  return {
    ...(typeof v.listen === 'string' ? { listen: v.listen } : {}),
    ...(typeof v['token-file'] === 'string' ? { tokenFile: v['token-file'] } : {}),
    insecureNoAuth: Boolean(v['insecure-no-auth']),
  };
}
