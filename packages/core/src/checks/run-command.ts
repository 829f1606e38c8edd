import { execFile } from 'node:child_process';
import type { CommandResult, RunCommandOptions } from './types';

const MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * execFile without a shell, C locale (the parsers read English output), bounded in time and
 * output. A non-zero exit is a result, not an error; a program that is not installed rejects
 * with code ENOENT so callers can report "skipped" rather than "failed".
 */
export function runCommand(argv: string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('runCommand: empty argv'));
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: MAX_OUTPUT,
        signal: options.signal,
        env: { ...process.env, LC_ALL: 'C', SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' },
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code === 'number') return resolve({ stdout, stderr, exitCode: err.code });
        if (err) {
          const killed = err.killed || err.signal ? ` (killed by ${err.signal ?? 'timeout'})` : '';
          const wrapped = new Error(`couldn't run ${JSON.stringify(argv.join(' '))}${killed}: ${err.message}`, { cause: err });
          (wrapped as NodeJS.ErrnoException).code = typeof err.code === 'string' ? err.code : undefined;
          return reject(wrapped);
        }
        resolve({ stdout, stderr, exitCode: 0 });
      },
    );
  });
}

/** True when the error says the program is not installed. */
export const isNotInstalled = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
