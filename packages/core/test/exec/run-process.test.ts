import { describe, test, expect } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../../src/exec/run-process';
import { redactSecrets } from '../../src/redact/redact-secrets';
import { leakedFragments, linesWithSecrets, secretOffsets } from '../redact/secret-fixture';

const base = { maxBufferBytes: 65_536, timeoutMs: 10_000 };
/** Running, as opposed to gone or a zombie waiting for init (which may reap slowly in a container). */
const running = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

describe('runProcess', () => {
  test('exit code, stdout, stderr and stdin', async () => {
    const r = await runProcess({ ...base, argv: ['bash', '-c', 'read x; echo "got $x"; echo err >&2; exit 4'], stdin: 'hello\n' });
    expect(r).toMatchObject({ exitCode: 4, stdout: 'got hello\n', stderr: 'err\n', timedOut: false, stdoutTruncated: false });
  });

  test('output beyond the cap keeps the tail and sets truncated', async () => {
    const r = await runProcess({ ...base, maxBufferBytes: 1024, argv: ['bash', '-c', 'seq 1 100000'] });
    expect(r.stdoutTruncated).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(1024);
    expect(r.stdout.endsWith('99999\n100000\n')).toBe(true);
  });

  test('a tail cut inside a secret begins at the next line: no piece of the secret is shown', async () => {
    const text = linesWithSecrets();
    const total = Buffer.byteLength(text);
    for (const at of secretOffsets(text)) {
      for (const inside of [1, 5, 13]) {
        const r = await runProcess({ ...base, maxBufferBytes: total - (at + inside), argv: ['cat'], stdin: text });
        expect(r.stdoutTruncated).toBe(true);
        expect({ at, inside, leaks: leakedFragments(redactSecrets(r.stdout)) }).toEqual({ at, inside, leaks: [] });
        expect(text.endsWith(r.stdout)).toBe(true);
      }
    }
  });

  test('a command still running when handed back shows its output up to the last line break, not a line it is still writing', async () => {
    const r = await runProcess({ ...base, timeoutMs: 300, onTimeout: 'background', argv: ['bash', '-c', 'printf "whole line\\nhalf of a tok"; sleep 2'] });
    expect(r).toMatchObject({ timedOut: true, stdout: 'whole line\n' });
    r.running!.kill();
  });

  test('a timeout kills the whole process group, grandchildren included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-exec-'));
    const pidFile = join(dir, 'grandchild.pid');
    // The grandchild ignores nothing but outlives the shell unless the group is killed.
    const r = await runProcess({ ...base, timeoutMs: 300, argv: ['bash', '-c', `sleep 60 & echo $! > ${pidFile}; wait`] });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGTERM');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 40 && running(grandchild); i++) await new Promise((res) => setTimeout(res, 50));
    expect(running(grandchild)).toBe(false);
  });

  test('a process that ignores TERM gets KILL after the grace period', async () => {
    const r = await runProcess({ ...base, timeoutMs: 200, killGraceMs: 300, argv: ['bash', '-c', "trap '' TERM; sleep 30 & wait; sleep 30"] });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });

  test("onTimeout 'background' hands back the running process", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-exec-'));
    const done = join(dir, 'done');
    const r = await runProcess({ ...base, timeoutMs: 100, onTimeout: 'background', argv: ['bash', '-c', `echo started; sleep 0.4; touch ${done}`] });
    expect(r.timedOut).toBe(true);
    expect(r.running).toBeDefined();
    const end = await r.running!.exited;
    expect(end.exitCode).toBe(0);
    expect(existsSync(done)).toBe(true);
    expect(r.running!.stdout.text()).toBe('started\n');
  });

  test('a program that does not exist is a spawnError, not a rejection', async () => {
    const r = await runProcess({ ...base, argv: ['/nonexistent/program'] });
    expect(r.spawnError).toMatch(/couldn't start \/nonexistent\/program/);
  });

  test('a background grandchild holding the pipes does not hang the result', async () => {
    const r = await runProcess({ ...base, argv: ['bash', '-c', 'setsid sleep 5 & echo done'] });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'done\n', timedOut: false });
    expect(r.durationMs).toBeLessThan(4000);
  });

  test('rejects a timeout that is not positive, naming it', async () => {
    await expect(runProcess({ ...base, timeoutMs: -1, argv: ['true'] })).rejects.toThrow(/got -1/);
  });
});

test('aborting the signal stops the process group', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  const r = await runProcess({ ...base, signal: ac.signal, argv: ['sleep', '30'] });
  expect(r.signal).toBe('SIGTERM');
  expect(r.durationMs).toBeLessThan(5000);
});
