import * as z from 'zod';
import { defineTool, READ_ONLY, refuse } from './tool-def';
import { approvalIdField, decisionSchema, opsContextField } from './common-schemas';
import { parseFailedUnits, parseShow } from '@ldm/core';
import { journalArgv, normalizeUnit } from '../systemd/systemd-args';
import { failureText, runSystem } from './run-system';
import type { ToolContext } from './tool-context';

const SHOW_PROPS = [
  'Id', 'Description', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'Result', 'MainPID', 'ExecMainStatus',
  'ActiveEnterTimestamp', 'InactiveEnterTimestamp', 'NRestarts', 'FragmentPath', 'MemoryCurrent',
];

const unitInput = z.string().min(1).max(256).describe('Unit name, e.g. nginx or nginx.service');

const statusSchema = z.object({
  unit: z.string(),
  description: z.string(),
  load_state: z.string(),
  active_state: z.string(),
  sub_state: z.string(),
  unit_file_state: z.string(),
  result: z.string(),
  main_pid: z.number().nullable(),
  exit_status: z.number().nullable(),
  active_since: z.string(),
  restarts: z.number().nullable(),
  fragment_path: z.string(),
  memory_bytes: z.number().nullable(),
});

const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);

async function unitStatus(ctx: ToolContext, unit: string): Promise<z.infer<typeof statusSchema> | string> {
  const r = await runSystem(ctx, [ctx.deps.bin.systemctl, 'show', `--property=${SHOW_PROPS.join(',')}`, '--', unit]);
  if (r.exitCode !== 0) return failureText(`systemctl show ${unit}`, r);
  const p = parseShow(r.stdout);
  return {
    unit: p.Id || unit,
    description: p.Description ?? '',
    load_state: p.LoadState ?? '',
    active_state: p.ActiveState ?? '',
    sub_state: p.SubState ?? '',
    unit_file_state: p.UnitFileState ?? '',
    result: p.Result ?? '',
    main_pid: num(p.MainPID) || null,
    exit_status: num(p.ExecMainStatus),
    active_since: p.ActiveEnterTimestamp ?? '',
    restarts: num(p.NRestarts),
    fragment_path: p.FragmentPath ?? '',
    memory_bytes: num(p.MemoryCurrent),
  };
}

async function recentLog(ctx: ToolContext, unit: string, lines: number): Promise<string[]> {
  const r = await runSystem(ctx, journalArgv(ctx.deps.bin.journalctl, { unit, lines }));
  return r.exitCode === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

export const serviceStatus = defineTool({
  name: 'service_status',
  title: 'Service status',
  description: 'State of a systemd unit (active/sub state, result, main PID, restarts, memory) and its last journal lines.',
  annotations: { ...READ_ONLY, idempotentHint: false },
  inputSchema: z.object({ unit: unitInput, log_lines: z.number().int().min(0).max(200).default(15).describe('Journal lines to include') }).strict(),
  outputSchema: statusSchema.extend({ recent_log: z.array(z.string()), ...opsContextField }),
  handler: async (args, ctx) => {
    let unit: string;
    try {
      unit = normalizeUnit(args.unit);
    } catch (err) {
      return refuse((err as Error).message);
    }
    const status = await unitStatus(ctx, unit);
    if (typeof status === 'string') return refuse(status);
    const log = args.log_lines ? await recentLog(ctx, unit, args.log_lines) : [];
    const ops = await ctx.ops.for(log, unit);
    return { structured: { ...status, recent_log: log, ops_context: ops } };
  },
});

export const serviceAction = defineTool({
  name: 'service_action',
  title: 'Start, stop, restart or reload a service',
  description:
    "Runs systemctl on a unit under the command policy (the suite's own units cannot be stopped; stopping asks the " +
    "human). Returns systemctl's result and the unit's state afterwards.",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  inputSchema: z.object({ unit: unitInput, action: z.enum(['start', 'stop', 'restart', 'reload']).describe('What systemctl does'), ...approvalIdField }).strict(),
  outputSchema: z.object({
    unit: z.string(),
    action: z.string(),
    exit_code: z.number().nullable(),
    stderr: z.string(),
    status: statusSchema.nullable(),
    recent_log: z.array(z.string()),
    decision: decisionSchema,
    ...opsContextField,
  }),
  handler: async (args, ctx) => {
    let unit: string;
    try {
      unit = normalizeUnit(args.unit);
    } catch (err) {
      return refuse((err as Error).message);
    }
    const gate = await ctx.gate.command('service_action', { argv: ['systemctl', args.action, unit] }, ctx.signal);
    if (!gate.allowed) return refuse(gate.message, gate.audit);
    const r = await runSystem(ctx, [ctx.deps.bin.systemctl, args.action, '--', unit], 120_000);
    if (r.spawnError) return refuse(failureText(`systemctl ${args.action} ${unit}`, r), gate.audit);
    const status = await unitStatus(ctx, unit);
    const log = await recentLog(ctx, unit, 10);
    const ops = await ctx.ops.for([r.stderr, ...log], unit);
    return {
      structured: {
        unit,
        action: args.action,
        exit_code: r.exitCode,
        stderr: r.stderr,
        status: typeof status === 'string' ? null : status,
        recent_log: log,
        decision: { action: gate.audit.decision ?? 'allow', rule: gate.decision.rule, reason: gate.decision.reason },
        ops_context: ops,
      },
      audit: { ...gate.audit, exitCode: r.exitCode },
      notes: r.exitCode === 0 ? [] : [failureText(`systemctl ${args.action} ${unit}`, r)],
    };
  },
});

export const listFailedUnits = defineTool({
  name: 'list_failed_units',
  title: 'List failed units',
  description: 'systemd units in the failed state.',
  annotations: { ...READ_ONLY, idempotentHint: false },
  inputSchema: z.object({}).strict(),
  outputSchema: z.object({
    units: z.array(z.object({ unit: z.string(), load: z.string(), active: z.string(), sub: z.string(), description: z.string() })),
    ...opsContextField,
  }),
  handler: async (_args, ctx) => {
    const r = await runSystem(ctx, [ctx.deps.bin.systemctl, 'list-units', '--failed', '--all', '--plain', '--no-legend', '--no-pager']);
    if (r.exitCode !== 0) return refuse(failureText('systemctl list-units --failed', r));
    const units = parseFailedUnits(r.stdout);
    const ops = await ctx.ops.for(units.map((u) => `${u.unit} failed: ${u.description}`));
    return { structured: { units, ops_context: ops } };
  },
});

export const SERVICE_TOOLS = [serviceStatus, serviceAction, listFailedUnits];
