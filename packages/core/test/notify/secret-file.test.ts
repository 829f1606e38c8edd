import { describe, expect, test } from '@jest/globals';
import { chmod, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSecretFile, secretFileProblem } from '../../src/index';

describe('secret files', () => {
  test('a 0600 file is read and trimmed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-secret-'));
    const f = join(dir, 'token');
    await writeFile(f, 's3cret-token\n', { mode: 0o600 });
    await expect(readSecretFile(f)).resolves.toBe('s3cret-token');
  });

  test.each([0o640, 0o604, 0o644])('mode %o is refused with the fix, never the content', async (mode) => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-secret-'));
    const f = join(dir, 'token');
    await writeFile(f, 'do-not-print-me');
    await chmod(f, mode);
    const err = await readSecretFile(f).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`chmod 600 ${f}`);
    expect((err as Error).message).not.toContain('do-not-print-me');
  });

  test('a symlink and a missing file are refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-secret-'));
    const f = join(dir, 'token');
    await writeFile(f, 'x', { mode: 0o600 });
    await symlink(f, join(dir, 'link'));
    await expect(readSecretFile(join(dir, 'link'))).rejects.toThrow(/ELOOP/);
    await expect(readSecretFile(join(dir, 'none'))).rejects.toThrow(/ENOENT/);
  });

  test('owner: root or the reader only', () => {
    expect(secretFileProblem('/f', { mode: 0o100600, uid: 0, isFile: true }, 1000)).toBeNull();
    expect(secretFileProblem('/f', { mode: 0o100600, uid: 1000, isFile: true }, 1000)).toBeNull();
    expect(secretFileProblem('/f', { mode: 0o100600, uid: 33, isFile: true }, 0)).toMatch(/uid 33/);
    expect(secretFileProblem('/f', { mode: 0o040700, uid: 0, isFile: false }, 0)).toMatch(/not a regular file/);
  });
});
