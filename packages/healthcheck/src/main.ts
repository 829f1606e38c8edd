import { hostname } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { configDirOf, DEFAULT_INSTALL_PREFIX, defaultCheckDeps, defaultSendDeps, EXIT, policyContextOf, readHostActions, readUptimeSeconds, runOnHost, runProgram, STATUS_EXIT, UsageError } from '@ldm/core';
import { containedRunner } from './contained-runner';
import { runHealthcheck } from './run-healthcheck';
import { renderJson, renderText } from './render';
import { renderTestNotify, testNotify } from './test-notify';
import { recordUnitFailure } from './on-failure';

// A oneshot that lives a fraction of a second gains nothing from TurboFan, and its compile zones
// cost ~4 MB of peak RSS (measured: bench/daemons.mjs). Tiering checks the flag at run time.
setFlagsFromString('--no-opt');

/** The sandbox unit's own time limit: a plugin is killed by its check's timeout long before. */
const PLUGIN_BACKSTOP_SEC = 120;

await runProgram(
  {
    name: 'ldm-healthcheck',
    summary:
      'Checks the MCP sessions and the system once, records incidents, restarts what the policy allows, and exits\n' +
      '0 (OK), 1 (WARNING) or 2 (CRITICAL). Run by ldm-healthcheck.timer. $LDM_PROC_ROOT moves /proc (tests).\n' +
      '--test-notify sends a test message through every notify.channels entry (exit 1 if one failed).\n' +
      '--on-failure UNIT records UNIT\'s failure and notifies (run by ldm-onfailure@UNIT.service).',
    options: {
      once: { type: 'boolean', description: 'run once and exit (the only mode; accepted for the timer and scripts)' },
      json: { type: 'boolean', description: 'print the whole result as JSON instead of the Nagios summary' },
      only: { type: 'string', description: "run only the check with this id (an owner's check's own timer, ldm-healthcheck-check@ID.timer)" },
      'test-notify': { type: 'boolean', description: 'send a test message through every notification channel and report each' },
      'on-failure': { type: 'string', valueName: 'UNIT', description: 'record that UNIT failed, with its last journal lines, and notify' },
    },
  },
  async ({ config, logger, store, args, env, paths }) => {
    const checkDeps = defaultCheckDeps(env);
    const send = { ...defaultSendDeps(hostname()), fetch: checkDeps.fetch };
    if (args.values['test-notify'] && args.values['on-failure'] !== undefined) throw new UsageError('ldm-healthcheck: --test-notify and --on-failure are separate runs');
    if (args.values['test-notify']) {
      const results = await testNotify(config.notify, send);
      process.stdout.write(args.values.json ? `${JSON.stringify(results, null, 2)}\n` : renderTestNotify(results));
      return results.length === 0 ? EXIT.CONFIG : results.every((r) => r.ok) ? EXIT.OK : 1;
    }
    const unit = args.values['on-failure'];
    if (typeof unit === 'string') {
      const r = await recordUnitFailure(unit, store, config, logger, {
        runCommand: checkDeps.runCommand,
        now: checkDeps.now,
        uptimeSec: () => readUptimeSeconds(checkDeps.proc).then((u) => (Number.isFinite(u) ? u : null), () => null),
        send,
      });
      if (r.skipped) logger.info(`--on-failure ${unit}: nothing recorded: ${r.skipped}`);
      else logger.notice(`${unit} failed: incident ${r.incidentId}${r.notified.length ? `; notified ${r.notified.map((n) => `${n.channel} ${n.ok ? 'ok' : 'FAILED'}`).join(', ')}` : ''}`);
      process.stdout.write(args.values.json ? `${JSON.stringify(r, null, 2)}\n` : r.skipped ? `skipped: ${r.skipped}\n` : `recorded ${unit}: incident ${r.incidentId}\n`);
      return EXIT.OK;
    }
    const outcome = await runHealthcheck({
      store,
      config,
      logger,
      policyContext: policyContextOf({ paths, installPrefix: env.LDM_INSTALL_PREFIX ?? DEFAULT_INSTALL_PREFIX }),
      only: args.values.only as string | undefined,
      deps: {
        ...checkDeps,
        // The sandbox code loads only when a Nagios check runs.
        runContained: containedRunner(async () =>
          (await import('./sandbox-chunk')).openSandbox(config.policy, { configDir: configDirOf(paths.configFile), stateDir: paths.stateDir }, PLUGIN_BACKSTOP_SEC, env),
        ),
        runHost: runOnHost,
        send,
        hostActions: (since) => readHostActions(paths.logDir, since),
        kill: (pid, signal) => process.kill(pid, signal),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
    });
    process.stdout.write(args.values.json ? renderJson(outcome) : renderText(outcome));
    return STATUS_EXIT[outcome.status];
  },
);
