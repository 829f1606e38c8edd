import { TailBuffer } from '../exec/tail-buffer';
import type { ProcessExit, ProcessHandle, StartOptions } from '../exec/start-process';

/**
 * A handle for a command whose start waits on something (the sandbox plan of this moment, a
 * sandbox unit coming up): it stands for the real handle, and a kill before the start is kept.
 */
export function deferredHandle(options: StartOptions, start: Promise<ProcessHandle>): ProcessHandle {
  const started = Date.now();
  const empty = { stdout: new TailBuffer(options.maxBufferBytes), stderr: new TailBuffer(options.maxBufferBytes) };
  let inner: ProcessHandle | null = null;
  let killed = false;
  let outcome: ProcessExit | null = null;
  const exited = start.then(
    (h) => {
      inner = h;
      if (killed) h.kill();
      return h.exited;
    },
    (err: Error): ProcessExit => ({ exitCode: null, signal: null, durationMs: Date.now() - started, spawnError: `couldn't start the command in the sandbox: ${err.message}`, spawnErrorCode: 'ESANDBOX' }),
  ).then((exit) => (outcome = exit));
  return {
    get pid() {
      return inner?.pid;
    },
    argv: options.argv,
    startedAt: new Date(started),
    get stdout() {
      return inner?.stdout ?? empty.stdout;
    },
    get stderr() {
      return inner?.stderr ?? empty.stderr;
    },
    exited,
    result: () => outcome,
    kill: () => {
      killed = true;
      inner?.kill();
    },
    tidyStderr: (text, truncated) => (inner?.tidyStderr ? inner.tidyStderr(text, truncated) : text),
  };
}
