import { runProcess, type RunResult } from '@ldm/core';
import type { ToolContext } from './tool-context';

/** Runs systemctl/journalctl (argv, no shell) with the same caps as run_command. */
export function runSystem(ctx: ToolContext, argv: string[], timeoutMs = 30_000): Promise<RunResult> {
  return runProcess({
    argv,
    cwd: '/',
    // Keeps systemctl from paging or asking for a password on a terminal it does not have.
    env: { ...process.env, SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0', LC_ALL: 'C.UTF-8' },
    maxBufferBytes: ctx.deps.config.mcp.outputMaxBytes,
    timeoutMs,
  });
}

/** One line saying why a system tool failed, for an isError result. */
export function failureText(what: string, r: RunResult): string {
  if (r.spawnError) return `${what}: ${r.spawnError}`;
  if (r.timedOut) return `${what}: timed out`;
  const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-5).join(' | ');
  return `${what}: exit code ${r.exitCode}${detail ? `: ${detail}` : ''}`;
}
