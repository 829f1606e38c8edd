import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Connected } from '../support/connect';
import { makeDeps } from '../support/make-deps';
import { boundValue } from '../../src/server/bound-reply';
import { toCallToolResult } from '../../src/server/tool-result';

let open: Connected | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

const replyBytes = (r: unknown) => Buffer.byteLength(JSON.stringify(r), 'utf8');

describe('every MCP reply is bounded', () => {
  test('a 400 KB alert in state.json: system_status answers under the cap and the session goes on', async () => {
    const env = makeDeps();
    const alert = { id: 'huge', source: 'test', severity: 'crit', message: `disk ${'m'.repeat(400_000)}`, since: '2026-01-01T00:00:00Z' };
    mkdirSync(env.deps.paths.stateDir, { recursive: true });
    writeFileSync(join(env.deps.paths.stateDir, 'state.json'), JSON.stringify({ version: 1, alerts: [alert] }));
    open = await connect(env.deps);
    const s = await open.client.callTool({ name: 'system_status', arguments: {} });
    expect(s.isError).toBeFalsy();
    expect(replyBytes(s)).toBeLessThan(env.deps.config.mcp.replyMaxBytes);
    expect(JSON.stringify(s.structuredContent)).toContain('disk mmm');
    const again = await open.client.callTool({ name: 'system_status', arguments: {} });
    expect(again.isError).toBeFalsy();
  }, 60_000);

  test('a 5 MB file read with a 64 KiB reply cap: cut, with a note naming the field, valid against the outputSchema', async () => {
    const env = makeDeps({ config: { mcp: { readFileMaxBytes: 16_000_000, replyMaxBytes: 65_536 } } });
    const file = join(env.dir, 'big.log');
    writeFileSync(file, 'a log line\n'.repeat(500_000));
    open = await connect(env.deps);
    const r = await open.client.callTool({ name: 'read_file', arguments: { path: file } });
    expect(r.isError).toBeFalsy();
    expect(replyBytes(r)).toBeLessThan(65_536);
    const content = String((r.structuredContent as { content: string }).content);
    expect(content.startsWith('a log line\n')).toBe(true);
    expect(content).toMatch(/…\[\d+ more chars cut/);
    expect((r.content as Array<{ text: string }>).some((c) => c.text.includes('content') && c.text.includes('mcp.replyMaxBytes'))).toBe(true);
    const ok = await open.client.callTool({ name: 'read_file', arguments: { path: file, tail_lines: 2 } });
    expect((ok.structuredContent as { content: string }).content).toBe('a log line\na log line\n');
  }, 60_000);
});

describe('toCallToolResult', () => {
  test('cuts a huge error message and huge notes', () => {
    const err = toCallToolResult({ isError: true, message: 'e'.repeat(10_000_000) }, (s) => s, 65_536);
    expect(replyBytes(err)).toBeLessThan(65_536);
    const ok = toCallToolResult({ structured: { a: 'x' }, notes: ['n'.repeat(10_000_000)] }, (s) => s, 65_536);
    expect(replyBytes(ok)).toBeLessThan(65_536);
  });

  test('a result of many small values: its list is cut short to the leading items that fit, with a note giving the next offset', () => {
    const items = Array.from({ length: 100_000 }, (_, k) => `item ${k}`);
    const r = toCallToolResult({ structured: { items, total: items.length } }, (s) => s, 65_536);
    expect(r.isError).toBeFalsy();
    expect(replyBytes(r)).toBeLessThan(65_536);
    const kept = (r.structuredContent as { items: string[] }).items;
    expect(kept.length).toBeGreaterThan(1000);
    expect(kept).toEqual(items.slice(0, kept.length));
    expect((r.content as Array<{ text: string }>).some((c) => c.text.includes(String(kept.length)) && c.text.includes('offset'))).toBe(true);
  });

  test('a result with no list that cannot be cut enough is an error, not an oversized reply', () => {
    const many = Object.fromEntries(Array.from({ length: 100_000 }, (_, k) => [`k${k}`, k]));
    const r = toCallToolResult({ structured: many }, (s) => s, 65_536);
    expect(r.isError).toBe(true);
    expect(replyBytes(r)).toBeLessThan(65_536);
  });

  test('list_incidents pages: offset and limit walk every incident once, newest first', async () => {
    const env = makeDeps();
    mkdirSync(env.deps.paths.stateDir, { recursive: true });
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
    const incidents = Array.from({ length: 25 }, (_, n) => ({ id: `i${n}`, time: at(n), lastSeen: at(n), count: 1, source: 'mcp', severity: 'info', summary: `s${n}`, evidence: [], fingerprints: [], status: 'open' }));
    writeFileSync(join(env.deps.paths.stateDir, 'incidents.json'), JSON.stringify({ version: 1, incidents }));
    open = await connect(env.deps);
    const seen: string[] = [];
    for (let offset = 0; offset < 30; offset += 10) {
      const r = await open.client.callTool({ name: 'list_incidents', arguments: { status: 'all', limit: 10, offset } });
      seen.push(...(r.structuredContent as { incidents: Array<{ id: string }> }).incidents.map((i) => i.id));
    }
    expect(seen).toEqual(incidents.map((i) => i.id).reverse());
  }, 60_000);
});

describe('boundValue', () => {
  test('boundValue keeps short strings, keys and array lengths', () => {
    const b = boundValue({ id: 'abc', list: ['x'.repeat(100_000), 'y'] }, 10_000);
    expect(b.fits).toBe(true);
    expect(b.cut).toEqual(['list[0]']);
    expect(b.value.id).toBe('abc');
    expect(b.value.list).toHaveLength(2);
    expect(b.value.list[1]).toBe('y');
  });
});
