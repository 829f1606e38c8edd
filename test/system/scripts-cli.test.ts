import { describe, test, expect } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The operations scripts' command-line contract, on this machine (no systemd needed): every one
// has --help, rejects unknown options with a message naming them, and setup --dry-run touches nothing.
// What they do to a real systemd is test/system/run.sh (npm run test:system).

const ROOT = join(import.meta.dirname, '../..');
const script = (name: string) => join(ROOT, 'scripts', name);

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [file, ...args], { timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', ...env } }, (err, stdout, stderr) => {
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
    [['--no-http', '--http-listen', '127.0.0.1:9000'], 'give --no-http or --http-listen, not both'],
    [['--http-listen', '127.0.0.1:99999'], "--http-listen takes ADDR:PORT such as 127.0.0.1:8765 or [::1]:8765, got '127.0.0.1:99999'"],
    [['--http-listen', '8765'], "got '8765'"],
  ])('%j is refused', async (args, message) => {
    const r = await run(script('setup_mcp.sh'), args);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(message);
  });

  test('a --dist without the bundles is refused, naming the missing file', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ldm-empty-dist-'));
    try {
      const r = await run(script('setup_mcp.sh'), ['--dry-run', '--no-http', '--dist', empty, '--prefix', join(empty, 'opt')]);
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
      const r = await run(script('setup_mcp.sh'), ['--dry-run', '--no-http', '--dist', copy, '--prefix', join(copy, 'opt')]);
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
      const r = await run(script('setup_mcp.sh'), ['--dry-run', '--no-http', '--dist', join(ROOT, 'dist'), '--node', userNode, '--prefix', join(scratch, 'opt')]);
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
      // --no-http: the plan must not depend on whether 127.0.0.1:8765 is free on the machine running the tests.
      const r = await run(script('setup_mcp.sh'), ['--dry-run', '--no-http', '--dist', join(ROOT, 'dist'), '--prefix', prefix]);
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

/** A process of our own holding a TCP port on 127.0.0.1, as a stranger to the install would. */
async function holdPort(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the port holder exited ${code}`)));
  });
  return { child, port };
}

describe('setup_mcp.sh and a taken HTTP port', () => {
  test('names the holder (program and pid) before installing anything; --no-http installs without HTTP', async () => {
    const { child, port } = await holdPort();
    const scratch = mkdtempSync(join(tmpdir(), 'ldm-port-'));
    const prefix = join(scratch, 'opt');
    try {
      const taken = await run(script('setup_mcp.sh'), ['--dry-run', '--dist', join(ROOT, 'dist'), '--prefix', prefix, '--http-listen', `127.0.0.1:${port}`]);
      expect(taken.code).toBe(75);
      expect(taken.stderr).toContain(`127.0.0.1:${port} is taken by 127.0.0.1:${port} (node, pid ${child.pid})`);
      expect(taken.stderr).toContain('--no-http');
      expect(taken.stderr).not.toContain('[dry-run]'); // nothing planned, let alone done
      const noHttp = await run(script('setup_mcp.sh'), ['--dry-run', '--dist', join(ROOT, 'dist'), '--prefix', prefix, '--no-http']);
      expect(noHttp.code).toBe(0);
      expect(noHttp.stderr).toContain('[dry-run] install -m 0644 /etc/systemd/system/ldm-healthcheck.timer');
      expect(noHttp.stderr).not.toContain('ldm-mcp-http');
      expect(noHttp.stderr).not.toContain('http-token');
      const moved = await run(script('setup_mcp.sh'), ['--dry-run', '--dist', join(ROOT, 'dist'), '--prefix', prefix, '--http-listen', `127.0.0.1:${port + 1}`]);
      expect(moved.code).toBe(0);
      expect(moved.stderr).toContain('[dry-run] install -m 0644 /etc/systemd/system/ldm-mcp-http.socket.d/10-listen.conf');
      expect(existsSync(prefix)).toBe(false);
    } finally {
      child.kill();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('cleanup_mcp.sh says what it did', () => {
  test('with nothing installed it says so, and --dry-run plans each unit once and claims no removal', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ldm-cleanup-'));
    const unitDir = join(scratch, 'units');
    const prefix = join(scratch, 'opt');
    mkdirSync(unitDir);
    try {
      const nothing = await run(script('cleanup_mcp.sh'), ['--dry-run', '--prefix', prefix], { LDM_UNIT_DIR: unitDir });
      expect(nothing.code).toBe(0);
      expect(nothing.stderr).toContain('nothing to remove');
      expect(nothing.stderr).not.toMatch(/removed/);
      mkdirSync(join(prefix, 'releases'), { recursive: true });
      for (const u of ['ldm-healthcheck.timer', 'ldm-mcp-http.socket', 'ldm-mcp-http.service']) writeFileSync(join(unitDir, u), '');
      const dry = await run(script('cleanup_mcp.sh'), ['--dry-run', '--prefix', prefix], { LDM_UNIT_DIR: unitDir });
      expect(dry.code).toBe(0);
      expect(dry.stderr).not.toMatch(/removed/);
      expect(dry.stderr).toContain('dry run: would take the 4 step(s) above; nothing was changed');
      expect(dry.stderr.split(`rm -f -- ${unitDir}/ldm-mcp-http.socket`).length - 1).toBe(1);
      expect(existsSync(join(unitDir, 'ldm-mcp-http.socket')) && existsSync(prefix)).toBe(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('npm install inside setup and update (scripts/lib/release.sh npm_install)', () => {
  // A stand-in npm on PATH: the real one would need the registry.
  function fakeNpm(body: string): { dir: string; env: Record<string, string> } {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-npm-'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'npm'), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, 'bin', 'npm'), 0o755);
    mkdirSync(join(dir, 'src'));
    return { dir, env: { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`, LDM_NPM_PROGRESS_SEC: '1' } };
  }
  const npmInstall = (dir: string, env: Record<string, string>) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('bash', ['-c', `. ${ROOT}/scripts/lib/common.sh; . ${ROOT}/scripts/lib/release.sh; npm_install "$1"`, 'x', join(dir, 'src')], { timeout: 60_000, env: { HOME: '/tmp', ...env } }, (err, _out, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr }),
      );
    });

  test('shows progress while it runs, and npm gets no update notice', async () => {
    const { dir, env } = fakeNpm('echo "notifier=$NO_UPDATE_NOTIFIER args=$*" >&2; sleep 2.5');
    try {
      const r = await npmInstall(dir, env);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/npm install: 2 s, \d+ packages so far/);
      expect(r.stderr).toContain('npm install done');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failure exits 70 with npm\'s last lines and the usual causes', async () => {
    const { dir, env } = fakeNpm('echo "npm error code ECONNREFUSED" >&2; exit 1');
    try {
      const r = await npmInstall(dir, env);
      expect(r.code).toBe(70);
      expect(r.stderr).toContain('| npm error code ECONNREFUSED');
      expect(r.stderr).toMatch(/npm install failed \(exit 1\).*--dist DIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a hung npm is stopped at LDM_NPM_TIMEOUT and the message says so', async () => {
    const { dir, env } = fakeNpm('echo "notifier=$NO_UPDATE_NOTIFIER $*" >&2; exec sleep 60');
    try {
      const r = await npmInstall(dir, { ...env, LDM_NPM_TIMEOUT: '2' });
      expect(r.code).toBe(70);
      expect(r.stderr).toContain('did not finish within 2 s (LDM_NPM_TIMEOUT)');
      // What npm was told: no update notice, by flag and by environment.
      expect(r.stderr).toContain('notifier=1 install --omit=dev --no-audit --no-fund --no-update-notifier');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
