import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingFile } from '../../src/log/rotating-file';
import { spawnWorker } from '../support/spawn-worker';

const tmp = () => mkdtempSync(join(tmpdir(), 'ldm-rotate-'));
const linesOf = (dir: string, base: string) =>
  readdirSync(dir)
    .filter((f) => f === base || f.startsWith(`${base}.`) && /\.\d+$/.test(f))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));

describe('RotatingFile', () => {
  test('rotates before a line would pass the limit, keeps N files, mode 0640 whatever the umask', async () => {
    const dir = tmp();
    const file = join(dir, 'log', 'audit.log');
    const log = new RotatingFile({ file, maxBytes: 100, files: 2, mode: 0o640 });
    const old = process.umask(0o000);
    try {
      for (let i = 0; i < 10; i++) await log.append(`line ${i} ${'y'.repeat(20)}\n`);
    } finally {
      process.umask(old);
    }
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(dir, 'log')).sort()).toEqual(['audit.log', 'audit.log.1', 'audit.log.2']);
    for (const f of ['audit.log', 'audit.log.1', 'audit.log.2']) expect(statSync(join(dir, 'log', f)).size).toBeLessThanOrEqual(100);
    expect(readFileSync(file, 'utf8')).toMatch(/^line 9 /m);
  });

  test('a failed append rejects with its cause and the next append still runs', async () => {
    const dir = tmp();
    const log = new RotatingFile({ file: join(dir, 'f.log'), maxBytes: 1000, files: 1, mode: 0o640 });
    const blocked = new RotatingFile({ file: join('/proc/self/no-such-dir', 'f.log'), maxBytes: 1000, files: 1, mode: 0o640 });
    await expect(blocked.append('x\n')).rejects.toThrow();
    await log.append('a\n');
    await log.append('b\n');
    expect(readFileSync(join(dir, 'f.log'), 'utf8')).toBe('a\nb\n');
  });

  test('four processes appending at once: every line kept whole, no file past the limit by more than a line per process', async () => {
    const dir = tmp();
    const file = join(dir, 'audit.log');
    // Room for everything: the rotation must lose nothing by rotating a file twice.
    const workers = ['a', 'b', 'c', 'd'].map((tag) => spawnWorker('append-log-lines', [file, '150', tag, '2000', '100']));
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
    const lines = linesOf(dir, 'audit.log');
    expect(lines).toHaveLength(600);
    for (const line of lines) expect(line).toMatch(/^[abcd] \d+ x{40}$/);
    for (const tag of ['a', 'b', 'c', 'd']) expect(new Set(lines.filter((l) => l.startsWith(`${tag} `))).size).toBe(150);
    for (const f of readdirSync(dir).filter((f) => /^audit\.log(\.\d+)?$/.test(f))) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(2000 + 3 * 48);
  }, 60_000);
});
