import { setFlagsFromString } from 'node:v8';
import { defaultCheckDeps, runProgram, EXIT } from '@ldm/core';
import { defaultIdleDeps, runIdleWatcher } from './run-idle-watcher';
import { renderJson, renderText } from './render';

// A oneshot that lives a fraction of a second gains nothing from TurboFan, and its compile zones
// cost ~4 MB of peak RSS (measured: bench/daemons.mjs). Tiering checks the flag at run time.
setFlagsFromString('--no-opt');

await runProgram(
  {
    name: 'ldm-idle-watcher',
    summary:
      'Takes one sample (no child processes), switches state.json between active and standby, and warns when\n' +
      "the host is on course to be reclaimed under Oracle's Always Free idle rule. Run by ldm-idle-watcher.timer.",
    options: {
      once: { type: 'boolean', description: 'take one sample and exit (the only mode; accepted for the timer and scripts)' },
      json: { type: 'boolean', description: 'print the sample, the decision and the reclamation figures as JSON' },
    },
  },
  async ({ config, logger, store, args, env }) => {
    const outcome = await runIdleWatcher({ store, config, logger, deps: defaultIdleDeps(defaultCheckDeps(env)) });
    process.stdout.write(args.values.json ? renderJson(outcome) : renderText(outcome));
    return EXIT.OK;
  },
);
