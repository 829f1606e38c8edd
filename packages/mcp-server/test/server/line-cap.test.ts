import { test, expect } from '@jest/globals';
import { LineCap } from '../../src/server/line-cap';

async function through(chunks: string[], max: number): Promise<{ out: string; dropped: number[] }> {
  const dropped: number[] = [];
  const cap = new LineCap(max, (b) => dropped.push(b));
  let out = '';
  cap.on('data', (c: Buffer) => (out += c.toString()));
  for (const c of chunks) cap.write(Buffer.from(c));
  cap.end();
  await new Promise((r) => cap.on('end', r));
  return { out, dropped };
}

test('lines within the cap pass unchanged, across chunk boundaries', async () => {
  expect(await through(['{"a":', '1}\n{"b":2}\n'], 100)).toEqual({ out: '{"a":1}\n{"b":2}\n', dropped: [] });
});

test('an oversized line is dropped whole (split across chunks) and the next line passes', async () => {
  const r = await through(['{"x":"', 'y'.repeat(50), 'z'.repeat(50), '"}\n{"ok":1}\n'], 20);
  expect(r.out).toBe('{"ok":1}\n');
  expect(r.dropped).toEqual([109]);
});

test('a partial line at the end of input is not passed on', async () => {
  expect((await through(['{"a":1}\n{"b":'], 100)).out).toBe('{"a":1}\n');
});
