import { describe, test, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chownSync, copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The operations scripts' command-line contract, on this machine (no systemd needed): every one
// has --help, rejects unknown options with a message naming them, and setup --dry-run touches nothing.
// What they do to a real systemd is test/system/run.sh (npm run test:system).

const ROOT = join(import.meta.dirname, '../..');
const script = (name: string) => join(ROOT, 'scripts', name);

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [file, ...args], { timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

// Nagios-style reporters answer bad usage with UNKNOWN (3); the others with EX_USAGE (64).
const SCRIPTS: [string, number][] = [
  ['setup_mcp.sh', 64],
  ['update_mcp.sh', 64],
  ['cleanup_mcp.sh', 64],
  ['healthcheck_all.sh', 3],
  ['ollama_check.sh', 3],
];

describe.each(SCRIPTS)('%s', (name, usageCode) => {
  test('--help prints usage and exits 0', async () => {
    const r = await run(script(name), ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: /);
    expect(r.stdout).not.toMatch(/^#/m);
  });

  test(`an unknown option exits ${usageCode} and names it`, async () => {
    const r = await run(script(name), ['--no-such-option']);
    expect(r.code).toBe(usageCode);
    expect(r.stderr).toContain("unknown option '--no-such-option'");
  });
});

describe('setup_mcp.sh argument checks', () => {
  test.each([
    [['--prefix', 'relative/dir'], '--prefix must be an absolute path'],
    [['--prefix', '/opt/with space'], '--prefix may only hold'],
    [['--swap', '1X'], "--swap takes a size like 512M or 1G, got '1X'"],
    [['--dist', '/a', '--source', '/b'], 'give --source or --dist, not both'],
    [['--prefix'], '--prefix needs a directory'],
  ])('%j is refused', async (args, message) => {
    const r = await run(script('setup_mcp.sh'), args);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(message);
  });

  test('a --dist without the bundles is refused, naming the missing file', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ldm-empty-dist-'));
    try {
      const r = await run(script('setup_mcp.sh'), ['--dry-run', '--dist', empty, '--prefix', join(empty, 'opt')]);
      expect(r.code).toBe(65);
      expect(r.stderr).toContain(`${empty}/ldm-mcp-server.mjs is missing`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('setup_mcp.sh checks every chunk the bundles load', () => {
  test('a --dist missing a chunk that is only loaded later (the tool definitions) is refused, naming it', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'ldm-partial-dist-'));
    try {
      cpSync(join(ROOT, 'dist'), copy, { recursive: true });
      const lazy = readdirSync(join(copy, 'chunks')).find((f) => f.startsWith('tool-chunk-'))!;
      rmSync(join(copy, 'chunks', lazy));
      const r = await run(script('setup_mcp.sh'), ['--dry-run', '--dist', copy, '--prefix', join(copy, 'opt')]);
      expect(r.code).toBe(65);
      expect(r.stderr).toContain(`${copy}/chunks/${lazy} is missing`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('setup_mcp.sh refuses a Node that a non-root user could replace', () => {
  test('a node binary not owned by root exits 77 and says how to fix it', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ldm-node-'));
    const userNode = join(scratch, 'node');
    try {
      copyFileSync(process.execPath, userNode);
      // As root, hand it to another uid; as a user it is already not root's.
      if (process.getuid?.() === 0) chownSync(userNode, 1000, 1000);
      const r = await run(script('setup_mcp.sh'), ['--dry-run', '--dist', join(ROOT, 'dist'), '--node', userNode, '--prefix', join(scratch, 'opt')]);
      expect(r.code).toBe(77);
      expect(r.stderr).toMatch(/can't run root's services: .* is owned by uid \d+/);
      expect(r.stderr).toContain('--node /usr/local/bin/node');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('setup_mcp.sh --dry-run', () => {
  test('prints the plan (release, wrappers, units, enable) and creates nothing', async () => {
    // dist/ comes from jest.global-setup.mjs (or scripts/test.sh with LDM_SKIP_BUILD=1).
    expect(existsSync(join(ROOT, 'dist/ldm-healthcheck.mjs'))).toBe(true);
    const scratch = mkdtempSync(join(tmpdir(), 'ldm-dry-'));
    const prefix = join(scratch, 'opt');
    try {
      const r = await run(script('setup_mcp.sh'), ['--dry-run', '--dist', join(ROOT, 'dist'), '--prefix', prefix]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/release \d+\.\d+\.\d+[^ ]*-[0-9a-f]{12}/);
      expect(r.stderr).toContain(`[dry-run] install -m 0755 ${prefix}/bin/ldm-mcp-server`);
      expect(r.stderr).toContain('[dry-run] install -m 0644 /etc/systemd/system/ldm-healthcheck.timer');
      expect(r.stderr).toContain('[dry-run] systemctl enable --quiet ldm-boot-check.service');
      expect(r.stderr).toContain('dry run: would make');
      expect(existsSync(prefix)).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
