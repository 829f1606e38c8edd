import { describe, test, expect, afterEach } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { bundleEnv } from '../support/bundle';

// A typo in the config used to end the stdio session before initialize: the client showed
// "Connection closed" and nothing else. Now the session starts and says what is wrong.

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
});

describe('the stdio server with an invalid config, driven by the SDK client', () => {
  test('initializes, names file, field and near spelling in the instructions and in every tool result, runs nothing', async () => {
    const env = bundleEnv({ healthcheck: { checks: { dsik: { warn: 80 } } } });
    const transport = new StdioClientTransport({ command: process.execPath, args: env.args, stderr: 'pipe', env: { PATH: process.env.PATH ?? '' } });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'e2e', version: '1' });
    await client.connect(transport);
    clients.push(client);
    const expected = `invalid config: ${env.configFile}: healthcheck.checks.dsik: unknown key (did you mean "disk"?)`;
    expect(client.getInstructions()).toContain(expected);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('system_status');
    const marker = join(env.dir, 'ran');
    for (const [name, args] of [
      ['system_status', {}],
      ['run_command', { command: `touch ${marker}` }],
    ] as const) {
      const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: Array<{ text?: string }> };
      expect(r.isError).toBe(true);
      expect(r.content[0]!.text).toContain(expected);
    }
    expect(existsSync(marker)).toBe(false);
    // Nothing was set up from the bad config: no state written.
    expect(existsSync(join(env.stateDir, 'state.json'))).toBe(false);
    expect(stderr).toContain(expected);
  }, 30_000);

  test('stdio: leaves with 78 when the client goes, having said why on stderr; --http exits 78 at once (systemd logs it)', () => {
    const env = bundleEnv({ polcy: {} });
    const stdio = spawnSync(process.execPath, env.args, { input: '', encoding: 'utf8', timeout: 20_000 });
    expect(stdio.status).toBe(78);
    expect(stdio.stdout).toBe('');
    expect(stdio.stderr).toContain(`invalid config: ${env.configFile}: polcy: unknown key (did you mean "policy"?)`);
    const http = spawnSync(process.execPath, [...env.args, '--http', '--listen', '127.0.0.1:0'], { encoding: 'utf8', timeout: 20_000 });
    expect(http.status).toBe(78);
    expect(http.stderr).toContain(`invalid config: ${env.configFile}: polcy`);
  });
});
