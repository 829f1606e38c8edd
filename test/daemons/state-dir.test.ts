// Issue #13: a state dir that cannot be created or written fails at once, in one line that names
// the path and the errno, with a code systemd and scripts can tell from a verdict.
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../packages/core/test/checks/e2e-env';

const BINARIES = ['ldm-healthcheck', 'ldm-idle-watcher', 'ldm-boot-check'];

function run(bin: string, stateDir: string, asNobody = false) {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-sd-'));
  chmodSync(dir, 0o755);
  const config = join(dir, 'config.json');
  writeFileSync(config, '{}');
  const argv = [process.execPath, join(ROOT, 'dist', `${bin}.mjs`), '--once', '--state-dir', stateDir, '--config', config];
  const [cmd, ...args] = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  const started = Date.now();
  const r = spawnSync(cmd!, args, { encoding: 'utf8', timeout: 20_000 });
  return { ...r, ms: Date.now() - started };
}

describe.each(BINARIES)('%s', (bin) => {
  test('--state-dir /proc/nope exits at once with EX_CANTCREAT and the cause on the first line', () => {
    const r = run(bin, '/proc/nope');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(73);
    expect(r.ms).toBeLessThan(10_000);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/^<3>/);
    expect(first).toContain('/proc/nope');
    expect(first).toContain('ENOENT');
    expect(r.stdout).not.toMatch(/^OK/);
  });

  test('an unwritable state dir: one line naming the path and errno, no stack trace', () => {
    if (process.getuid?.() !== 0) return console.warn('SKIPPED: needs root to run as nobody');
    const parent = mkdtempSync(join(tmpdir(), 'ldm-ro-'));
    chmodSync(parent, 0o755);
    const stateDir = join(parent, 'state');
    mkdirSync(stateDir, { mode: 0o555 });
    chmodSync(stateDir, 0o555);
    const r = run(bin, stateDir, true);
    expect(r.status).toBe(73);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('<3>'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(stateDir);
    expect(errors[0]).toContain('EACCES');
    expect(r.stderr).not.toMatch(/\bat (async )?\w+ \(/);
  });
});
