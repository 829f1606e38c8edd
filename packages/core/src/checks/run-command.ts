import { runOnHost, type HostRunner } from '../exec/run-host';
import type { CommandResult, RunCommandOptions } from './types';

const MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * The checks' view of the host runner (exec/run-host.ts): bounded in time and output, a non-zero
 * exit is a result, not an error. A program that is not installed rejects with code ENOENT so
 * callers can report "skipped" rather than "failed"; a timeout or a signal rejects too.
 */
export function commandRunner(run: HostRunner): (argv: string[], options?: RunCommandOptions) => Promise<CommandResult> {
  return async (argv, options = {}) => {
    if (!argv[0]) throw new Error('runCommand: empty argv');
    const r = await run(argv, { timeoutMs: options.timeoutMs ?? 30_000, maxOutputBytes: MAX_OUTPUT, signal: options.signal });
    const shown = JSON.stringify(argv.join(' '));
    if (r.spawnError) {
      const err = new Error(`couldn't run ${shown}: ${r.spawnError}`);
      (err as NodeJS.ErrnoException).code = r.spawnErrorCode;
      throw err;
    }
    if (r.exitCode === null) throw new Error(`couldn't run ${shown} (killed by ${r.timedOut ? 'timeout' : (r.signal ?? 'a signal')})`);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  };
}

/** Runs argv on the host for a check: see commandRunner. */
export const runCommand = commandRunner(runOnHost);

/** True when the error says the program is not installed. */
export const isNotInstalled = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
