import { pageBounds } from '../redact/page-boundaries';
import { startProcess, type Launch, type ProcessExit, type ProcessHandle, type StartOptions } from './start-process';
import type { TailBuffer } from './tail-buffer';

export interface JobLimits {
  /** Jobs held at once, running or finished; the oldest finished job is forgotten first. */
  maxJobs: number;
  /** Bytes of stdout and of stderr kept per job (the tail). */
  bufferBytes: number;
}

export type JobState = 'running' | 'exited' | 'killed' | 'failed';

export interface JobInfo {
  id: string;
  command: string;
  pid: number | null;
  state: JobState;
  startedAt: string;
  exitCode: number | null;
  signal: string | null;
  /** From the launcher, e.g. "killed: memory cap 512M". */
  note: string | null;
  durationMs: number;
  stdoutBytes: number;
  stderrBytes: number;
  /** Outlives the session that started it. */
  detached: boolean;
}

/**
 * One page of each stream. Pages begin and end at cut points (page-boundaries.ts): whole lines,
 * so that redaction sees every secret on them whole. Offsets are absolute byte offsets into each
 * stream; pass `next` back to read on.
 */
export interface JobOutput {
  id: string;
  state: JobState;
  stdout: string;
  stderr: string;
  stdoutFrom: number;
  stderrFrom: number;
  next: { stdout: number; stderr: number };
  /**
   * Bytes between the requested offset and the page's start: dropped from the buffer before they
   * could be read, or passed over because the offset was inside a line.
   */
  skipped: { stdout: number; stderr: number };
}

/**
 * Who a job belongs to. A job is seen and stopped only by the session that started it; when that
 * session ends, its jobs end with it, unless they were started detached: those live on, and any
 * later session of the same principal (token or grant) may see and stop them.
 */
export interface JobOwner {
  /** The MCP session (one server process for stdio). */
  session: string;
  /** The authenticated client identity behind the session, e.g. bearer:<hash of the token>. */
  principal: string;
}

/** The owner of jobs started by callers that have no sessions (one process, one client). */
export const LOCAL_OWNER: JobOwner = { session: 'local', principal: 'local' };

interface Job {
  id: string;
  command: string;
  owner: JobOwner;
  detached: boolean;
  /** Its session has ended; only a detached job outlives that. */
  orphaned: boolean;
  handle: ProcessHandle;
  killed: boolean;
  exit: ProcessExit | null;
}

/** Thrown when a new job would exceed maxJobs and none can be forgotten. */
export class JobLimitError extends Error {}

/**
 * Background jobs of one server process: started directly, or adopted from a command that
 * outlived its timeout. Bounded in count and in buffered output; disposeAll() kills what is left.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, Job>();
  private seq = 0;

  constructor(readonly limits: JobLimits) {}

  /** Starts a program as a job: directly, or through `launch` (a sandbox). */
  start(command: string, options: Omit<StartOptions, 'maxBufferBytes'>, launch: Launch = startProcess, owner: JobOwner = LOCAL_OWNER, detached = false): JobInfo {
    this.makeRoom();
    return this.add(command, launch({ ...options, maxBufferBytes: this.limits.bufferBytes }), owner, detached);
  }

  /**
   * Takes over a process that is already running (a run_command that outlived its timeout). Its
   * buffers were sized for one command's result; from here on they keep as much as a job's.
   */
  adopt(command: string, handle: ProcessHandle, owner: JobOwner = LOCAL_OWNER, detached = false): JobInfo {
    try {
      this.makeRoom();
    } catch (err) {
      handle.kill();
      throw err;
    }
    handle.stdout.raiseCapacity(this.limits.bufferBytes);
    handle.stderr.raiseCapacity(this.limits.bufferBytes);
    return this.add(command, handle, owner, detached);
  }

  /** The jobs `viewer` may see: its session's, and the detached ones its principal's ended sessions left. */
  list(viewer: JobOwner = LOCAL_OWNER): JobInfo[] {
    return [...this.jobs.values()].filter((job) => visibleTo(job, viewer)).map((job) => this.info(job));
  }

  status(id: string, viewer: JobOwner = LOCAL_OWNER): JobInfo {
    return this.info(this.get(id, viewer));
  }

  /** Jobs still running, of any owner: what keeps the host busy. */
  get runningCount(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (!(job.exit ?? job.handle.result())) n += 1;
    return n;
  }

  output(id: string, offset: { stdout?: number; stderr?: number } = {}, maxBytes = this.limits.bufferBytes, viewer: JobOwner = LOCAL_OWNER): JobOutput {
    const job = this.get(id, viewer);
    // Once the process has exited and its pipes are closed, what is held ends where the output ends.
    const complete = job.handle.result() !== null;
    const out = pageOf(job.handle.stdout, offset.stdout ?? 0, maxBytes, complete);
    const err = pageOf(job.handle.stderr, offset.stderr ?? 0, maxBytes, complete);
    return {
      id,
      state: this.info(job).state,
      stdout: out.text,
      stderr: err.text,
      stdoutFrom: out.start,
      stderrFrom: err.start,
      next: { stdout: out.end, stderr: err.end },
      skipped: { stdout: out.skipped, stderr: err.skipped },
    };
  }

  /** TERM then KILL to the job's process group. A finished job is left as it is. */
  kill(id: string, viewer: JobOwner = LOCAL_OWNER): JobInfo {
    const job = this.get(id, viewer);
    if (!job.exit) {
      job.killed = true;
      job.handle.kill();
    }
    return this.info(job);
  }

  /**
   * A session ended (closed, expired, evicted): its jobs are stopped, except detached ones, which
   * its principal's later sessions take over. Returns how many were stopped.
   */
  endSession(session: string): number {
    let stopped = 0;
    for (const job of this.jobs.values()) {
      if (job.owner.session !== session) continue;
      job.orphaned = true;
      if (job.detached || job.exit) continue;
      job.killed = true;
      job.handle.kill();
      stopped += 1;
    }
    return stopped;
  }

  /** Kills every running job (server shutdown). */
  disposeAll(): void {
    for (const job of this.jobs.values()) if (!job.exit) job.handle.kill();
  }

  private add(command: string, handle: ProcessHandle, owner: JobOwner, detached: boolean): JobInfo {
    const id = `job-${++this.seq}`;
    const job: Job = { id, command, owner, detached, orphaned: false, handle, killed: false, exit: handle.result() };
    void handle.exited.then((exit) => {
      job.exit = exit;
    });
    this.jobs.set(id, job);
    return this.info(job);
  }

  /** Another owner's job is answered exactly like one that does not exist. */
  private get(id: string, viewer: JobOwner): Job {
    const job = this.jobs.get(id);
    if (!job || !visibleTo(job, viewer)) throw new Error(`no job with id ${JSON.stringify(id)} (list_jobs shows the current ones)`);
    return job;
  }

  private makeRoom(): void {
    if (this.jobs.size < this.limits.maxJobs) return;
    const finished = [...this.jobs.values()].find((job) => job.exit);
    if (!finished) {
      throw new JobLimitError(`all ${this.limits.maxJobs} job slots hold running jobs; wait for one or stop one with job_kill`);
    }
    this.jobs.delete(finished.id);
  }

  private info(job: Job): JobInfo {
    const exit = job.exit ?? job.handle.result();
    const state: JobState = !exit ? 'running' : exit.spawnError ? 'failed' : job.killed ? 'killed' : 'exited';
    return {
      id: job.id,
      command: job.command,
      pid: job.handle.pid ?? null,
      state,
      startedAt: job.handle.startedAt.toISOString(),
      exitCode: exit?.exitCode ?? null,
      signal: exit?.signal ?? null,
      note: exit?.note ?? null,
      durationMs: exit ? exit.durationMs : Date.now() - job.handle.startedAt.getTime(),
      stdoutBytes: job.handle.stdout.total,
      stderrBytes: job.handle.stderr.total,
      detached: job.detached,
    };
  }
}

function visibleTo(job: Job, viewer: JobOwner): boolean {
  return job.owner.session === viewer.session || (job.orphaned && job.detached && job.owner.principal === viewer.principal);
}

function pageOf(buffer: TailBuffer, offset: number, maxBytes: number, complete: boolean) {
  const { data, from } = buffer.readFrom(0);
  const { start, end } = pageBounds({ bytes: data, from, complete }, offset, maxBytes);
  return { text: data.subarray(start - from, end - from).toString('utf8'), start, end, skipped: Math.max(0, start - offset) };
}
