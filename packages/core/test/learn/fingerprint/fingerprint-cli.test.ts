import { describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFingerprintCli, type FingerprintCliDeps } from '../../../src/learn/fingerprint/fingerprint-cli';

const root = new URL('../../../../../', import.meta.url).pathname;

function fakeDeps(files: Record<string, string>, stdinChunks: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: FingerprintCliDeps = {
    readFile: async (p) => {
      if (!(p in files)) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
      return files[p]!;
    },
    readChunks: async function* (p) {
      if (!(p in files)) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
      const text = files[p]!;
      // Odd-sized chunks, so lines are cut anywhere.
      for (let i = 0; i < text.length; i += 13) yield text.slice(i, i + 13);
    },
    stdin: async function* () {
      yield* stdinChunks;
    },
    writeOut: async (chunk) => void out.push(chunk),
    writeErr: (t) => void err.push(t),
    fileExists: async (p) => p in files,
    writeFileAtomic: async (p, data) => {
      files[p] = data;
    },
  };
  return { deps, out: () => out.join(''), err: () => err.join('') };
}

const LOG = [
  'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: session closed for user cyrus',
  'Jun 14 15:16:02 combo sshd(pam_unix)[19940]: session closed for user news',
  '2026-11-24T04:26:35+0000 vm1 systemd[1]: nginx.service: Deactivated successfully.',
  'check pass; user unknown',
].join('\n');

describe('runFingerprintCli', () => {
  test('one line out per line in, header kept out, final template for every line of a group', async () => {
    const f = fakeDeps({ 'a.log': `${LOG}\n` });
    expect(await runFingerprintCli(['a.log'], f.deps)).toBe(0);
    const rows = f.out().split('\n');
    expect(rows.pop()).toBe('');
    expect(rows).toHaveLength(4);
    const [r0, r1, r2, r3] = rows.map((r) => r.split('\t'));
    expect(r0).toEqual([r1![0], 'session closed for user <*>']);
    expect(r1![1]).toBe('session closed for user <*>');
    expect(r2![1]).toBe('<*>: Deactivated successfully.');
    expect(r3![1]).toBe('check pass; user unknown');
  });

  test('--stream prints templates as known at the time; ids are the same', async () => {
    const a = fakeDeps({ 'a.log': LOG });
    const b = fakeDeps({ 'a.log': LOG });
    await runFingerprintCli(['a.log'], a.deps);
    await runFingerprintCli(['--stream', 'a.log'], b.deps);
    const ids = (s: string) => s.trim().split('\n').map((r) => r.split('\t')[0]);
    expect(ids(b.out())).toEqual(ids(a.out()));
    expect(b.out().split('\n')[0]).toMatch(/\tsession closed for user cyrus$/);
  });

  test('stdin, split across chunks anywhere, with CRLF', async () => {
    const text = `${LOG.replace(/\n/g, '\r\n')}\r\n`;
    const chunks = [text.slice(0, 7), text.slice(7, 100), text.slice(100)];
    const f = fakeDeps({}, chunks);
    const g = fakeDeps({ 'a.log': LOG });
    expect(await runFingerprintCli([], f.deps)).toBe(0);
    await runFingerprintCli(['a.log'], g.deps);
    expect(f.out()).toBe(g.out());
  });

  test('- reads stdin, between files, as the same text would be read from a file', async () => {
    const f = fakeDeps({ 'a.log': LOG }, [`${LOG}\n`]);
    const g = fakeDeps({ 'a.log': LOG, 'b.log': LOG });
    expect(await runFingerprintCli(['a.log', '-'], f.deps)).toBe(0);
    await runFingerprintCli(['a.log', 'b.log'], g.deps);
    expect(f.out()).toBe(g.out());
    expect(f.err()).toBe('');
  });

  test('lines of groups merged later are printed under the merged group', async () => {
    const oom = (comm: string) => `${comm} invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0`;
    const f = fakeDeps({ 'a.log': ['mysqld', 'java', 'node'].map(oom).join('\n') });
    await runFingerprintCli(['a.log'], f.deps);
    const rows = f.out().trim().split('\n');
    expect(new Set(rows).size).toBe(1);
    expect(rows[0]).toMatch(/\t<\*> invoked oom-killer: /);
  });

  test('--no-header fingerprints the whole line', async () => {
    const f = fakeDeps({ 'a.log': 'Jun 14 15:16:01 combo app: hello world' });
    await runFingerprintCli(['--no-header', 'a.log'], f.deps);
    expect(f.out()).toMatch(/\t<\*> combo app: hello world\n$/);
  });

  test('--state keeps fingerprints across runs', async () => {
    const files: Record<string, string> = { 'a.log': 'session closed for user cyrus', 'b.log': 'session closed for user news' };
    const f1 = fakeDeps(files);
    await runFingerprintCli(['--state', 's.json', 'a.log'], f1.deps);
    expect(JSON.parse(files['s.json']!).clusters).toHaveLength(1);
    const f2 = fakeDeps(files);
    await runFingerprintCli(['--state', 's.json', 'b.log'], f2.deps);
    expect(f2.out().split('\t')[0]).toBe(f1.out().split('\t')[0]);
  });

  test('usage errors exit 64 and name the bad value; a missing file exits 74', async () => {
    const f = fakeDeps({});
    expect(await runFingerprintCli(['--max-clusters', 'lots'], f.deps)).toBe(64);
    expect(f.err()).toContain('got `lots`');
    expect(await runFingerprintCli(['--bogus'], f.deps)).toBe(64);
    expect(await runFingerprintCli(['nope.log'], f.deps)).toBe(74);
    expect(f.err()).toContain("couldn't read nope.log");
  });

  test('a corrupt state file exits 78 and says which file', async () => {
    const f = fakeDeps({ 's.json': '{"version":1}' });
    expect(await runFingerprintCli(['--state', 's.json'], f.deps)).toBe(78);
    expect(f.err()).toContain("couldn't load state s.json");
  });
});

describe('dist/ldm-fingerprint.mjs', () => {
  test('the built command reads files and stdin and prints fingerprint<TAB>template per line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-fp-cli-'));
    try {
      const file = join(dir, 'x.log');
      writeFileSync(file, `${LOG}\n`);
      const bin = join(root, 'dist/ldm-fingerprint.mjs');
      const fromFile = execFileSync(process.execPath, [bin, file], { encoding: 'utf8' });
      const fromStdin = execFileSync(process.execPath, [bin], { input: readFileSync(file), encoding: 'utf8' });
      expect(fromStdin).toBe(fromFile);
      // `-` is stdin, as in `journalctl | ldm-fingerprint -` (Debian 12 has no /var/log/syslog).
      const fromDash = execFileSync(process.execPath, [bin, '-'], { input: readFileSync(file), encoding: 'utf8' });
      expect(fromDash).toBe(fromFile);
      const rows = fromFile.trimEnd().split('\n');
      expect(rows).toHaveLength(4);
      for (const r of rows) expect(r).toMatch(/^[0-9a-f]{12}\t\S/);
      const bad = spawnSync(process.execPath, [bin, join(dir, 'missing.log')], { encoding: 'utf8' });
      expect(bad.status).toBe(74);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
