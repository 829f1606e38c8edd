import { runOnHost, type RunResult } from '@ldm/core';
import type { ToolContext } from './tool-context';

export { failureText } from '@ldm/core';

/** Runs systemctl/journalctl (argv, no shell) on the host with the same output cap as run_command. */
export function runSystem(ctx: ToolContext, argv: string[], timeoutMs = 30_000): Promise<RunResult> {
  return (ctx.deps.runHost ?? runOnHost)(argv, { timeoutMs, maxOutputBytes: ctx.deps.config.mcp.outputMaxBytes });
}
