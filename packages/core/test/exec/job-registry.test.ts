import { describe, test, expect, afterEach } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRegistry, JobLimitError } from '../../src/exec/job-registry';
import { runProcess } from '../../src/exec/run-process';
import { until } from '../support/wait-until';
import { redactSecrets } from '../../src/redact/redact-secrets';
import { leakedFragments, linesWithSecrets, plainText, secretOffsets } from '../redact/secret-fixture';

let reg: JobRegistry;
afterEach(() => reg?.disposeAll());
const ended = (id: string) => () => reg.status(id).state !== 'running';

/** A finished job that wrote `text` to stdout and to stderr. */
async function finishedJobWriting(text: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'ldm-job-')), 'text');
  writeFileSync(file, text);
  const job = reg.start('cat', { argv: ['bash', '-c', 'cat "$0"; cat "$0" >&2', file] });
  await until('the job to end', ended(job.id));
  return job.id;
}

/** Pages through both streams from offset 0, passing `next` back, until a page brings nothing new. */
function pageThrough(id: string, maxBytes: number) {
  const pages = [];
  let offset = { stdout: 0, stderr: 0 };
  for (;;) {
    const page = reg.output(id, offset, maxBytes);
    pages.push(page);
    if (page.next.stdout === offset.stdout && page.next.stderr === offset.stderr) return pages;
    offset = page.next;
  }
}

describe('JobRegistry', () => {
  test('runs a job and reads its output from offsets', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 1024 });
    const job = reg.start('printf', { argv: ['bash', '-c', 'printf "abc\\n"; sleep 0.2; printf "def\\n"'] });
    expect(job).toMatchObject({ id: 'job-1', state: 'running' });
    await until('the job to end', ended(job.id));
    const all = reg.output(job.id);
    expect(all).toMatchObject({ state: 'exited', stdout: 'abc\ndef\n', next: { stdout: 8, stderr: 0 } });
    expect(reg.output(job.id, { stdout: 4 }).stdout).toBe('def\n');
    expect(reg.status(job.id)).toMatchObject({ exitCode: 0, stdoutBytes: 8 });
  });

  test('bounded buffers report skipped bytes', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 12 }); // holds '7\n98\n99\n100\n': from inside the line 97
    const job = reg.start('seq', { argv: ['bash', '-c', 'seq 1 100'] });
    await until('seq to end', ended(job.id));
    const out = reg.output(job.id, { stdout: 0 });
    expect(out.skipped.stdout).toBeGreaterThan(0);
    expect(out.stdout.endsWith('100\n')).toBe(true);
    // It begins at a line start, past the line the drop cut into, and says where.
    const seq = Array.from({ length: 100 }, (_, i) => `${i + 1}\n`).join('');
    expect(seq[out.stdoutFrom - 1]).toBe('\n');
    expect(seq.slice(out.stdoutFrom)).toBe(out.stdout);
    expect(out.skipped.stdout).toBe(out.stdoutFrom);
  });

  test('an offset inside a line begins the page at the next line; skipped and stdoutFrom say so', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 1024 });
    const id = await finishedJobWriting('abc\ndef\nghi\n');
    expect(reg.output(id, { stdout: 2, stderr: 4 })).toMatchObject({
      stdout: 'def\nghi\n', stdoutFrom: 4, skipped: { stdout: 2, stderr: 0 }, stderr: 'def\nghi\n', next: { stdout: 12, stderr: 12 },
    });
  });

  test('a running job is shown up to its last line break; the line it is still writing comes with a later page', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 1024 });
    const job = reg.start('printf', { argv: ['bash', '-c', 'printf "done\\nhalf of a li"; sleep 0.5; printf "ne\\n"'] });
    await until('the first printf', () => reg.status(job.id).stdoutBytes >= 16);
    const early = reg.output(job.id);
    expect(early).toMatchObject({ state: 'running', stdout: 'done\n', next: { stdout: 5 } });
    await until('the job to end', ended(job.id));
    expect(reg.output(job.id, early.next).stdout).toBe('half of a line\n');
  });

  test('pages cut by maxBytes, or begun at an offset inside a secret, show no piece of it once redacted', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 100_000 });
    const text = linesWithSecrets();
    const id = await finishedJobWriting(text);
    for (const maxBytes of [1, 12, 40, 100]) {
      for (const page of pageThrough(id, maxBytes)) {
        expect(leakedFragments(redactSecrets(page.stdout) + redactSecrets(page.stderr))).toEqual([]);
      }
    }
    for (const at of secretOffsets(text)) {
      for (let offset = at - 3; offset < at + 40; offset++) {
        for (const maxBytes of [1, 12, 40, 100]) {
          const page = reg.output(id, { stdout: offset, stderr: offset }, maxBytes);
          const leaks = leakedFragments(redactSecrets(page.stdout) + redactSecrets(page.stderr));
          expect({ offset, maxBytes, leaks }).toEqual({ offset, maxBytes, leaks: [] });
        }
      }
    }
  });

  test('paging with next returns every byte of the output exactly once, whatever maxBytes', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 100_000 });
    const text = plainText();
    const id = await finishedJobWriting(text);
    for (const maxBytes of [1, 100, 1024, 65_536]) {
      const pages = pageThrough(id, maxBytes);
      expect(pages.map((p) => p.stdout).join('') === text).toBe(true);
      expect(pages.map((p) => p.stderr).join('') === text).toBe(true);
      expect(pages.every((p) => p.skipped.stdout === 0 && p.skipped.stderr === 0)).toBe(true);
    }
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
    await until('true to end', ended(a.id));
    const c = reg.start('sleep', { argv: ['sleep', '30'] });
    expect(reg.list().map((j) => j.id)).toEqual(['job-2', c.id]);
    expect(() => reg.status(a.id)).toThrow(/no job with id "job-1"/);
    expect(() => reg.start('sleep', { argv: ['sleep', '30'] })).toThrow(JobLimitError);
  });

  test('kill stops the process group and marks the job killed', async () => {
    reg = new JobRegistry({ maxJobs: 2, bufferBytes: 1024 });
    const job = reg.start('sleep', { argv: ['bash', '-c', 'sleep 30; sleep 30'] });
    reg.kill(job.id);
    await until('the kill to land', ended(job.id));
    expect(reg.status(job.id)).toMatchObject({ state: 'killed', signal: 'SIGTERM' });
  });
});
