// Traversal and symlink escapes, with real symlinks in a temp dir: resolve, then decide.
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePathForPolicy, decidePath, PolicyConfigSchema } from '@ldm/core';
import { CTX } from './corpus';

let base = '';
let app = '';
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'ldm-paths-')));
  app = join(base, 'app');
  mkdirSync(join(app, 'sub'), { recursive: true });
  mkdirSync(join(base, 'app-evil'));
  writeFileSync(join(app, 'sub', 'file.txt'), 'x');
  writeFileSync(join(base, 'app-evil', 'loot'), 'x');
  symlinkSync('/etc/shadow', join(app, 'shadow-link'));
  symlinkSync('/etc', join(app, 'etc-link'));
  symlinkSync(join(base, 'app-evil'), join(app, 'evil-dir'));
  symlinkSync('../app-evil/loot', join(app, 'relative-link'));
  symlinkSync('/etc/sudoers.d/zz-evil', join(app, 'dangling'));
  symlinkSync(join(base, 'app-evil', 'not-yet'), join(app, 'dangling-out'));
  symlinkSync(join(app, 'loop-b'), join(app, 'loop-a'));
  symlinkSync(join(app, 'loop-a'), join(app, 'loop-b'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const confined = () => PolicyConfigSchema.parse({ paths: { allow: [app] } });

async function decide(p: string, op: 'read' | 'write' | 'list' = 'read') {
  const resolved = await resolvePathForPolicy(p);
  return decidePath(resolved, op, confined(), CTX);
}

describe('resolvePathForPolicy', () => {
  test('normalises .., doubled and trailing slashes', async () => {
    expect(await resolvePathForPolicy(`${app}/sub/../sub//file.txt`)).toBe(join(app, 'sub', 'file.txt'));
    expect(await resolvePathForPolicy(`${app}/sub/`)).toBe(join(app, 'sub'));
    expect(await resolvePathForPolicy(`${app}///sub///`)).toBe(join(app, 'sub'));
    expect(await resolvePathForPolicy('/')).toBe('/');
  });
  test('follows symlinks, including symlinked parents of paths that do not exist yet', async () => {
    expect(await resolvePathForPolicy(join(app, 'shadow-link'))).toBe('/etc/shadow');
    expect(await resolvePathForPolicy(join(app, 'etc-link', 'new-file'))).toBe('/etc/new-file');
    expect(await resolvePathForPolicy(join(app, 'etc-link', 'a', 'b', 'c'))).toBe('/etc/a/b/c');
    expect(await resolvePathForPolicy(join(app, 'relative-link'))).toBe(join(base, 'app-evil', 'loot'));
  });
  test('a dangling symlink resolves to its target (writing through it would create the target)', async () => {
    expect(await resolvePathForPolicy(join(app, 'dangling'))).toBe('/etc/sudoers.d/zz-evil');
    expect(await resolvePathForPolicy(join(app, 'dangling-out'))).toBe(join(base, 'app-evil', 'not-yet'));
  });
  test('refuses NUL bytes, relative paths and link loops', async () => {
    await expect(resolvePathForPolicy(`${app}/x\0/etc/shadow`)).rejects.toThrow(/NUL/);
    await expect(resolvePathForPolicy('sub/file.txt')).rejects.toThrow(/relative/);
    await expect(resolvePathForPolicy('../etc/shadow')).rejects.toThrow(/relative/);
    await expect(resolvePathForPolicy('~/.ssh/id_rsa')).rejects.toThrow(/relative/);
    await expect(resolvePathForPolicy('')).rejects.toThrow(/non-empty/);
    await expect(resolvePathForPolicy(join(app, 'loop-a'))).rejects.toThrow();
  });
  test('relative paths resolve only against an explicit cwd', async () => {
    expect(await resolvePathForPolicy('sub/file.txt', { cwd: app })).toBe(join(app, 'sub', 'file.txt'));
    expect(await resolvePathForPolicy('../app-evil/loot', { cwd: app })).toBe(join(base, 'app-evil', 'loot'));
  });
  test('I/O errors other than ENOENT carry the path and the cause', async () => {
    const err = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    await expect(resolvePathForPolicy('/x/y', { realpath: async () => Promise.reject(err) })).rejects.toMatchObject({ message: expect.stringContaining('/x/y'), cause: err });
  });
});

describe('escapes are blocked end to end (resolve, then decide)', () => {
  const escapes: [string, string][] = [
    ['.. out of the allowed dir', '/app/../app-evil/loot'],
    ['prefix sibling', '/app-evil/loot'],
    ['symlink to /etc/shadow', '/app/shadow-link'],
    ['symlinked parent to /etc', '/app/etc-link/passwd'],
    ['symlinked parent, new file', '/app/etc-link/cron.d/evil'],
    ['symlink to a sibling dir', '/app/evil-dir/loot'],
    ['relative symlink out', '/app/relative-link'],
    ['dangling symlink to sudoers.d', '/app/dangling'],
    ['dangling symlink out', '/app/dangling-out'],
    ['trailing slash and doubled slashes', '//app//..//app-evil//loot/'],
    ['dot segments', '/app/./sub/../../app-evil/./loot'],
  ];
  test.each(escapes)('%s: %s', async (_name, rel) => {
    for (const op of ['read', 'write'] as const) {
      const d = await decide(base + rel, op);
      expect({ op, action: d.action }).toEqual({ op, action: 'deny' });
    }
  });
  test('legitimate paths inside stay allowed', async () => {
    expect((await decide(`${app}/sub/file.txt`)).action).toBe('allow');
    expect((await decide(`${app}/sub/new.txt`, 'write')).action).toBe('allow');
    expect((await decide(`${app}/sub/`, 'list')).action).toBe('allow');
  });
});
