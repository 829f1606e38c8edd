import { commandEnvironment } from './command-env';
import { runProcess, type RunResult } from './run-process';

export interface HostRunOptions {
  /** After this the process group is killed. */
  timeoutMs: number;
  /** Bytes of stdout and of stderr kept (the tail). */
  maxOutputBytes: number;
  /** Aborting stops the process group like a timeout. */
  signal?: AbortSignal;
  /** Set on top of the host environment (e.g. DEBIAN_FRONTEND for apt-get). */
  env?: Record<string, string>;
}

/** Runs argv on the host, outside any sandbox; injected so tests can see or fake every call. */
export type HostRunner = (argv: string[], options: HostRunOptions) => Promise<RunResult>;

/**
 * Pure: the environment of every program run on the host. systemctl and journalctl neither page,
 * colour nor ask for a password on a terminal they do not have, and answer in English for the parsers.
 */
export function hostEnvironment(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...commandEnvironment(base), SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0', LC_ALL: 'C.UTF-8', ...extra };
}

/**
 * The one runner for programs the suite itself starts on the host: the MCP server's typed tools
 * (service_action, package_action, journal and unit queries), the health checks, and the
 * healthcheck's automatic remediation. argv without a shell, cwd /, capped output, bounded time;
 * it never rejects for the program's own failures (see RunResult.spawnError, timedOut).
 */
export const runOnHost: HostRunner = (argv, options) =>
  runProcess({
    argv,
    cwd: '/',
    env: hostEnvironment(process.env, options.env),
    maxBufferBytes: options.maxOutputBytes,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });

/** Pure: one line saying why a host program failed, ending with its last lines of output. */
export function failureText(what: string, r: RunResult, lines = 5): string {
  if (r.spawnError) return `${what}: ${r.spawnError}`;
  const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-lines).join(' | ');
  const how = r.timedOut ? 'timed out' : r.exitCode === null ? `killed by ${r.signal ?? 'a signal'}` : `exit code ${r.exitCode}`;
  return `${what}: ${how}${detail ? `: ${detail}` : ''}`;
}
