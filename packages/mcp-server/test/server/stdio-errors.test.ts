import { describe, test, expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { MCP_MAX_MESSAGE_BYTES } from '@ldm/core';
import { bundleEnv } from '../support/bundle';
import { sniffRequestId } from '../../src/server/line-cap';

type Reply = { jsonrpc: string; id: unknown; result?: unknown; error?: { code: number } };

describe('stdio: every message gets an answer, whatever it is', () => {
  test('not JSON: -32700; a batch: -32600; a line over the cap: an error with its id; a valid write_file of 8 Mi non-ASCII characters is read; the session goes on', async () => {
    const child = spawn(process.execPath, bundleEnv().args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const replies = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Reply);
    /** The reply at position n (1-based) once it arrived; earlier answers may overtake the initialize result. */
    const until = async (n: number) => {
      for (let i = 0; i < 600 && replies().length < n; i++) await new Promise((r) => setTimeout(r, 50));
      return replies().sort((a, b) => (a.id === 1 ? -1 : b.id === 1 ? 1 : 0));
    };
    const write = (line: string) => new Promise<void>((r) => (child.stdin.write(line) ? r() : child.stdin.once('drain', () => r())));
    try {
      await write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`);
      await write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
      await write('{"jsonrpc":"2.0","id":2,"method":\n');
      expect((await until(2))[1]).toMatchObject({ id: null, error: { code: -32700 } });
      await write(`${JSON.stringify([{ jsonrpc: '2.0', id: 3, method: 'ping' }, { jsonrpc: '2.0', id: 4, method: 'ping' }])}\n`);
      expect((await until(3))[2]).toMatchObject({ id: null, error: { code: -32600 } });
      // The SDK writes the id last: the answer still names it, so the client's request fails at once.
      await write(`{"method":"tools/call","params":{"name":"write_file","arguments":{"path":"/tmp/x","content":"${'x'.repeat(MCP_MAX_MESSAGE_BYTES)}"}},"jsonrpc":"2.0","id":5}\n`);
      expect((await until(4))[3]).toMatchObject({ id: 5, error: { code: -32600 } });
      // The largest valid call fits: 8 Mi characters that each take 3 bytes in UTF-8 (it then fails on the policy, not on size).
      const big = JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/nonexistent-dir/x', content: '€'.repeat(8_388_608) } } });
      expect(Buffer.byteLength(big)).toBeGreaterThan(24 * 1024 * 1024);
      await write(`${big}\n`);
      expect((await until(5))[4]).toMatchObject({ id: 6, result: expect.anything() });
      await write(`${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' })}\n`);
      expect((await until(6))[5]).toMatchObject({ id: 7, result: {} });
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('sniffRequestId', () => {
  test('finds the id at either end, not a quoted "id" inside a string', () => {
    expect(sniffRequestId('{"method":"x","params":{"content":"', 'aaa","note":"\\"id\\":9"},"jsonrpc":"2.0","id":42}')).toBe(42);
    expect(sniffRequestId('{"jsonrpc":"2.0","id":"req-7","method":"tools/call","params":{"a":"', 'zzzz"}}')).toBe('req-7');
    expect(sniffRequestId('{"method":"x","params":{"a":"', 'zzz"}}')).toBeNull();
  });
});
