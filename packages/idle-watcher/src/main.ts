import { runProgram, EXIT } from '@ldm/core';

await runProgram(
  {
    name: 'ldm-idle-watcher',
    summary: 'Samples load cheaply, puts the suite in standby when the host is idle, warns when Oracle idle reclamation is near.',
    resident: false,
  },
  async ({ logger, paths }) => {
    logger.info('ldm-idle-watcher: not implemented yet', { stateDir: paths.stateDir });
    return EXIT.OK;
  },
);
