import { runProgram, EXIT } from '@ldm/core';

await runProgram(
  {
    name: 'ldm-healthcheck',
    summary: 'Checks the MCP sessions and the system, records incidents, restarts what the policy allows. Run by a timer.',
    resident: false,
  },
  async ({ logger, paths }) => {
    logger.info('ldm-healthcheck: not implemented yet', { stateDir: paths.stateDir });
    return EXIT.OK;
  },
);
