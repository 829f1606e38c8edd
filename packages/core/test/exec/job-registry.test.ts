import { describe, test, expect, afterEach } from '@jest/globals';
import { JobRegistry, JobLimitError } from '../../src/exec/job-registry';
import { runProcess } from '../../src/exec/run-process';

let reg: JobRegistry;
afterEach(() => reg?.disposeAll());
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JobRegistry', () => {
  test('runs a job and reads its output from offsets', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 1024 });
    const job = reg.start('printf', { argv: ['bash', '-c', 'printf abc; sleep 0.2; printf def'] });
    expect(job).toMatchObject({ id: 'job-1', state: 'running' });
    await wait(500);
    const all = reg.output(job.id);
    expect(all).toMatchObject({ state: 'exited', stdout: 'abcdef', next: { stdout: 6, stderr: 0 } });
    expect(reg.output(job.id, { stdout: 3 }).stdout).toBe('def');
    expect(reg.status(job.id)).toMatchObject({ exitCode: 0, stdoutBytes: 6 });
  });

  test('bounded buffers report skipped bytes', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 10 });
    const job = reg.start('seq', { argv: ['bash', '-c', 'seq 1 100'] });
    await wait(300);
    const out = reg.output(job.id, { stdout: 0 });
    expect(out.skipped.stdout).toBeGreaterThan(0);
    expect(out.stdout.endsWith('100\n')).toBe(true);
  });

  test('an adopted command keeps as much output as a job from the moment it is adopted', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 100_000 });
    // Prints 11 bytes before its timeout, 5000 after: more than the command's own 64-byte cap.
    const ran = await runProcess({
      argv: ['bash', '-c', 'printf "0123456789\\n"; sleep 0.3; head -c 5000 /dev/zero | tr "\\0" x'],
      maxBufferBytes: 64,
      timeoutMs: 100,
      onTimeout: 'background',
    });
    expect(ran).toMatchObject({ timedOut: true, stdout: '0123456789\n' });
    const job = reg.adopt('printf', ran.running!);
    await ran.running!.exited;
    const out = reg.output(job.id);
    expect(out).toMatchObject({ state: 'exited', skipped: { stdout: 0, stderr: 0 }, next: { stdout: 5011, stderr: 0 } });
    expect(out.stdout).toBe('0123456789\n' + 'x'.repeat(5000));
  });

  test('at the limit the oldest finished job is forgotten; all running is an error', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 1024 });
    const a = reg.start('true', { argv: ['true'] });
    reg.start('sleep', { argv: ['sleep', '30'] });
    await wait(200);
    const c = reg.start('sleep', { argv: ['sleep', '30'] });
    expect(reg.list().map((j) => j.id)).toEqual(['job-2', c.id]);
    expect(() => reg.status(a.id)).toThrow(/no job with id "job-1"/);
    expect(() => reg.start('sleep', { argv: ['sleep', '30'] })).toThrow(JobLimitError);
  });

  test('kill stops the process group and marks the job killed', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 1024 });
    const job = reg.start('sleep', { argv: ['bash', '-c', 'sleep 30; sleep 30'] });
    reg.kill(job.id);
    await wait(300);
    expect(reg.status(job.id)).toMatchObject({ state: 'killed', signal: 'SIGTERM' });
  });
});
