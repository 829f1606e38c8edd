import { runProgram, EXIT } from '@ldm/core';

await runProgram(
  {
    name: 'ldm-mcp-server',
    summary: 'MCP server on stdio: tools to operate this host under a policy, with the host history in every session.',
    resident: true,
  },
  async ({ logger, paths }) => {
    logger.info('ldm-mcp-server: not implemented yet', { stateDir: paths.stateDir });
    return EXIT.OK;
  },
);
