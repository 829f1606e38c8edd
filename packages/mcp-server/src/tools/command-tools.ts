import * as z from 'zod';
import { runProcess, startProcess, JobLimitError, bashArgv, commandEnvironment, type CommandDecision, type Launch } from '@ldm/core';
import { defineTool, READ_ONLY, refuse, type ToolOutcome } from './tool-def';
import type { AuditFacts } from '../audit/audit-facts';
import { approvalIdField, decisionSchema, opsContextField } from './common-schemas';
import { sha256Hex } from '../approvals/approval-action';
import type { ToolContext } from './tool-context';
import type { ActionExtra } from '../policy/policy-gate';

const runInput = z
  .object({
    command: z.string().min(1).max(100_000).optional().describe('Shell command line, run with bash -c'),
    argv: z.array(z.string().max(100_000)).min(1).max(1000).optional().describe('Program and arguments, run without a shell'),
    cwd: z.string().max(4096).optional().describe('Working directory (default: /)'),
    timeout_s: z.number().positive().max(86_400).optional().describe('Seconds before the process group is stopped (default from config)'),
    stdin: z.string().max(1_048_576).optional().describe('Text written to the command\'s stdin'),
    on_timeout: z
      .enum(['kill', 'background'])
      .optional()
      .describe('At the timeout: kill (default) or keep it running as a job'),
    background: z.boolean().optional().describe('Start as a background job and return its id'),
    detach: z.boolean().optional().describe("A job keeps running after this session ends"),
    host: z
      .boolean()
      .optional()
      .describe('Run on the host, outside the sandbox, once the human approves this exact command'),
    ...approvalIdField,
  })
  .strict();

const runOutput = z.object({
  exit_code: z.number().nullable().describe('null when a signal ended it, it timed out, or it is still running as a job'),
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  stdout_truncated: z.boolean().describe('Only the tail of stdout is shown'),
  stderr_truncated: z.boolean(),
  duration_ms: z.number(),
  timed_out: z.boolean(),
  job_id: z.string().nullable().describe('Set when the command runs on as a background job'),
  sandbox: z.string().nullable().describe('Where it ran: systemd or bubblewrap (contained), or null on the host'),
  note: z.string().nullable().describe('How it ended when the status cannot say, e.g. "killed: memory cap 512M"'),
  decision: decisionSchema,
  ...opsContextField,
});

function argvOf(args: { command?: string; argv?: string[] }, bash: string): { argv: string[]; display: string; input: { command: string } | { argv: string[] } } | string {
  if (args.command !== undefined && args.argv !== undefined) return 'give either command or argv, not both';
  if (args.command !== undefined) return { argv: bashArgv(bash, args.command), display: args.command, input: { command: args.command } };
  if (args.argv !== undefined) return { argv: args.argv, display: args.argv.join(' '), input: { argv: args.argv } };
  return 'give command (a shell command line) or argv (a program and its arguments)';
}

function timeoutMs(ctx: ToolContext, timeout_s: number | undefined): number {
  const { defaultTimeoutSec, maxTimeoutSec } = ctx.deps.config.mcp;
  return Math.min(timeout_s ?? defaultTimeoutSec, maxTimeoutSec) * 1000;
}

export const runCommand = defineTool({
  name: 'run_command',
  title: 'Run a command',
  description:
    'Runs a command in a sandbox: unprivileged and read-only (logs, journal, /etc without secrets, processes; writes ' +
    'only its own /tmp; memory and task caps). Returns exit code, stdout and stderr (tails, capped) and the policy ' +
    'decision. To change the host use service_action, write_file, or host: true, which asks the human. A timeout ' +
    'stops all it started unless it continues as a background job (job_output).',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  containedInReadOnly: true,
  inputSchema: runInput,
  outputSchema: runOutput,
  handler: async (args, ctx) => {
    const spec = argvOf(args, ctx.deps.bin.bash);
    if (typeof spec === 'string') return refuse(`Invalid arguments: ${spec}.`);
    const cwd = args.cwd ?? '/';
    if (!cwd.startsWith('/') || /[\0-\x1f\x7f]/.test(cwd)) return refuse(`Invalid arguments: cwd must be an absolute path without control characters, got ${JSON.stringify(cwd)}.`);
    // What is piped in changes what runs: an approval binds it too.
    const stdin = args.stdin === undefined ? undefined : { subject: { stdin_sha256: sha256Hex(args.stdin), stdin_chars: args.stdin.length }, preview: args.stdin.slice(0, 1000) };
    const place = args.host ? await onHost(spec.input, cwd, ctx, stdin) : await inSandbox(spec.input, cwd, ctx);
    if ('refusal' in place) return place.refusal;
    const { gate, launch, backend, notes } = place;
    const decision = { action: gate.audit.decision ?? 'allow', rule: gate.decision.rule, reason: gate.decision.reason };
    const { mcp } = ctx.deps.config;
    const common = { argv: spec.argv, cwd, env: commandEnvironment(process.env), ...(args.stdin !== undefined ? { stdin: args.stdin } : {}) };
    if (args.background) {
      try {
        const job = ctx.deps.jobs.start(spec.display, common, launch, ctx.jobOwner, Boolean(args.detach));
        return {
          structured: {
            exit_code: null, signal: null, stdout: '', stderr: '', stdout_truncated: false, stderr_truncated: false,
            duration_ms: 0, timed_out: false, job_id: job.id, sandbox: backend, note: null, decision, ops_context: null,
          },
          audit: { ...gate.audit, exitCode: null },
          notes: [...notes, `Started as background job ${job.id}; read it with job_output {id: "${job.id}"}.`],
        };
      } catch (err) {
        if (err instanceof JobLimitError) return refuse(err.message, gate.audit);
        throw err;
      }
    }
    const stopProgress = ctx.progress(`running: ${spec.display.slice(0, 200)}`);
    const result = await runProcess({
      ...common,
      maxBufferBytes: mcp.outputMaxBytes,
      timeoutMs: timeoutMs(ctx, args.timeout_s),
      onTimeout: args.on_timeout === 'background' ? 'background' : 'kill',
      signal: ctx.signal,
      launch,
    }).finally(stopProgress);
    if (result.spawnError) return refuse(`${result.spawnError} (cwd ${cwd})`, { ...gate.audit, exitCode: null });
    let jobId: string | null = null;
    if (result.running) {
      try {
        jobId = ctx.deps.jobs.adopt(spec.display, result.running, ctx.jobOwner, Boolean(args.detach)).id;
        notes.push(`Timed out and continues as background job ${jobId}; read it with job_output {id: "${jobId}"}.`);
      } catch (err) {
        notes.push(`Timed out and was stopped: ${(err as Error).message}.`);
      }
    } else if (result.timedOut) notes.push(`Timed out after ${timeoutMs(ctx, args.timeout_s) / 1000}s; the process group was stopped (TERM, then KILL).`);
    if (result.note) notes.push(result.note);
    const ops = await ctx.ops.for([result.stdout, result.stderr]);
    return {
      structured: {
        exit_code: result.exitCode,
        signal: result.signal,
        stdout: result.stdout,
        stderr: result.stderr,
        stdout_truncated: result.stdoutTruncated,
        stderr_truncated: result.stderrTruncated,
        duration_ms: result.durationMs,
        timed_out: result.timedOut,
        job_id: jobId,
        sandbox: backend,
        note: result.note ?? null,
        decision,
        ops_context: ops,
      },
      audit: { ...gate.audit, exitCode: result.exitCode },
      notes,
    };
  },
});

type CommandInput = { command: string } | { argv: string[] };
type Gated = { gate: { decision: CommandDecision; audit: AuditFacts }; launch: Launch; backend: string | null; notes: string[] };

/** host: true: the human approves this exact command and cwd (gate.hostCommand); it runs as the server does. */
async function onHost(input: CommandInput, cwd: string, ctx: ToolContext, extra?: ActionExtra): Promise<Gated | { refusal: ToolOutcome<never> }> {
  const gate = await ctx.gate.hostCommand('run_command', input, cwd, ctx.signal, extra);
  if (!gate.allowed) return { refusal: refuse(gate.message, gate.audit) };
  return { gate, launch: startProcess, backend: null, notes: ['Ran on the host, outside the sandbox.'] };
}

/** The default: the kernel contains the command; the parser only refuses its deny list. */
async function inSandbox(input: CommandInput, cwd: string, ctx: ToolContext): Promise<Gated | { refusal: ToolOutcome<never> }> {
  const gate = await ctx.gate.sandboxedCommand('run_command', input, cwd);
  if (!gate.allowed) return { refusal: refuse(gate.message, gate.audit) };
  const notes: string[] = [];
  if (gate.hostChange) {
    notes.push(
      `The policy reads this as a change to the host (${gate.decision.reason}); inside the read-only sandbox it cannot take effect. ` +
        'To change the host, use the typed tool (service_action, write_file) or run_command with host: true, which asks the human.',
    );
  }
  const choice = await ctx.deps.sandbox();
  if ('sandbox' in choice) return { gate, launch: choice.sandbox.launch, backend: choice.sandbox.backend, notes };
  if (ctx.deps.config.policy.mode !== 'unrestricted') return { refusal: refuse(`Not run: ${choice.unavailable}`, { ...gate.audit, decision: 'refused:no-sandbox' }) };
  notes.push(`Ran without a sandbox (policy.mode is unrestricted): ${choice.unavailable}`);
  return { gate, launch: startProcess, backend: null, notes };
}

const jobInfo = z.object({
  id: z.string(),
  command: z.string(),
  pid: z.number().nullable(),
  state: z.enum(['running', 'exited', 'killed', 'failed']),
  started_at: z.string(),
  exit_code: z.number().nullable(),
  signal: z.string().nullable(),
  note: z.string().nullable().describe('How it ended when the status cannot say, e.g. "killed: memory cap 512M"'),
  duration_ms: z.number(),
  stdout_bytes: z.number(),
  stderr_bytes: z.number(),
  detached: z.boolean().describe('Outlives the session that started it'),
});

function toJobInfo(j: ReturnType<ToolContext['deps']['jobs']['status']>): z.infer<typeof jobInfo> {
  return {
    id: j.id, command: j.command, pid: j.pid, state: j.state, started_at: j.startedAt, exit_code: j.exitCode,
    signal: j.signal, note: j.note, duration_ms: j.durationMs, stdout_bytes: j.stdoutBytes, stderr_bytes: j.stderrBytes, detached: j.detached,
  };
}

const jobId = z.object({ id: z.string().max(64).describe('Job id from run_command or list_jobs') }).strict();

function missing(err: unknown) {
  return refuse((err as Error).message);
}

export const jobStatus = defineTool({
  name: 'job_status',
  title: 'Background job status',
  description: 'State, exit code and output sizes of one background job.',
  annotations: { ...READ_ONLY, idempotentHint: false },
  inputSchema: jobId,
  outputSchema: jobInfo,
  handler: async ({ id }, ctx) => {
    try {
      return { structured: toJobInfo(ctx.deps.jobs.status(id, ctx.jobOwner)) };
    } catch (err) {
      return missing(err);
    }
  },
});

export const jobOutput = defineTool({
  name: 'job_output',
  title: 'Background job output',
  description:
    'Output of a background job from byte offsets on; pass back `next` to read only what is new. Pages end at line ' +
    'breaks; only the tail of a long output is kept (`skipped` says how much was dropped).',
  annotations: { ...READ_ONLY, idempotentHint: false },
  inputSchema: z
    .object({
      id: z.string().max(64).describe('Job id'),
      offset: z.number().int().min(0).optional().describe('Byte offset into stdout'),
      stderr_offset: z.number().int().min(0).optional().describe('Byte offset into stderr'),
    })
    .strict(),
  outputSchema: z.object({
    id: z.string(),
    state: z.enum(['running', 'exited', 'killed', 'failed']),
    stdout: z.string(),
    stderr: z.string(),
    next: z.object({ stdout: z.number(), stderr: z.number() }).describe('Offsets to pass back for the next page'),
    skipped: z
      .object({ stdout: z.number(), stderr: z.number() })
      .describe('Bytes between the requested offset and the start of the page: dropped from the buffer, or passed over to begin at a line start'),
    ...opsContextField,
  }),
  handler: async ({ id, offset, stderr_offset }, ctx) => {
    let out;
    try {
      out = ctx.deps.jobs.output(id, { stdout: offset, stderr: stderr_offset }, ctx.deps.config.mcp.outputMaxBytes, ctx.jobOwner);
    } catch (err) {
      return missing(err);
    }
    const ops = await ctx.ops.for([out.stdout, out.stderr]);
    return { structured: { id: out.id, state: out.state, stdout: out.stdout, stderr: out.stderr, next: out.next, skipped: out.skipped, ops_context: ops } };
  },
});

export const jobKill = defineTool({
  name: 'job_kill',
  title: 'Stop a background job',
  description: 'Stops a background job: TERM to everything it started (its sandbox unit or process group), KILL after a grace period.',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  inputSchema: jobId,
  outputSchema: jobInfo,
  handler: async ({ id }, ctx) => {
    try {
      return { structured: toJobInfo(ctx.deps.jobs.kill(id, ctx.jobOwner)), audit: { decision: 'allow', rule: 'own-job' } };
    } catch (err) {
      return missing(err);
    }
  },
});

export const listJobs = defineTool({
  name: 'list_jobs',
  title: 'List background jobs',
  description: "This session's background jobs, and detached ones left by ended sessions of the same client.",
  annotations: { ...READ_ONLY, idempotentHint: false },
  inputSchema: z.object({}).strict(),
  outputSchema: z.object({ jobs: z.array(jobInfo), max_jobs: z.number() }),
  handler: async (_args, ctx) => ({ structured: { jobs: ctx.deps.jobs.list(ctx.jobOwner).map(toJobInfo), max_jobs: ctx.deps.jobs.limits.maxJobs } }),
});

export const COMMAND_TOOLS = [runCommand, jobStatus, jobOutput, jobKill, listJobs];
