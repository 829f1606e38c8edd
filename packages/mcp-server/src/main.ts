import { runProgram, redactSecrets, VERSION } from '@ldm/core';
import { depsFromProgram, serveStdio } from './server/serve-stdio';
import { onDemandPolicy } from './server/on-demand-services';
import { HTTP_OPTIONS, httpFlagsFrom } from './http/http-flags';

await runProgram(
  {
    name: 'ldm-mcp-server',
    summary:
      'MCP server: tools to operate this host under a policy, with the host history in every session. ' +
      'Speaks stdio by default; --http serves Streamable HTTP on /mcp with a bearer token.',
    resident: true,
    options: HTTP_OPTIONS,
    // Over stdio, a session that says what is wrong; over HTTP (systemd) exit 78 and the journal line.
    onConfigError: (err, args) =>
      httpFlagsFrom(args) ? undefined : import('./server/serve-config-error').then(({ serveConfigError }) => serveConfigError(err.message, { version: VERSION })),
  },
  async (ctx) => {
    const http = httpFlagsFrom(ctx.args);
    const deps = depsFromProgram(ctx, onDemandPolicy(redactSecrets));
    if (!http) return serveStdio(deps);
    // Loaded only for --http: the SDK's HTTP transport pulls in fetch/undici at import time.
    const { serveHttp } = await import('./http/serve-http');
    return serveHttp(deps, http, ctx.env);
  },
);
