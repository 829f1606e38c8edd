import { describe, test, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleEnv, ROOT, SERVER_BUNDLE } from '../support/bundle';
import { ALL_TOOLS } from '../../src/tools/all-tools';

// The MCP Inspector CLI (pinned devDependency, 0.15.0: the last release that runs on Node 20)
// is an independent client implementation. Its own --config flag collides with ours, so the
// server gets its paths through LDM_* variables.
const INSPECTOR = join(ROOT, 'node_modules', '.bin', 'mcp-inspector');
const run = promisify(execFile);

async function inspector(args: string[]): Promise<Record<string, unknown>> {
  const env = bundleEnv();
  const { stdout } = await run(
    INSPECTOR,
    ['--cli', '-e', `LDM_STATE_DIR=${env.stateDir}`, '-e', `LDM_CONFIG=${env.configFile}`, process.execPath, SERVER_BUNDLE, ...args],
    { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('MCP Inspector CLI against the bundle', () => {
  test('the inspector is installed', () => {
    expect(existsSync(INSPECTOR)).toBe(true);
  });

  test('tools/list shows every tool', async () => {
    const out = await inspector(['--method', 'tools/list']);
    expect((out.tools as Array<{ name: string }>).map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
  });

  test('tools/call returns structuredContent that conforms to the output schema', async () => {
    const out = await inspector(['--method', 'tools/call', '--tool-name', 'list_processes', '--tool-arg', 'limit=3', '--tool-arg', 'sort=memory']);
    const def = ALL_TOOLS.find((t) => t.name === 'list_processes')!;
    expect(def.outputSchema.parse(out.structuredContent)).toMatchObject({ processes: expect.any(Array) });
  });

  test('invalid arguments come back as isError', async () => {
    const out = await inspector(['--method', 'tools/call', '--tool-name', 'journal_query', '--tool-arg', 'since=$(reboot)']);
    expect(out.isError).toBe(true);
  });

  test('resources/list and prompts/list', async () => {
    const res = await inspector(['--method', 'resources/list']);
    expect((res.resources as Array<{ uri: string }>).map((r) => r.uri)).toContain('ldm://logs/error');
    const prompts = await inspector(['--method', 'prompts/list']);
    expect((prompts.prompts as Array<{ name: string }>).map((p) => p.name).sort()).toEqual(['postmortem', 'triage']);
  });
});
