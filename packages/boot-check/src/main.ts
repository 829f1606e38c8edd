import { runProgram, EXIT } from '@ldm/core';

await runProgram(
  {
    name: 'ldm-boot-check',
    summary: 'Runs once at boot: reads what went wrong before the reboot and checks the historically weakest points first.',
    resident: false,
  },
  async ({ logger, paths }) => {
    logger.info('ldm-boot-check: not implemented yet', { stateDir: paths.stateDir });
    return EXIT.OK;
  },
);
