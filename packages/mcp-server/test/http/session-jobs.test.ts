import { afterEach, describe, expect, test } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { silentLogger } from '@ldm/core';
import { McpHttpServer } from '../../src/http/http-server';
import { defaultOriginPolicy } from '../../src/http/origin-guard';
import { createServer } from '../../src/server/create-server';
import { makeDeps } from '../support/make-deps';
import { waitUntil } from '../support/wait-until';

const TOKEN = 'j'.repeat(48);
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!().catch(() => {});
});

type Result = { isError?: boolean; structuredContent?: Record<string, unknown> };

/** Whether a process exists, asked of the kernel. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function serve() {
  const env = makeDeps();
  const http = new McpHttpServer({
    createSession: (who) => createServer(env.deps, undefined, { principal: who.id }),
    token: TOKEN,
    origins: defaultOriginPolicy('127.0.0.1', 0),
    rateLimit: { perMinute: 6000, burst: 1000 },
    maxBodyBytes: 1024 * 1024,
    maxSessions: 8,
    sessionIdleMs: 60_000,
    logger: silentLogger,
  });
  await new Promise<void>((r) => http.server.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    env.deps.jobs.disposeAll();
    await http.close();
  });
  const { port } = http.server.address() as AddressInfo;
  http.setOriginPolicy(defaultOriginPolicy('127.0.0.1', port));
  const connect = async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } });
    const client = new Client({ name: 'jobs', version: '1' });
    await client.connect(transport);
    closers.push(() => client.close());
    const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as Result;
    return { client, transport, call };
  };
  return { connect };
}

async function startJob(call: (name: string, args?: Record<string, unknown>) => Promise<Result>, detach = false) {
  const r = await call('run_command', { command: 'sleep 30', background: true, ...(detach ? { detach: true } : {}) });
  const id = r.structuredContent!.job_id as string;
  const pid = (await call('job_status', { id })).structuredContent!.pid as number;
  expect(alive(pid)).toBe(true);
  return { id, pid };
}

describe('background jobs over HTTP belong to the session that started them', () => {
  test('another session (same token) cannot list, read or kill them; ending the session ends them', async () => {
    const { connect } = await serve();
    const a = await connect();
    const b = await connect();
    const job = await startJob(a.call);

    expect((await b.call('list_jobs')).structuredContent!.jobs).toEqual([]);
    for (const tool of ['job_status', 'job_output', 'job_kill']) expect((await b.call(tool, { id: job.id })).isError).toBe(true);
    expect(alive(job.pid)).toBe(true);
    expect((await a.call('list_jobs')).structuredContent!.jobs).toEqual([expect.objectContaining({ id: job.id, state: 'running' })]);

    await a.transport.terminateSession();
    expect(await waitUntil(() => !alive(job.pid), 5000)).toBe(true);
  });

  test('a job started with detach: true outlives its session, and a later session of the same client takes it over', async () => {
    const { connect } = await serve();
    const a = await connect();
    const job = await startJob(a.call, true);
    await a.transport.terminateSession();
    const later = await connect();
    expect((await later.call('list_jobs')).structuredContent!.jobs).toEqual([expect.objectContaining({ id: job.id, state: 'running', detached: true })]);
    expect(alive(job.pid)).toBe(true);
    await later.call('job_kill', { id: job.id });
    expect(await waitUntil(() => !alive(job.pid), 5000)).toBe(true);
  });
});
