import { afterEach, describe, expect, test } from '@jest/globals';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { makeDeps } from '../support/make-deps';
import { connect, type Connected } from '../support/connect';
import { wantsLog } from '../../src/server/session-log';

let open: Connected | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

describe('the server advertises only what it does', () => {
  test('no listChanged for tools, resources or prompts (the lists never change, so none is ever sent)', async () => {
    open = await connect(makeDeps().deps);
    const caps = open.client.getServerCapabilities()!;
    expect(caps).toMatchObject({ tools: {}, resources: {}, prompts: {}, logging: {} });
    expect(JSON.stringify(caps)).not.toContain('listChanged');
  });

  test('log messages come only after logging/setLevel, at or above the level set, on the call they are about', async () => {
    open = await connect(makeDeps().deps);
    const messages: Array<{ level: string; data: unknown }> = [];
    open.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void messages.push(n.params));
    await open.client.callTool({ name: 'run_command', arguments: { command: 'true' } });
    expect(messages).toEqual([]);
    await open.client.setLoggingLevel('info');
    await open.client.callTool({ name: 'run_command', arguments: { command: 'true' } });
    expect(messages).toEqual([expect.objectContaining({ level: 'info', data: expect.stringMatching(/^run_command: .*exit 0/) })]);
    await open.client.setLoggingLevel('error');
    await open.client.callTool({ name: 'run_command', arguments: { command: 'exit 3' } });
    await open.client.callTool({ name: 'job_status', arguments: { id: 'job-404' } }); // a warning: below error
    expect(messages).toHaveLength(1);
  });

  test('wantsLog: nothing before a level is set; severity order after', () => {
    expect(wantsLog(null, 'emergency')).toBe(false);
    expect(wantsLog('warning', 'error')).toBe(true);
    expect(wantsLog('warning', 'info')).toBe(false);
  });
});

describe('progress', () => {
  test('run_command sends progress while it runs when the client sent a progressToken, none without one', async () => {
    const env = makeDeps();
    env.deps.progressEveryMs = 50;
    open = await connect(env.deps);
    const seen: number[] = [];
    const r = await open.client.callTool({ name: 'run_command', arguments: { command: 'sleep 0.6' } }, undefined, { onprogress: (p) => void seen.push(p.progress) });
    expect(r.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const before = seen.length;
    await open.client.callTool({ name: 'run_command', arguments: { command: 'sleep 0.3' } });
    expect(seen.length).toBe(before);
  });
});
