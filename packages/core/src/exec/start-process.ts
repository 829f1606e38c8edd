import { nodeChildProcess } from '../node/on-demand';
import { TailBuffer } from './tail-buffer';
import { killProcessGroup } from './kill-group';

const PIPE_DRAIN_MS = 1000;

export interface StartOptions {
  /** Program and arguments; no shell is involved unless argv[0] is one. */
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. Without it stdin is /dev/null. */
  stdin?: string;
  /** Bytes of stdout and of stderr kept (the tail). */
  maxBufferBytes: number;
  /** Between TERM and KILL when the process is stopped. */
  killGraceMs?: number;
  /** Takes out of stderr, as it streams, what a launcher itself writes there (systemd-run's report). */
  stderrFilter?: { push(chunk: Buffer): Buffer; end(): Buffer };
}

export interface ProcessExit {
  /** null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  /** The errno name of spawnError, e.g. ENOENT: "not installed" is not a failure to some callers. */
  spawnErrorCode?: string;
  /** What a sandbox knows about the end that the status cannot say, e.g. "killed: memory cap 512M". */
  note?: string;
}

/** A started process: its output so far, and a promise of its end. */
export interface ProcessHandle {
  readonly pid: number | undefined;
  readonly argv: string[];
  readonly startedAt: Date;
  readonly stdout: TailBuffer;
  readonly stderr: TailBuffer;
  /** Resolves (never rejects) when the process has exited and its pipes are closed. */
  readonly exited: Promise<ProcessExit>;
  /** The exit once known, else null. */
  result(): ProcessExit | null;
  /** TERM then KILL to the whole process group. */
  kill(): void;
  /** Takes out of stderr what the launcher itself wrote there (a sandbox's report of how it ended). */
  tidyStderr?(text: string, truncated: boolean): string;
}

/** Starts a program: directly (startProcess) or inside a sandbox (sandbox/sandbox-launcher.ts). */
export type Launch = (options: StartOptions) => ProcessHandle;

/**
 * Starts a program in its own process group (detached) so that a timeout or job_kill can
 * reach everything it spawned with kill(-pgid). Plain child_process rather than execa: the
 * group kill and tail buffering are ours anyway, and execa costs ~110 ms of import at start.
 */
export function startProcess(options: StartOptions): ProcessHandle {
  if (!options.argv.length || !options.argv[0]) throw new Error(`Expected a non-empty argv, got ${JSON.stringify(options.argv)}`);
  const started = Date.now();
  const stdout = new TailBuffer(options.maxBufferBytes);
  const stderr = new TailBuffer(options.maxBufferBytes);
  const grace = options.killGraceMs ?? 2000;
  let outcome: ProcessExit | null = null;
  const child = nodeChildProcess().spawn(options.argv[0], options.argv.slice(1), {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  const filter = options.stderrFilter;
  child.stderr?.on('data', (chunk: Buffer) => {
    const kept = filter ? filter.push(chunk) : chunk;
    if (kept.length) stderr.push(kept);
  });
  if (options.stdin !== undefined && child.stdin) {
    // A program that exits without reading its stdin gives EPIPE: not our failure.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin);
  }
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      outcome ??= {
        exitCode: null,
        signal: null,
        durationMs: Date.now() - started,
        spawnError: `couldn't start ${options.argv[0]}: ${err.message}`,
        ...(code ? { spawnErrorCode: code } : {}),
      };
      resolve(outcome);
    });
    child.once('exit', () => {
      // A grandchild that left the group (setsid, nohup ... &) may hold our pipes open for ever:
      // once the program itself exited, give its output a moment to drain, then stop waiting.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, PIPE_DRAIN_MS).unref();
    });
    child.once('close', (code, signal) => {
      const rest = filter?.end();
      if (rest?.length) stderr.push(rest);
      outcome ??= { exitCode: code, signal, durationMs: Date.now() - started };
      resolve(outcome);
    });
  });
  return {
    pid: child.pid,
    argv: options.argv,
    startedAt: new Date(started),
    stdout,
    stderr,
    exited,
    result: () => outcome,
    kill: () => {
      if (outcome || child.pid === undefined) return;
      killProcessGroup(child.pid, grace);
    },
  };
}
