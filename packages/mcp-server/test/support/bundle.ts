import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../../../../', import.meta.url).pathname;
export const SERVER_BUNDLE = join(ROOT, 'dist', 'ldm-mcp-server.mjs');

export interface BundleEnv {
  dir: string;
  stateDir: string;
  configFile: string;
  args: string[];
}

/** A temp state dir and config for one spawned server. */
export function bundleEnv(config: unknown = {}): BundleEnv {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-mcp-e2e-'));
  const stateDir = join(dir, 'state');
  mkdirSync(join(dir, 'etc'));
  const configFile = join(dir, 'etc', 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  return { dir, stateDir, configFile, args: [SERVER_BUNDLE, '--state-dir', stateDir, '--config', configFile] };
}
