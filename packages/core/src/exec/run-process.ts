import { startProcess, type Launch, type ProcessHandle, type StartOptions } from './start-process';

export interface RunOptions extends StartOptions {
  /** After this the process group is killed, or handed back still running (see onTimeout). */
  timeoutMs: number;
  onTimeout?: 'kill' | 'background';
  /** Aborting (the client cancelled the request) stops the process group like a timeout. */
  signal?: AbortSignal;
  /** How the program is started; default: directly. */
  launch?: Launch;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** The tail kept of each stream; see TailBuffer.text() for where it begins and ends. */
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  spawnError?: string;
  /** The errno name of spawnError, e.g. ENOENT. */
  spawnErrorCode?: string;
  /** From the launcher, e.g. "killed: memory cap 512M". */
  note?: string;
  /** With onTimeout 'background': the still-running process, for a job registry to adopt. */
  running?: ProcessHandle;
}

function collect(handle: ProcessHandle, timedOut: boolean, stillRunning = false): Omit<RunResult, 'exitCode' | 'signal' | 'durationMs'> {
  return {
    stdout: handle.stdout.text(stillRunning),
    stderr: handle.tidyStderr ? handle.tidyStderr(handle.stderr.text(stillRunning), handle.stderr.truncated) : handle.stderr.text(stillRunning),
    stdoutTruncated: handle.stdout.truncated,
    stderrTruncated: handle.stderr.truncated,
    timedOut,
  };
}

/** Runs a program to completion with a timeout and capped output. Never rejects for the program's own failures. */
export async function runProcess(options: RunOptions): Promise<RunResult> {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new Error(`Expected the timeoutMs option to be a positive number, got ${options.timeoutMs}`);
  }
  const handle = (options.launch ?? startProcess)(options);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  const onAbort = () => handle.kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) handle.kill();
  const first = await Promise.race([handle.exited, timeout]);
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  if (first !== 'timeout') return { ...first, ...collect(handle, false) };
  if (options.onTimeout === 'background') {
    return { exitCode: null, signal: null, durationMs: Date.now() - handle.startedAt.getTime(), ...collect(handle, true, true), running: handle };
  }
  handle.kill();
  const end = await handle.exited;
  return { ...end, ...collect(handle, true) };
}
