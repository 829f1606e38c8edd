import type { PolicyContext } from './types';

/**
 * The suite's own units. The same list is in units/ (the files) and scripts/lib/common.sh
 * (LDM_UNITS); packages/core/test/policy/suite-context.test.ts keeps the three equal.
 */
export const SUITE_UNITS = [
  'ldm-healthcheck.service',
  'ldm-healthcheck.timer',
  'ldm-healthcheck-check@.service',
  'ldm-healthcheck-check@.timer',
  'ldm-idle-watcher.service',
  'ldm-idle-watcher.timer',
  'ldm-boot-check.service',
  'ldm-mcp-http.service',
  'ldm-mcp-http.socket',
  'ldm-onfailure@.service',
];

export const DEFAULT_INSTALL_PREFIX = '/opt/linux-devops-mcp';

export interface SuiteLocation {
  paths: { stateDir: string; logDir: string; configFile: string };
  /** Where the suite is installed. */
  installPrefix: string;
  /** The suite's secrets, e.g. the HTTP token file: a model that read it could approve its own actions over HTTP. */
  secretFiles?: string[];
}

/** Pure: the directory of the suite's config file (it also holds the HTTP token). */
export function configDirOf(configFile: string): string {
  return configFile.replace(/\/[^/]*$/, '') || '/';
}

/**
 * Pure: the PolicyContext every decision about the host is made with (the MCP server's gate and
 * the healthcheck's automatic remediation): the suite's own config, units and directories.
 */
export function policyContextOf(where: SuiteLocation): PolicyContext {
  const configDir = configDirOf(where.paths.configFile);
  return {
    configFile: where.paths.configFile,
    suiteUnits: SUITE_UNITS,
    protectedPaths: [...new Set([where.paths.stateDir, where.paths.logDir, where.installPrefix, configDir])],
    secretFiles: where.secretFiles ?? [],
  };
}
