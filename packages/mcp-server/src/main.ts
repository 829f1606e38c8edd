import { runProgram, redactSecrets, VERSION } from '@ldm/core';
import { depsFromProgram, serveStdio } from './server/serve-stdio';
import { onDemandPolicy } from './server/on-demand-services';
import { HTTP_OPTIONS, httpFlagsFrom } from './http/http-flags';

const verb = process.argv[2];
if (verb === 'approve' || verb === 'reject') {
  // The human's side of an approval asked for outside the session (docs/policy.md, Approvals).
  await runProgram(
    {
      name: `ldm-mcp-server ${verb}`,
      summary:
        verb === 'approve'
          ? 'Without ID: lists the approvals MCP sessions are waiting for. With ID: shows that action and approves it for its session, once.'
          : 'Shows the action of approval ID and rejects it.',
      operands: verb === 'approve' ? '[ID]' : 'ID',
      options: { yes: { type: 'boolean', short: 'y', description: 'answer without asking on the terminal (for scripts)' } },
    },
    async (ctx) => (await import('./approvals/approve-main')).approveMain(verb, ctx),
    { argv: process.argv.slice(3), env: process.env, cwd: process.cwd(), stdout: process.stdout },
  );
} else if (verb === 'pair' || verb === 'grants') {
  // The owner's side of OAuth (docs/remote.md): root on the host is what consent stands for.
  await runProgram(
    {
      name: `ldm-mcp-server ${verb}`,
      summary:
        verb === 'pair'
          ? 'Prints a one-time pairing code for the OAuth consent page (valid 10 minutes, a few tries). Root only.'
          : 'Lists the OAuth grants (client, scope, created, last used). `grants revoke ID` ends one and its tokens at once. Root only.',
      ...(verb === 'grants' ? { operands: '[revoke ID]' } : {}),
    },
    async (ctx) => (await import('./http/auth/owner-main')).ownerMain(verb, ctx),
    { argv: process.argv.slice(3), env: process.env, cwd: process.cwd(), stdout: process.stdout },
  );
} else {
  await runProgram(
    {
      name: 'ldm-mcp-server',
      summary:
        'MCP server: tools to operate this host under a policy, with the host history in every session. ' +
        'Speaks stdio by default; --http serves Streamable HTTP on /mcp with a bearer token. ' +
        'Subcommands: `approve [ID]` lists or approves the actions sessions wait for; `reject ID`; ' +
        '`pair` prints a code for the OAuth consent page; `grants [revoke ID]` lists or ends OAuth grants.',
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
}
