import type { ChildProcess } from 'node:child_process';
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

/**
 * The URL a spawned `--http` server announces on stderr ("serving MCP on http://…/mcp"); rejects
 * with what it wrote when it exits first or says nothing of it within `ms`.
 */
export function servingUrl(child: ChildProcess, ms = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in ${ms} ms: ${err}`)), ms);
    child.once('exit', () => (clearTimeout(timer), reject(new Error(`server exited: ${err}`))));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      const m = /serving MCP on (http:\/\/\S+\/mcp)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
}
