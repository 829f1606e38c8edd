import { describe, test, expect, afterEach } from '@jest/globals';
import { JobRegistry } from '../../src/exec/job-registry';
import { startProcess } from '../../src/exec/start-process';
import { processAlive as alive, until } from '../support/wait-until';

let reg: JobRegistry;
afterEach(() => reg?.disposeAll());

const A = { session: 'sess-a', principal: 'bearer:1' };
const B = { session: 'sess-b', principal: 'bearer:2' };
const A_LATER = { session: 'sess-a2', principal: 'bearer:1' };


const sleeper = (owner: typeof A, detached = false) => reg.start('sleep 30', { argv: ['sleep', '30'] }, startProcess, owner, detached);

describe('JobRegistry: jobs belong to the session that started them', () => {
  test('another session cannot list, read, or stop a job: its id reads as unknown and the process lives on', () => {
    reg = new JobRegistry({ maxJobs: 4, bufferBytes: 1024 });
    const job = sleeper(A);
    expect(reg.list(B)).toEqual([]);
    expect(() => reg.status(job.id, B)).toThrow(/no job with id "job-1"/);
    expect(() => reg.output(job.id, {}, 1024, B)).toThrow(/no job with id/);
    expect(() => reg.kill(job.id, B)).toThrow(/no job with id/);
    expect(alive(job.pid!)).toBe(true);
    expect(reg.list(A).map((j) => j.id)).toEqual([job.id]);
    expect(reg.runningCount).toBe(1);
  });

  test('ending a session stops its jobs and no other session\'s', async () => {
    reg = new JobRegistry({ maxJobs: 4, bufferBytes: 1024 });
    const mine = sleeper(A);
    const theirs = sleeper(B);
    expect(reg.endSession(A.session)).toBe(1);
    await until('the job to stop', () => !alive(mine.pid!), 5000);
    expect(alive(theirs.pid!)).toBe(true);
    expect(reg.runningCount).toBe(1);
  });

  test('a detached job outlives its session; later sessions of the same principal see and stop it, others do not', async () => {
    reg = new JobRegistry({ maxJobs: 4, bufferBytes: 1024 });
    const job = sleeper(A, true);
    expect(reg.list(A_LATER)).toEqual([]); // while its session lives, it is that session's alone
    expect(reg.endSession(A.session)).toBe(0);
    expect(alive(job.pid!)).toBe(true);
    expect(reg.list(A_LATER)).toEqual([expect.objectContaining({ id: job.id, detached: true, state: 'running' })]);
    expect(reg.list(B)).toEqual([]);
    expect(() => reg.kill(job.id, B)).toThrow(/no job with id/);
    reg.kill(job.id, A_LATER);
    await until('the job to stop', () => !alive(job.pid!), 5000);
  });
});
