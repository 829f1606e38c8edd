import { runProgram, decideCommand, decidePath, resolvePathForPolicy, redactSecrets } from '@ldm/core';
import { depsFromProgram, serveStdio } from './server/serve-stdio';

await runProgram(
  {
    name: 'ldm-mcp-server',
    summary: 'MCP server on stdio: tools to operate this host under a policy, with the host history in every session.',
    resident: true,
  },
  (ctx) =>
    serveStdio(
      depsFromProgram(ctx, {
        decideCommand,
        decidePath,
        // Relative paths are refused: the server's working directory means nothing to the model.
        resolvePathForPolicy: (path) => resolvePathForPolicy(path),
        redactSecrets,
      }),
    ),
);
