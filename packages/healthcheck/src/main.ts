import { setFlagsFromString } from 'node:v8';
import { DEFAULT_INSTALL_PREFIX, defaultCheckDeps, policyContextOf, readHostActions, runOnHost, runProgram, STATUS_EXIT } from '@ldm/core';
import { runHealthcheck } from './run-healthcheck';
import { renderJson, renderText } from './render';

// A oneshot that lives a fraction of a second gains nothing from TurboFan, and its compile zones
// cost ~4 MB of peak RSS (measured: bench/daemons.mjs). Tiering checks the flag at run time.
setFlagsFromString('--no-opt');

await runProgram(
  {
    name: 'ldm-healthcheck',
    summary:
      'Checks the MCP sessions and the system once, records incidents, restarts what the policy allows, and exits\n' +
      '0 (OK), 1 (WARNING) or 2 (CRITICAL). Run by ldm-healthcheck.timer. $LDM_PROC_ROOT moves /proc (tests).',
    options: {
      once: { type: 'boolean', description: 'run once and exit (the only mode; accepted for the timer and scripts)' },
      json: { type: 'boolean', description: 'print the whole result as JSON instead of the Nagios summary' },
    },
  },
  async ({ config, logger, store, args, env, paths }) => {
    const outcome = await runHealthcheck({
      store,
      config,
      logger,
      policyContext: policyContextOf({ paths, installPrefix: env.LDM_INSTALL_PREFIX ?? DEFAULT_INSTALL_PREFIX }),
      deps: {
        ...defaultCheckDeps(env),
        runHost: runOnHost,
        hostActions: (since) => readHostActions(paths.logDir, since),
        kill: (pid, signal) => process.kill(pid, signal),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
    });
    process.stdout.write(args.values.json ? renderJson(outcome) : renderText(outcome));
    return STATUS_EXIT[outcome.status];
  },
);
