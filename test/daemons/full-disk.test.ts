// Issue #13: a full state dir must read as CRITICAL (naming the full path), never as OK or as a
// crash that Nagios takes for WARNING. Needs root (a real 200 KB tmpfs is the only honest ENOSPC).
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createLogger } from '@ldm/core';
import { e2eEnv, type E2eEnv } from '../../packages/core/test/checks/e2e-env';

const mounted: string[] = [];

function mountTmpfs(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', dir], { stdio: 'pipe' });
    mounted.push(dir);
    return true;
  } catch (err) {
    console.warn(`SKIPPED full-disk tests: cannot mount a tmpfs at ${dir} (${(err as Error).message.split('\n')[0]}); run them as root`);
    return false;
  }
}

function fill(dir: string): void {
  const block = Buffer.alloc(4096, 120);
  try {
    for (let n = 0; n < 1000; n++) writeFileSync(`${dir}/filler-${n}`, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
}

afterAll(() => {
  for (const dir of mounted) execFileSync('umount', ['-l', dir]);
});

async function sandbox(): Promise<E2eEnv | null> {
  const env = await e2eEnv();
  env.answer('systemctl', "'list-units --failed'*", '');
  env.answer('timedatectl', "'show '*", 'NTP=yes\nNTPSynchronized=yes\n');
  env.answer('journalctl', '*', '-- No entries --\n');
  return mountTmpfs(env.stateDir) ? env : null;
}

describe('a full state dir', () => {
  test('the logger: error.log failing with ENOSPC is dropped with one journal warning, nothing thrown, close() returns', async () => {
    const env = await sandbox();
    if (!env) return;
    const logDir = `${env.stateDir}/logs`;
    mkdirSync(logDir);
    fill(env.stateDir);
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (c: Buffer) => (text += c.toString()));
    const stray: unknown[] = [];
    const onStray = (err: unknown) => stray.push(err);
    process.on('uncaughtException', onStray);
    try {
      const logger = createLogger({ program: 'ldm-test', logDir, stderr });
      for (let n = 0; n < 50; n++) logger.error(`line ${n} ${'x'.repeat(200)}`);
      await logger.close();
      logger.error('after close');
    } finally {
      process.off('uncaughtException', onStray);
    }
    expect(stray).toEqual([]);
    const lines = text.split('\n').filter(Boolean);
    expect(lines.filter((l) => l.startsWith('<3>line '))).toHaveLength(50);
    expect(lines.filter((l) => l.includes('error.log disabled'))).toEqual([expect.stringMatching(/^<4>ldm-test: error\.log disabled, .*ENOSPC/)]);
    expect(lines.at(-1)).toBe('<3>after close');
  });

  test('ldm-healthcheck: CRITICAL naming the full path, every run, never a crash or OK', async () => {
    const env = await sandbox();
    if (!env) return;
    expect(env.run('ldm-healthcheck', ['--once']).status).toBe(0);
    fill(env.stateDir);
    for (let run = 0; run < 3; run++) {
      const r = env.run('ldm-healthcheck', ['--once']);
      expect(r.stderr).not.toContain("Unhandled 'error' event");
      expect(r.status).toBe(2);
      const first = r.stdout.split('\n')[0]!;
      expect(first).toMatch(/^CRITICAL - state-dir: /);
      expect(first).toContain(env.stateDir);
      expect(first).toContain('ENOSPC');
    }
  });

  test('ldm-boot-check: CRITICAL naming the full path', async () => {
    const env = await sandbox();
    if (!env) return;
    fill(env.stateDir);
    const r = env.run('ldm-boot-check', ['--once']);
    expect(r.status).toBe(2);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^CRITICAL - state-dir: .*${env.stateDir}.*ENOSPC`));
  });

  test('ldm-idle-watcher: fails (EX_IOERR) with the full path on the first error line', async () => {
    const env = await sandbox();
    if (!env) return;
    fill(env.stateDir);
    const r = env.run('ldm-idle-watcher', ['--once']);
    expect(r.status).toBe(74);
    const firstError = r.stderr.split('\n').find((l) => l.startsWith('<3>'));
    expect(firstError).toContain(env.stateDir);
    expect(firstError).toContain('ENOSPC');
  });
});
