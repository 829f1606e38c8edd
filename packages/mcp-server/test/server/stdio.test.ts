import { describe, test, expect, afterEach } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { bundleEnv, type BundleEnv } from '../support/bundle';
import { ALL_TOOLS } from '../../src/tools/all-tools';

type Result = { isError?: boolean; structuredContent?: Record<string, unknown>; content: Array<{ type: string; text?: string }> };

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
});

async function spawnClient(env: BundleEnv, elicit?: 'accept' | 'decline', path = process.env.PATH ?? ''): Promise<{ client: Client; transport: StdioClientTransport }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: env.args, stderr: 'pipe', env: { PATH: path } });
  const client = new Client({ name: 'e2e', version: '1' }, { capabilities: elicit ? { elicitation: { form: {} } } : {} });
  if (elicit) {
    client.setRequestHandler(ElicitRequestSchema, async () => (elicit === 'accept' ? { action: 'accept', content: { approve: true } } : { action: 'decline' }));
  }
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Result> {
  const r = (await client.callTool({ name, arguments: args })) as Result;
  if (!r.isError) ALL_TOOLS.find((t) => t.name === name)!.outputSchema.parse(r.structuredContent);
  return r;
}

const readState = (env: BundleEnv): { sessions: Array<{ pid: number }> } => {
  try {
    return JSON.parse(readFileSync(join(env.stateDir, 'state.json'), 'utf8'));
  } catch {
    return { sessions: [] };
  }
};

/** The first heartbeat is written once the client has initialized, so it may land just after the handshake. */
async function waitForSession(env: BundleEnv, pid: number, present = true): Promise<void> {
  for (let i = 0; i < 100 && readState(env).sessions.some((s) => s.pid === pid) !== present; i++) await new Promise((r) => setTimeout(r, 50));
}

describe('the bundle over stdio, driven by the SDK client', () => {
  test('initializes with the briefing, lists all tools, and every listed tool has an output schema', async () => {
    const env = bundleEnv();
    const { client } = await spawnClient(env);
    const instructions = client.getInstructions() ?? '';
    expect(instructions).toMatch(/^Host /);
    expect(Buffer.byteLength(instructions)).toBeLessThanOrEqual(2048);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
    const status = await call(client, 'system_status', {});
    expect(status.isError).toBeFalsy();
    const ctx = await call(client, 'get_context', {});
    expect(ctx.structuredContent!.briefing).toMatch(/^Host /);
  });

  test('denied commands return isError naming the rule, and nothing runs', async () => {
    const env = bundleEnv();
    // Should the policy ever let one through, these stand-ins run instead of the real programs:
    // the test then fails on the marker rather than damaging the machine.
    const fakeBin = join(env.dir, 'fakebin');
    const marker = join(env.dir, 'ran');
    mkdirSync(fakeBin);
    for (const name of ['rm', 'mkfs.ext4', 'dd', 'touch']) writeFileSync(join(fakeBin, name), `#!/bin/sh\necho "$0 $*" >> ${marker}\n`, { mode: 0o755 });
    const { client } = await spawnClient(env, undefined, `${fakeBin}:${process.env.PATH ?? ''}`);
    for (const command of [
      'touch x; rm -rf /',
      'touch x && rm -rf --no-preserve-root /',
      'touch x; $(echo rm) -rf /',
      "touch x; bash -c 'rm -rf /'",
      'touch x; mkfs.ext4 /dev/sda1',
      'touch x; dd if=/dev/zero of=/dev/sda',
    ]) {
      const r = await call(client, 'run_command', { command });
      expect({ command, isError: r.isError }).toEqual({ command, isError: true });
      expect(r.content[0]!.text).toMatch(/rule/i);
    }
    // The policy judges relative targets where they land: cwd is passed to it.
    const star = await call(client, 'run_command', { command: 'rm -rf *', cwd: '/' });
    expect(star.isError).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  test('an allowed command runs and reports exit code, output, duration and the decision', async () => {
    const env = bundleEnv();
    const { client } = await spawnClient(env);
    const r = await call(client, 'run_command', { command: 'echo hello && echo warn >&2' });
    expect(r.structuredContent).toMatchObject({ exit_code: 0, stdout: 'hello\n', stderr: 'warn\n', decision: { action: 'allow' } });
    expect(['systemd', 'bubblewrap']).toContain(r.structuredContent!.sandbox);
    const a = await call(client, 'run_command', { argv: ['printf', '%s', '$(not a shell)'] });
    expect(a.structuredContent!.stdout).toBe('$(not a shell)');
  });

  test('host: true runs only after the human accepts through elicitation; without elicitation the refusal names the config', async () => {
    const env = bundleEnv();
    const m1 = join(env.dir, 'accepted');
    const yes = await spawnClient(env, 'accept');
    expect((await call(yes.client, 'run_command', { command: `touch ${m1}`, host: true })).isError).toBeFalsy();
    expect(existsSync(m1)).toBe(true);
    const m2 = join(env.dir, 'declined');
    const no = await spawnClient(env, 'decline');
    expect((await call(no.client, 'run_command', { command: `touch ${m2}`, host: true })).isError).toBe(true);
    const none = await spawnClient(env);
    const refused = await call(none.client, 'run_command', { command: `touch ${m2}`, host: true });
    expect(refused.isError).toBe(true);
    expect(refused.content[0]!.text).toContain(env.configFile);
    expect(existsSync(m2)).toBe(false);
  });

  test('host: true is pre-authorised by a policy.allow rule the human wrote, and only for what it covers', async () => {
    const env = bundleEnv({ policy: { allow: ['touch **'] } });
    const m1 = join(env.dir, 'allowed');
    const none = await spawnClient(env);
    expect((await call(none.client, 'run_command', { command: `touch ${m1}`, host: true })).isError).toBeFalsy();
    expect(existsSync(m1)).toBe(true);
    const m2 = join(env.dir, 'not-covered');
    const r = await call(none.client, 'run_command', { command: `touch ${m1} && echo x > ${m2}`, host: true });
    expect(r.isError).toBe(true);
    expect(existsSync(m2)).toBe(false);
  });

  test("service_action may not stop the suite's own units", async () => {
    const env = bundleEnv();
    const { client } = await spawnClient(env, 'accept');
    const r = await call(client, 'service_action', { unit: 'ldm-healthcheck.timer', action: 'stop' });
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toMatch(/rule/);
  });

  test('writing the suite config or state through write_file is refused; path escapes via .. are resolved first', async () => {
    const env = bundleEnv();
    const { client } = await spawnClient(env);
    const before = readFileSync(env.configFile, 'utf8');
    const w1 = await call(client, 'write_file', { path: env.configFile, content: '{"policy":{"mode":"unrestricted"}}' });
    expect(w1.isError).toBe(true);
    const w2 = await call(client, 'write_file', { path: join(env.dir, 'etc', '..', 'etc', 'config.json'), content: '{}' });
    expect(w2.isError).toBe(true);
    const w3 = await call(client, 'write_file', { path: join(env.stateDir, 'patterns.json'), content: '{}' });
    expect(w3.isError).toBe(true);
    // A symlink that points at the config: the policy sees the resolved target.
    symlinkSync(env.configFile, join(env.dir, 'innocent.json'));
    const w4 = await call(client, 'write_file', { path: join(env.dir, 'innocent.json'), content: '{}' });
    expect(w4.isError).toBe(true);
    expect(readFileSync(env.configFile, 'utf8')).toBe(before);
    const r = await call(client, 'read_file', { path: 'relative/path' });
    expect(r.isError).toBe(true);
    const shadow = await call(client, 'read_file', { path: '/etc/../etc/shadow' });
    expect(shadow.isError).toBe(true);
  });

  test('read-only mode lists the read-only tools and the contained run_command', async () => {
    const env = bundleEnv({ policy: { mode: 'read-only' } });
    const { client } = await spawnClient(env);
    const { tools } = await client.listTools();
    const expected = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint || t.containedInReadOnly).map((t) => t.name);
    expect(tools.map((t) => t.name).sort()).toEqual(expected.sort());
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  });

  test('heartbeat is in state.json while the session lives and removed when stdin closes', async () => {
    const env = bundleEnv();
    const { client, transport } = await spawnClient(env);
    await client.ping();
    const pid = transport.pid!;
    await waitForSession(env, pid);
    expect(readState(env).sessions.map((s) => s.pid)).toContain(pid);
    await client.close();
    await waitForSession(env, pid, false);
    expect(readState(env).sessions.map((s) => s.pid)).not.toContain(pid);
  });

  test.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s removes the heartbeat and exits 0', async (signal) => {
    const env = bundleEnv();
    const child = spawn(process.execPath, env.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`);
      await new Promise<void>((r) => child.stdout.once('data', () => r()));
      await waitForSession(env, child.pid!);
      expect(readState(env).sessions.map((s) => s.pid)).toContain(child.pid);
      child.kill(signal);
      expect(await exited).toBe(0);
      expect(readState(env).sessions).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('nothing but JSON-RPC reaches stdout', async () => {
    const env = bundleEnv();
    const child = spawn(process.execPath, env.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'system_status', arguments: {} } });
    send({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'run_command', arguments: { command: 'echo to-stdout; echo to-stderr >&2' } } });
    send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'journal_query', arguments: { lines: 5 } } });
    send({ jsonrpc: '2.0', id: 6, method: 'resources/read', params: { uri: 'ldm://logs/error' } });
    send({ jsonrpc: '2.0', id: 7, method: 'ping' });
    const answered = () => [1, 2, 3, 4, 5, 6, 7].every((id) => out.includes(`"id":${id}}`));
    for (let i = 0; i < 200 && !answered(); i++) await new Promise((r) => setTimeout(r, 50));
    child.stdin.end();
    await new Promise((r) => child.on('exit', r));
    const lines = out.split('\n').filter(Boolean);
    expect(lines.length).toBe(7);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  });
});
