import { resolve } from 'node:path';

export interface ResolvedPaths {
  stateDir: string;
  logDir: string;
  configFile: string;
}

export interface PathInputs {
  stateDirFlag?: string;
  logDirFlag?: string;
  configFlag?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const DEFAULT_CONFIG_FILE = '/etc/linux-devops-mcp/config.json';

/** systemd passes colon-separated lists in $STATE_DIRECTORY when a unit names several; the first is ours. */
function firstOfList(value: string | undefined): string | undefined {
  const first = value?.split(':')[0];
  return first ? first : undefined;
}

/**
 * Precedence: flag, then LDM_* variable, then the directory systemd created for the unit,
 * then a directory relative to the working directory (local mode).
 */
export function resolvePaths({ stateDirFlag, logDirFlag, configFlag, env, cwd }: PathInputs): ResolvedPaths {
  const stateDir = resolve(cwd, stateDirFlag ?? env.LDM_STATE_DIR ?? firstOfList(env.STATE_DIRECTORY) ?? './state');
  // Without a log directory of its own, logs live beside the state they describe.
  const logDir = resolve(cwd, logDirFlag ?? env.LDM_LOG_DIR ?? firstOfList(env.LOGS_DIRECTORY) ?? resolve(stateDir, 'logs'));
  const configFile = resolve(cwd, configFlag ?? env.LDM_CONFIG ?? DEFAULT_CONFIG_FILE);
  return { stateDir, logDir, configFile };
}
