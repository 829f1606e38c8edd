import { setFlagsFromString } from 'node:v8';
import { defaultCheckDeps, nagiosLine, runProgram, stateDirReport, STATUS_EXIT } from '@ldm/core';
import { runBootCheck } from './run-boot-check';
import { renderJson, renderText } from './render';

// A oneshot that lives a fraction of a second gains nothing from TurboFan, and its compile zones
// cost ~4 MB of peak RSS (measured: bench/daemons.mjs). Tiering checks the flag at run time.
setFlagsFromString('--no-opt');

await runProgram(
  {
    name: 'ldm-boot-check',
    summary:
      "Once at boot: detects a reboot and an unclean shutdown, records the previous boot's errors, runs the checks of\n" +
      'the learned patterns (boot-related first), then the standard health checks, and writes the report to\n' +
      'state.json lastBoot. Exits 0/1/2 like ldm-healthcheck. $LDM_PROC_ROOT moves /proc (tests).',
    options: {
      once: { type: 'boolean', description: 'run once and exit (the only mode; accepted for the unit and scripts)' },
      json: { type: 'boolean', description: 'print the boot report as JSON' },
    },
  },
  async ({ config, logger, store, args, env }) => {
    try {
      const outcome = await runBootCheck({ store, config, logger, deps: { ...defaultCheckDeps(env), path: env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } });
      process.stdout.write(args.values.json ? renderJson(outcome) : renderText(outcome));
      return STATUS_EXIT[outcome.status];
    } catch (err) {
      // A state dir the host cannot write (full, read-only) is this boot's verdict, not a crash.
      const report = stateDirReport(err, store.stateDir);
      if (!report) throw err;
      logger.error(`${report.id}: ${report.message}`);
      process.stdout.write(args.values.json ? `${JSON.stringify({ status: 'crit', checked: [report] }, null, 2)}\n` : `${nagiosLine('crit', [report])}\n`);
      return STATUS_EXIT.crit;
    }
  },
);
