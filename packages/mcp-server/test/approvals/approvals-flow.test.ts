import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger, type Approval } from '@ldm/core';
import { bundleEnv, SERVER_BUNDLE, type BundleEnv } from '../support/bundle';
import { makeDeps } from '../support/make-deps';
import { connect, type Connected } from '../support/connect';
import { createServer } from '../../src/server/create-server';
import { McpHttpServer } from '../../src/http/http-server';
import { defaultOriginPolicy } from '../../src/http/origin-guard';
import { waitUntil } from '../support/wait-until';

// Approvals judged by their effect on the host: which files exist after which calls.

type Result = { isError?: boolean; structuredContent?: Record<string, unknown>; content: Array<{ type: string; text?: string }> };

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
});

async function spawnSession(env: BundleEnv): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: env.args, stderr: 'pipe', env: { PATH: process.env.PATH ?? '' } });
  const client = new Client({ name: 'no-elicitation', version: '1' }, { capabilities: {} });
  await client.connect(transport);
  closers.push(() => client.close());
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as Result;

/** The human on the host: `ldm-mcp-server approve|reject ...` as its own process, stdin not a terminal. */
function hostCli(dirs: { stateDir: string; configFile: string; logDir?: string }, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const logDir = dirs.logDir ?? join(dirs.stateDir, 'logs');
  const child = spawn(process.execPath, [SERVER_BUNDLE, ...args, '--state-dir', dirs.stateDir, '--log-dir', logDir, '--config', dirs.configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function approvalsIn(stateDir: string): Approval[] {
  try {
    return (JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { approvals?: Approval[] }).approvals ?? [];
  } catch {
    return [];
  }
}

function onlyPending(stateDir: string): Approval {
  const pending = approvalsIn(stateDir).filter((a) => a.status === 'pending');
  expect(pending).toHaveLength(1);
  return pending[0]!;
}

describe('a client without elicitation: the human approves on the host', () => {
  test('write_file waits for the approval, then runs once for its own session and exactly its content', async () => {
    const env = bundleEnv();
    const target = join(env.dir, 'target');
    mkdirSync(target);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(env.configFile, JSON.stringify({ policy: { paths: { confirmWrite: [target] } } }));
    const file = join(target, 'motd');
    const args = { path: file, content: 'hello\n' };
    const dirs = { stateDir: env.stateDir, configFile: env.configFile };

    const session = await spawnSession(env);
    const asked = await call(session, 'write_file', args);
    expect(asked.isError).toBe(true);
    expect(existsSync(file)).toBe(false);
    const { id } = onlyPending(env.stateDir);

    // Presented before the human answered: nothing.
    expect((await call(session, 'write_file', { ...args, approval_id: id })).isError).toBe(true);
    expect(existsSync(file)).toBe(false);

    const listing = await hostCli(dirs, 'approve');
    expect(listing.code).toBe(0);
    expect(listing.stdout).toContain(id);
    expect(listing.stdout).toContain(file);
    // Without a terminal to ask on, only --yes answers.
    expect((await hostCli(dirs, 'approve', id)).code).toBe(64);
    expect(onlyPending(env.stateDir).id).toBe(id);
    expect((await hostCli(dirs, 'approve', id, '--yes')).code).toBe(0);

    // Other content, or another session, with the approved id: nothing.
    expect((await call(session, 'write_file', { ...args, content: 'hello!\n', approval_id: id })).isError).toBe(true);
    expect((await call(session, 'write_file', { ...args, mode: 'append', approval_id: id })).isError).toBe(true);
    const other = await spawnSession(env);
    expect((await call(other, 'write_file', { ...args, approval_id: id })).isError).toBe(true);
    expect(existsSync(file)).toBe(false);

    const done = await call(session, 'write_file', { ...args, approval_id: id });
    expect(done.isError).toBeFalsy();
    expect(readFileSync(file, 'utf8')).toBe('hello\n');

    // Single use.
    rmSync(file);
    expect((await call(session, 'write_file', { ...args, approval_id: id })).isError).toBe(true);
    expect(existsSync(file)).toBe(false);

    const audit = readFileSync(join(env.stateDir, 'logs', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit).toContainEqual(expect.objectContaining({ tool: 'approval:approve', approval: expect.objectContaining({ id, via: 'host-cli', by: expect.stringMatching(/^uid \d+/) }) }));
    expect(audit).toContainEqual(expect.objectContaining({ tool: 'write_file', isError: false, approval: expect.objectContaining({ id, via: 'host-cli' }) }));
  });

  test('run_command: the approval of one argv and cwd does not cover another argv or cwd', async () => {
    const env = bundleEnv({ policy: { confirm: ['touch'] } });
    const dirs = { stateDir: env.stateDir, configFile: env.configFile };
    const a = join(env.dir, 'a');
    const b = join(env.dir, 'b');
    const session = await spawnSession(env);
    expect((await call(session, 'run_command', { argv: ['touch', a], cwd: env.dir, host: true })).isError).toBe(true);
    const { id } = onlyPending(env.stateDir);
    expect((await hostCli(dirs, 'approve', id, '--yes')).code).toBe(0);

    expect((await call(session, 'run_command', { argv: ['touch', b], cwd: env.dir, host: true, approval_id: id })).isError).toBe(true);
    expect((await call(session, 'run_command', { argv: ['touch', `${a} `], cwd: env.dir, host: true, approval_id: id })).isError).toBe(true);
    expect((await call(session, 'run_command', { argv: ['touch', a], cwd: '/', host: true, approval_id: id })).isError).toBe(true);
    expect((await call(session, 'run_command', { command: `touch ${a}`, cwd: env.dir, host: true, approval_id: id })).isError).toBe(true);
    // Not on the host: the approval is for the host, and the sandbox cannot write here anyway.
    await call(session, 'run_command', { argv: ['touch', a], cwd: env.dir, approval_id: id });
    expect(existsSync(a) || existsSync(b) || existsSync(`${a} `)).toBe(false);

    expect((await call(session, 'run_command', { argv: ['touch', a], cwd: env.dir, host: true, approval_id: id })).isError).toBeFalsy();
    expect(existsSync(a)).toBe(true);
    expect(existsSync(b)).toBe(false);
  });

  test('an expired or rejected approval lets nothing through', async () => {
    const env = makeDeps();
    let skew = 0;
    env.deps.now = () => new Date(Date.now() + skew);
    const dirs = { stateDir: env.deps.paths.stateDir, configFile: env.deps.paths.configFile, logDir: env.deps.paths.logDir };
    const open = await connect(env.deps);
    closers.push(open.close);
    const file = join(env.dir, 'confirm-me-expiring');
    expect((await call(open.client, 'write_file', { path: file, content: 'x' })).isError).toBe(true);
    const { id } = onlyPending(dirs.stateDir);
    // The model does not see the approvals list (other sessions' actions) through ldm://state.
    expect(JSON.stringify(await open.client.readResource({ uri: 'ldm://state' }))).not.toContain(id);
    expect((await hostCli(dirs, 'approve', id, '--yes')).code).toBe(0);
    skew = (env.deps.config.mcp.approvalTtlSec + 1) * 1000;
    expect((await call(open.client, 'write_file', { path: file, content: 'x', approval_id: id })).isError).toBe(true);
    expect(existsSync(file)).toBe(false);

    skew = 0;
    const other = join(env.dir, 'confirm-me-rejected');
    expect((await call(open.client, 'write_file', { path: other, content: 'x' })).isError).toBe(true);
    const rejected = onlyPending(dirs.stateDir).id;
    expect((await hostCli(dirs, 'reject', rejected, '--yes')).code).toBe(0);
    expect((await call(open.client, 'write_file', { path: other, content: 'x', approval_id: rejected })).isError).toBe(true);
    expect(existsSync(other)).toBe(false);
    // An answered approval cannot be answered again.
    expect((await hostCli(dirs, 'approve', rejected, '--yes')).code).not.toBe(0);
  });
});

describe('a client with elicitation', () => {
  test('declined: nothing happens and nothing waits on the host; dismissed: the host can still approve', async () => {
    const env = makeDeps();
    let open: Connected = await connect(env.deps, { elicit: () => ({ action: 'decline' }) });
    closers.push(() => open.close());
    const file = join(env.dir, 'confirm-me-declined');
    expect((await call(open.client, 'write_file', { path: file, content: 'x' })).isError).toBe(true);
    expect(open.elicitations).toHaveLength(1);
    expect(existsSync(file)).toBe(false);
    expect(approvalsIn(env.deps.paths.stateDir)).toEqual([]);
    await open.close();

    open = await connect(env.deps, { elicit: () => ({ action: 'cancel' }) });
    expect((await call(open.client, 'write_file', { path: file, content: 'x' })).isError).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(approvalsIn(env.deps.paths.stateDir).map((a) => a.status)).toEqual(['pending']);
  });

  test('the prompt shows ANSI escapes, bidi overrides and newlines as visible escapes', async () => {
    const env = makeDeps();
    const open = await connect(env.deps, { elicit: () => ({ action: 'decline' }) });
    closers.push(open.close);
    const command = `echo ok\x1b[2K\x1b[1A\r# confirm-me \u202eexe.txt\u200b${'\n'.repeat(60)}touch ${join(env.dir, 'hidden')}`;
    await call(open.client, 'run_command', { command, host: true });
    const { message, requestedSchema } = open.elicitations[0] as { message: string; requestedSchema: { properties: { approve: { description: string } } } };
    for (const text of [message, requestedSchema.properties.approve.description]) {
      expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u);
      expect(text).toContain(`\\x1b[2K\\x1b[1A\\r# confirm-me \\u{202e}exe.txt\\u{200b}${'\\n'.repeat(60)}touch`);
    }
    expect(message.split('\n').length).toBeLessThan(12);
    expect(existsSync(join(env.dir, 'hidden'))).toBe(false);
  });

  test('over Streamable HTTP with POST only: the prompt comes on the call\'s own stream, progress keeps the client waiting, the action happens', async () => {
    const env = makeDeps();
    env.deps.progressEveryMs = 100;
    const http = new McpHttpServer({
      createSession: (who) => createServer(env.deps, undefined, { principal: who.id }),
      token: 'k'.repeat(48),
      origins: defaultOriginPolicy('127.0.0.1', 0),
      rateLimit: { perMinute: 6000, burst: 1000 },
      maxBodyBytes: 1024 * 1024,
      maxSessions: 4,
      sessionIdleMs: 60_000,
      logger: silentLogger,
    });
    await new Promise<void>((r) => http.server.listen(0, '127.0.0.1', r));
    closers.push(() => http.close());
    const { port } = http.server.address() as AddressInfo;
    http.setOriginPolicy(defaultOriginPolicy('127.0.0.1', port));

    const methods: string[] = [];
    const postOnly = (async (input: string | URL | Request, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      methods.push(method);
      // No standalone GET stream: what the server sends must come on a POST's response.
      if (method === 'GET') return new Response(null, { status: 405 });
      return fetch(input, init);
    }) as typeof fetch;
    const client = new Client({ name: 'post-only', version: '1' }, { capabilities: { elicitation: { form: {} } } });
    const prompts: string[] = [];
    let progress = 0;
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      prompts.push((req.params as { message: string }).message);
      // The human answers only after more progress than the client's 600 ms timeout lasts
      // (notifications every 100 ms): only progress can have kept the call waiting.
      await waitUntil(() => progress > 8, 10_000);
      return { action: 'accept', content: { approve: true } };
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${'k'.repeat(48)}` } }, fetch: postOnly }),
    );
    closers.push(() => client.close());

    const file = join(env.dir, 'confirm-me-http');
    const result = (await client.callTool({ name: 'write_file', arguments: { path: file, content: 'via http\n' } }, CallToolResultSchema, {
      timeout: 600,
      resetTimeoutOnProgress: true,
      onprogress: () => void progress++,
    })) as Result;
    expect(result.isError).toBeFalsy();
    expect(readFileSync(file, 'utf8')).toBe('via http\n');
    expect(prompts).toHaveLength(1);
    expect(progress).toBeGreaterThan(8);
    expect(methods.filter((m) => m === 'GET').length).toBeLessThanOrEqual(1);
  });
});
