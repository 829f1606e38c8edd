import { describe, test, expect } from '@jest/globals';
import { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync, readdirSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeUtf8Length, lastLines, looksBinary, readSlice } from '../src/files/read-slice';
import { atomicReplace } from '../src/files/atomic-replace';

const tmp = () => mkdtempSync(join(tmpdir(), 'ldm-files-'));

describe('readSlice', () => {
  test('offset/length with next_offset, never splitting a character', async () => {
    const f = join(tmp(), 'a.txt');
    writeFileSync(f, 'ab€cd');
    const first = await readSlice(f, { offset: 0, length: 3, maxBytes: 1000 });
    expect(first).toMatchObject({ content: 'ab', truncated: true, nextOffset: 2 });
    const second = await readSlice(f, { offset: 2, maxBytes: 1000 });
    expect(second).toMatchObject({ content: '€cd', truncated: false, nextOffset: null });
  });

  test('caps at maxBytes', async () => {
    const f = join(tmp(), 'big.txt');
    writeFileSync(f, 'x'.repeat(5000));
    expect(await readSlice(f, { maxBytes: 1024 })).toMatchObject({ bytesRead: 1024, truncated: true, nextOffset: 1024, size: 5000 });
  });

  test('tail_lines on a file and on a /proc file whose size is 0', async () => {
    const f = join(tmp(), 'log');
    writeFileSync(f, 'one\ntwo\nthree\n');
    expect((await readSlice(f, { tailLines: 2, maxBytes: 1000 })).content).toBe('two\nthree\n');
    const proc = await readSlice('/proc/self/status', { tailLines: 1, maxBytes: 65536 });
    expect(proc.content.split('\n').filter(Boolean)).toHaveLength(1);
  });

  test('binary files are detected and not returned', async () => {
    const f = join(tmp(), 'bin');
    writeFileSync(f, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    expect(await readSlice(f, { maxBytes: 1000 })).toMatchObject({ binary: true, content: '' });
  });

  test('helpers', () => {
    expect(looksBinary(Buffer.from('plain text\n'))).toBe(false);
    expect(completeUtf8Length(Buffer.from('a€').subarray(0, 3))).toBe(1);
    expect(completeUtf8Length(Buffer.from('a€'))).toBe(4);
    expect(lastLines('a\nb\nc', 2)).toBe('b\nc');
  });
});

describe('atomicReplace', () => {
  test('a directory that is no longer its own realpath (a symlink appeared) gets nothing written', async () => {
    const dir = tmp();
    const elsewhere = tmp();
    symlinkSync(elsewhere, join(dir, 'swapped'));
    await expect(atomicReplace(join(dir, 'swapped', 'conf'), 'x', 'overwrite', true)).rejects.toThrow(/a symlink appeared after the policy decision/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  test('overwrite keeps mode, makes a .bak, leaves no temp file', async () => {
    const dir = tmp();
    const f = join(dir, 'conf');
    writeFileSync(f, 'old', { mode: 0o600 });
    const r = await atomicReplace(f, 'new', 'overwrite', true);
    expect(r).toMatchObject({ created: false, backup: `${f}.bak`, mode: '0600', ownerPreserved: true });
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(readFileSync(`${f}.bak`, 'utf8')).toBe('old');
    expect(statSync(`${f}.bak`).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['conf', 'conf.bak']);
  });

  test('a symlink planted at PATH.bak is replaced, not followed', async () => {
    const dir = tmp();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    writeFileSync(join(dir, 'conf'), 'old');
    symlinkSync(victim, join(dir, 'conf.bak'));
    await atomicReplace(join(dir, 'conf'), 'new', 'overwrite', true);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'conf.bak')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'conf.bak'), 'utf8')).toBe('old');
  });

  test('append, and creating a new file', async () => {
    const dir = tmp();
    const f = join(dir, 'log');
    expect((await atomicReplace(f, 'a\n', 'append', true)).created).toBe(true);
    await atomicReplace(f, 'b\n', 'append', false);
    expect(readFileSync(f, 'utf8')).toBe('a\nb\n');
  });

  test('refuses to replace a symlink or a directory (the policy resolves links first)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'target'), 'x');
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    await expect(atomicReplace(join(dir, 'link'), 'y', 'overwrite', false)).rejects.toThrow(/not a regular file/);
    await expect(atomicReplace(dir, 'y', 'overwrite', false)).rejects.toThrow(/not a regular file/);
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
  });
});
