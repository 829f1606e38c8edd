import { lstat } from 'node:fs/promises';
import * as z from 'zod';
import { runOnHost, type RunResult } from '@ldm/core';
import { defineTool, refuse } from './tool-def';
import { approvalIdField, decisionSchema } from './common-schemas';
import type { ToolContext } from './tool-context';
import { APT_ENV, aptArgv, aptSummary, dpkgInterrupted, isLockContention, lastLines, PACKAGE_ACTIONS, packageProblem, type PackageAction } from '../packages/apt-argv';

const MAX_PACKAGES = 64;
const OUTPUT_LINES = 60;

const packageInput = z
  .object({
    action: z.enum(PACKAGE_ACTIONS).describe('update: refresh the package lists. install, remove, upgrade (all packages): change the host, asking the human first'),
    packages: z
      .array(z.string().min(1).max(256))
      .max(MAX_PACKAGES)
      .default([])
      .describe('Package names (name[:arch][=version]) or absolute paths to local .deb files (install only). Empty for update and upgrade'),
    ...approvalIdField,
  })
  .strict();

const packageOutput = z.object({
  action: z.string(),
  argv: z.array(z.string()).describe('What ran, exactly as the policy and the human saw it'),
  exit_code: z.number().nullable(),
  summary: z.string().nullable().describe("apt's \"N upgraded, N newly installed, N to remove and N not upgraded.\" line"),
  output: z.array(z.string()).describe(`apt's last ${OUTPUT_LINES} lines (stdout, then stderr)`),
  lock_retries: z.number().describe('Times apt was retried because another apt/dpkg held the lock'),
  decision: decisionSchema,
});

/** The packages as they will be passed to apt: a local .deb by its resolved path, once it is known to be a regular .deb file. */
async function resolvePackages(action: PackageAction, packages: string[], ctx: ToolContext): Promise<string[] | string> {
  if ((action === 'update' || action === 'upgrade') && packages.length) return `${action} takes no packages (upgrade is for all of them; to upgrade one, install it)`;
  if ((action === 'install' || action === 'remove') && !packages.length) return `${action} needs at least one package`;
  const out: string[] = [];
  for (const spec of packages) {
    const problem = packageProblem(action, spec);
    if (problem) return problem;
    if (!spec.startsWith('/')) {
      out.push(spec);
      continue;
    }
    const gate = await ctx.gate.path('package_action', spec, 'read', ctx.signal);
    if (!gate.allowed) return gate.message;
    const real = gate.decision.path;
    const st = await lstat(real).catch(() => null);
    if (!st?.isFile() || !real.endsWith('.deb')) return `${JSON.stringify(spec)} is not a regular .deb file (resolved: ${real})`;
    out.push(real);
  }
  return out;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Runs apt-get, retrying while another apt/dpkg holds the lock (apt then fails before changing
 * anything), for up to mcp.packageLockWaitSec. The client cancelling does not stop a running apt:
 * dpkg stopped half-way leaves the host needing `dpkg --configure -a`; only the timeout does.
 */
async function runApt(ctx: ToolContext, argv: string[]): Promise<{ r: RunResult; retries: number }> {
  const { packageTimeoutSec, packageLockWaitSec, outputMaxBytes } = ctx.deps.config.mcp;
  const run = ctx.deps.runHost ?? runOnHost;
  const giveUp = Date.now() + packageLockWaitSec * 1000;
  for (let retries = 0, pause = 1000; ; retries++, pause = Math.min(pause * 2, 10_000)) {
    const r = await run([ctx.deps.bin.aptGet, ...argv.slice(1)], { timeoutMs: packageTimeoutSec * 1000, maxOutputBytes: outputMaxBytes, env: APT_ENV });
    const busy = r.exitCode !== 0 && isLockContention(r.stderr + r.stdout);
    if (!busy || Date.now() + pause > giveUp || ctx.signal.aborted) return { r, retries };
    await sleep(pause, ctx.signal);
  }
}

/** Pure: the refusal for a failed apt run, ending with apt's own last lines. */
export function aptFailure(argv: string[], r: RunResult, retries: number, lockWaitSec: number): string {
  const shown = argv.join(' ');
  const tail = lastLines(r.stdout, r.stderr, 10).join(' | ');
  if (r.spawnError) return `${shown}: ${r.spawnError}`;
  if (isLockContention(r.stderr + r.stdout))
    return `Not done: the package manager is busy (another apt, dpkg or unattended-upgrades holds its lock; tried ${retries + 1} times over up to ${lockWaitSec}s). Nothing was changed; try again later. apt said: ${tail}`;
  const how = r.timedOut ? 'timed out and was stopped' : r.exitCode === null ? `killed by ${r.signal ?? 'a signal'}` : `exit code ${r.exitCode}`;
  const mend = r.timedOut || dpkgInterrupted(r.stderr + r.stdout) ? ' dpkg may be left half-done: a human should run `sudo dpkg --configure -a`.' : '';
  return `${shown} failed (${how}).${mend}${tail ? ` apt said: ${tail}` : ''}`;
}

export const packageAction = defineTool({
  name: 'package_action',
  title: 'Update, install, remove or upgrade packages',
  description:
    'Runs apt-get -y on the host (not in the sandbox) with a time limit. Changes (install, remove, upgrade) ask the ' +
    'human to approve the exact command first. Returns apt\'s summary line and last lines of output.',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  inputSchema: packageInput,
  outputSchema: packageOutput,
  handler: async (args, ctx) => {
    const packages = await resolvePackages(args.action, args.packages, ctx);
    if (typeof packages === 'string') return refuse(packages);
    const argv = aptArgv(args.action, packages, { installRecommends: ctx.deps.config.mcp.packageInstallRecommends });
    // The one call into the gate: the decision and any approval bind to this exact argv and cwd.
    const gate = await ctx.gate.command('package_action', { argv }, ctx.signal, '/');
    if (!gate.allowed) return refuse(gate.message, gate.audit);
    const { r, retries } = await runApt(ctx, argv);
    const audit = { ...gate.audit, exitCode: r.exitCode };
    if (r.exitCode !== 0) return refuse(aptFailure(argv, r, retries, ctx.deps.config.mcp.packageLockWaitSec), audit);
    return {
      structured: {
        action: args.action,
        argv,
        exit_code: r.exitCode,
        summary: aptSummary(r.stdout),
        output: lastLines(r.stdout, r.stderr, OUTPUT_LINES),
        lock_retries: retries,
        decision: { action: gate.audit.decision ?? 'allow', rule: gate.decision.rule, reason: gate.decision.reason },
      },
      audit,
    };
  },
});

export const PACKAGE_TOOLS = [packageAction];
