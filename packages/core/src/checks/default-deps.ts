import { access, readFile, stat, statfs } from 'node:fs/promises';
import type { CheckDeps } from './types';
import { runCommand } from './run-command';

/**
 * The real data sources. LDM_PROC_ROOT moves /proc (tests and the e2e run point it at a fixture
 * tree); it is read from the environment the binary was given, never from config.
 */
export function defaultCheckDeps(env: NodeJS.ProcessEnv = process.env): CheckDeps {
  return {
    proc: { procRoot: env.LDM_PROC_ROOT || '/proc' },
    runCommand,
    statfs: (path) => statfs(path),
    fetch: (...args) => fetch(...args),
    now: () => new Date(),
    readFile: (path) => readFile(path, 'utf8'),
    fileExists: (path) => access(path).then(() => true, () => false),
    systemdRunning: () => stat(env.LDM_SYSTEMD_RUNTIME_DIR || '/run/systemd/system').then((s) => s.isDirectory(), () => false),
  };
}
