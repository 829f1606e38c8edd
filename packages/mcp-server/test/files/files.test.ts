import { describe, test, expect } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, statSync, symlinkSync, writeFileSync, readdirSync, lstatSync } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastLines, looksBinary, readSlice, tailBounds, type SliceRequest } from '../../src/files/read-slice';
import { atomicReplace, type ReplaceStep } from '../../src/files/atomic-replace';
import { entryIn, openApprovedDir, openSeenFile } from '../../src/files/approved-dir';

// Canonical, as the policy hands paths over (tmpdir() itself may sit behind a symlink).
const tmp = () => realpathSync(mkdtempSync(join(tmpdir(), 'ldm-files-')));

async function readSliceOf(path: string, req: SliceRequest) {
  const fh = await open(path, 'r');
  try {
    return await readSlice(fh, req);
  } finally {
    await fh.close();
  }
}

/**
 * root/parent/dir is the directory the policy approved. swapParent() does what a hostile local
 * process would: moves root/parent away to root/parent.orig and puts a symlink to root/evil in its
 * place, so root/parent/dir now leads to root/evil/dir, which holds a decoy conf.
 */
function parentSwapFixture() {
  const root = tmp();
  const approvedDir = join(root, 'parent', 'dir');
  const evilDir = join(root, 'evil', 'dir');
  mkdirSync(approvedDir, { recursive: true });
  mkdirSync(evilDir, { recursive: true });
  writeFileSync(join(evilDir, 'conf'), 'decoy');
  return {
    approvedDir,
    path: join(approvedDir, 'conf'),
    /** Where the approved directory lives once the parent was swapped. */
    movedDir: join(root, 'parent.orig', 'dir'),
    evilDir,
    swapParent() {
      renameSync(join(root, 'parent'), join(root, 'parent.orig'));
      symlinkSync(join(root, 'evil'), join(root, 'parent'));
    },
    evilUntouched() {
      return readdirSync(evilDir).length === 1 && readFileSync(join(evilDir, 'conf'), 'utf8') === 'decoy';
    },
  };
}

describe('readSlice', () => {
  test('offset/length: a page ends after the last line break in it; next_offset continues right there', async () => {
    const f = join(tmp(), 'a.txt');
    writeFileSync(f, 'one\ntwo\nthree\n');
    expect(await readSliceOf(f, { offset: 0, length: 6, maxBytes: 1000 })).toMatchObject({ offset: 0, content: 'one\n', truncated: true, nextOffset: 4 });
    expect(await readSliceOf(f, { offset: 4, length: 100, maxBytes: 1000 })).toMatchObject({ offset: 4, content: 'two\nthree\n', truncated: false, nextOffset: null });
  });

  test('an offset inside a line begins at the next line, and the slice says where it began', async () => {
    const f = join(tmp(), 'a.txt');
    writeFileSync(f, 'one\ntwo\nthree\n');
    expect(await readSliceOf(f, { offset: 1, length: 100, maxBytes: 1000 })).toMatchObject({ offset: 4, bytesRead: 10, content: 'two\nthree\n' });
  });

  test('a window with no line break in it runs on to the end of its line rather than split it, or a character', async () => {
    const f = join(tmp(), 'a.txt');
    writeFileSync(f, 'ab€cd\nef\n');
    expect(await readSliceOf(f, { offset: 0, length: 3, maxBytes: 1000 })).toMatchObject({ content: 'ab€cd\n', truncated: true, nextOffset: 8 });
  });

  test('caps at maxBytes, at the last line break within the cap', async () => {
    const f = join(tmp(), 'big.txt');
    writeFileSync(f, 'line\n'.repeat(1000));
    expect(await readSliceOf(f, { maxBytes: 1024 })).toMatchObject({ bytesRead: 1020, truncated: true, nextOffset: 1020, size: 5000 });
  });

  test('a word longer than 4 KiB is paged between characters after its first 4 KiB (the limit), losing nothing', async () => {
    const f = join(tmp(), 'word.txt');
    writeFileSync(f, 'x'.repeat(5000));
    const first = await readSliceOf(f, { maxBytes: 1024 });
    expect(first).toMatchObject({ bytesRead: 4096, truncated: true, nextOffset: 4096 });
    const second = await readSliceOf(f, { offset: 4096, maxBytes: 1024 });
    expect(second).toMatchObject({ offset: 4096, bytesRead: 904, truncated: false, nextOffset: null });
  });

  test('a capped tail_lines read leaves out the partial line it began in', async () => {
    const f = join(tmp(), 'log');
    writeFileSync(f, 'a first line that the cap cuts\nsecond\nthird\n');
    const t = await readSliceOf(f, { tailLines: 10, maxBytes: 20 });
    expect(t).toMatchObject({ content: 'second\nthird\n', truncated: true });
    expect(t.offset).toBe(t.size - 'second\nthird\n'.length);
  });

  test('tail_lines with a length keeps the last lines within the last `length` bytes', async () => {
    const f = join(tmp(), 'log');
    writeFileSync(f, 'one\ntwo\nthree\n');
    expect((await readSliceOf(f, { tailLines: 5, length: 8, maxBytes: 1000 })).content).toBe('three\n');
  });

  test('tail_lines on a file and on a /proc file whose size is 0', async () => {
    const f = join(tmp(), 'log');
    writeFileSync(f, 'one\ntwo\nthree\n');
    expect((await readSliceOf(f, { tailLines: 2, maxBytes: 1000 })).content).toBe('two\nthree\n');
    const proc = await readSliceOf('/proc/self/status', { tailLines: 1, maxBytes: 65536 });
    expect(proc.content.split('\n').filter(Boolean)).toHaveLength(1);
  });

  test('binary files are detected and not returned', async () => {
    const f = join(tmp(), 'bin');
    writeFileSync(f, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    expect(await readSliceOf(f, { maxBytes: 1000 })).toMatchObject({ binary: true, content: '' });
  });

  test('helpers', () => {
    expect(looksBinary(Buffer.from('plain text\n'))).toBe(false);
    expect(lastLines('a\nb\nc', 2)).toBe('b\nc');
    // The first line break is found however far in; without one, the read begins after a separator.
    expect(tailBounds(Buffer.from('x'.repeat(5000) + '\nlast\n'), { front: true, back: false })).toEqual({ start: 5001, end: 5006 });
    expect(tailBounds(Buffer.from('partial word rest'), { front: true, back: false })).toEqual({ start: 8, end: 17 });
  });
});

describe('atomicReplace', () => {
  test('a directory that is no longer its own realpath (a symlink appeared) gets nothing written', async () => {
    const dir = tmp();
    const elsewhere = tmp();
    symlinkSync(elsewhere, join(dir, 'swapped'));
    await expect(atomicReplace(join(dir, 'swapped', 'conf'), 'x', 'overwrite', true)).rejects.toThrow(
      /changed after the policy decision: it is now a symlink; nothing was written/,
    );
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  test('a parent directory that became a symlink before the write is refused; nothing is written on either side', async () => {
    const fx = parentSwapFixture();
    writeFileSync(fx.path, 'old');
    fx.swapParent();
    await expect(atomicReplace(fx.path, 'new', 'overwrite', true)).rejects.toThrow(
      new RegExp(`changed after the policy decision: it now leads to ${fx.evilDir}`),
    );
    expect(fx.evilUntouched()).toBe(true);
    expect(readdirSync(fx.movedDir)).toEqual(['conf']);
    expect(readFileSync(join(fx.movedDir, 'conf'), 'utf8')).toBe('old');
  });

  const steps: ReplaceStep[] = ['inspect-target', 'write-temp', 'write-backup', 'rename-into-place'];
  test.each(steps)('a parent swapped for a symlink before %s: every step still lands in the approved directory', async (swapAt) => {
    const fx = parentSwapFixture();
    writeFileSync(fx.path, 'old\n', { mode: 0o640 });
    const stepsSeen: ReplaceStep[] = [];
    const evilUntouchedAtEachStep: boolean[] = [];
    const r = await atomicReplace(fx.path, 'new\n', 'append', true, {
      beforeStep: (step) => {
        stepsSeen.push(step);
        if (step === swapAt) fx.swapParent();
        evilUntouchedAtEachStep.push(fx.evilUntouched());
      },
    });
    expect(stepsSeen).toEqual(steps);
    expect(evilUntouchedAtEachStep).toEqual(steps.map(() => true));
    expect(fx.evilUntouched()).toBe(true);
    expect(r).toMatchObject({ created: false, mode: '0640' });
    expect(readdirSync(fx.movedDir).sort()).toEqual(['conf', 'conf.bak']);
    expect(readFileSync(join(fx.movedDir, 'conf'), 'utf8')).toBe('old\nnew\n');
    expect(readFileSync(join(fx.movedDir, 'conf.bak'), 'utf8')).toBe('old\n');
    expect(statSync(join(fx.movedDir, 'conf')).mode & 0o777).toBe(0o640);
  });

  test('a symlink swapped in for the temp file before the rename is reported, and its target is left alone', async () => {
    const dir = tmp();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious', { mode: 0o600 });
    writeFileSync(join(dir, 'conf'), 'old', { mode: 0o644 });
    const write = atomicReplace(join(dir, 'conf'), 'new', 'overwrite', false, {
      beforeStep: (step) => {
        if (step !== 'rename-into-place') return;
        const temp = readdirSync(dir).find((name) => name.startsWith('.conf.ldm-'))!;
        renameSync(join(dir, temp), join(dir, 'stolen'));
        symlinkSync(victim, join(dir, temp));
      },
    });
    await expect(write).rejects.toThrow(/was written, but another process replaced it right after/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(statSync(victim).mode & 0o777).toBe(0o600);
  });

  test('a write into a directory that does not exist is refused with its cause', async () => {
    const dir = tmp();
    await expect(atomicReplace(join(dir, 'missing', 'conf'), 'x', 'overwrite', true)).rejects.toThrow(/ENOENT.*nothing was written/);
    expect(readdirSync(dir)).toEqual([]);
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

describe('approved directory', () => {
  test('opens the approved directory; entries stay inside it after its parent is swapped for a symlink', async () => {
    const fx = parentSwapFixture();
    const dir = await openApprovedDir(fx.approvedDir);
    try {
      fx.swapParent();
      writeFileSync(entryIn(dir, 'made-after-swap'), 'x');
      expect(readdirSync(entryIn(dir, '')).sort()).toEqual(['made-after-swap']);
    } finally {
      await dir.close();
    }
    expect(readdirSync(fx.movedDir)).toEqual(['made-after-swap']);
    expect(fx.evilUntouched()).toBe(true);
  });

  test('refuses a directory reached through a symlinked parent or that is a symlink; keeps the code of other errors', async () => {
    const fx = parentSwapFixture();
    fx.swapParent();
    await expect(openApprovedDir(fx.approvedDir)).rejects.toThrow(`${fx.approvedDir} changed after the policy decision: it now leads to ${fx.evilDir}`);
    const root = tmp();
    symlinkSync(fx.evilDir, join(root, 'link'));
    await expect(openApprovedDir(join(root, 'link'))).rejects.toThrow(/it is now a symlink/);
    await expect(openApprovedDir(join(root, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('openSeenFile refuses a file that was swapped for a symlink or for another file after it was inspected', async () => {
    const root = tmp();
    writeFileSync(join(root, 'secret'), 'SECRET');
    writeFileSync(join(root, 'conf'), 'ok');
    const dir = await openApprovedDir(root);
    try {
      const seen = await lstat(entryIn(dir, 'conf'));
      renameSync(join(root, 'conf'), join(root, 'conf.orig'));
      symlinkSync(join(root, 'secret'), join(root, 'conf'));
      await expect(openSeenFile(dir, 'conf', seen)).rejects.toThrow(/conf was replaced by a symlink/);
      renameSync(join(root, 'secret'), join(root, 'conf'));
      await expect(openSeenFile(dir, 'conf', seen)).rejects.toThrow(/conf was replaced by another file/);
      renameSync(join(root, 'conf.orig'), join(root, 'conf'));
      const fh = await openSeenFile(dir, 'conf', seen);
      expect((await fh.readFile()).toString()).toBe('ok');
      await fh.close();
    } finally {
      await dir.close();
    }
  });
});
