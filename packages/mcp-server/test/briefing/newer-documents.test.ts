import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { bundleEnv } from '../support/bundle';

type Result = { isError?: boolean; structuredContent?: Record<string, unknown> };

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
});

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
}

// A file from a newer release is "left alone": the server must still start, answer, and say which
// document it could not read, and no writer may overwrite it or move it aside.
describe('documents from a newer release', () => {
  test.each([
    ['state.json', { version: 2, mode: 'active', sessions: [], somethingNew: { x: 1 } }],
    ['incidents.json', { version: 2, incidents: 'a shape this release does not know' }],
    // patterns.json is read up to version 2 (learn/migrate-patterns.ts): 3 is the newer one.
    ['patterns.json', { version: 3, patterns: [] }],
  ])('%s from a newer release: the server starts, its briefing names the file, and the file is untouched', async (file, doc) => {
    const env = bundleEnv();
    mkdirSync(env.stateDir);
    const text = `${JSON.stringify(doc)}\n`;
    writeFileSync(join(env.stateDir, file), text);
    const transport = new StdioClientTransport({ command: process.execPath, args: env.args, stderr: 'pipe', env: { PATH: process.env.PATH ?? '' } });
    let stderr = '';
    transport.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const client = new Client({ name: 'newer', version: '1' });
    await client.connect(transport);
    clients.push(client);

    const instructions = client.getInstructions() ?? '';
    expect(instructions).toMatch(/^Host /);
    expect(instructions).toContain(`${file} has version ${doc.version}`);
    const ctx = (await client.callTool({ name: 'get_context', arguments: {} })) as Result;
    expect(ctx.isError).toBeFalsy();
    expect(String(ctx.structuredContent!.briefing)).toContain(file);

    if (file === 'state.json') {
      // The heartbeat is a writer of state.json: it must refuse, at err priority.
      await until(() => /^<3>.*state\.json.*left alone/m.test(stderr));
      expect(stderr).toMatch(/^<3>.*state\.json has version 2.*left alone/m);
    }
    await client.close();
    expect(readFileSync(join(env.stateDir, file), 'utf8')).toBe(text);
    expect(readdirSync(env.stateDir).filter((f) => f.includes('.corrupt-'))).toEqual([]);
  }, 60_000);
});
