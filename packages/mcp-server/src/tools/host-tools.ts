import * as z from 'zod';
import { defineTool, READ_ONLY } from './tool-def';
import { readListeners, socketOwners } from '../host/net-listeners';
import { compareCodeUnits, readCmdline } from '@ldm/core';
import { offsetField, opsContextField } from './common-schemas';

const processRow = z.object({
  pid: z.number(),
  ppid: z.number(),
  user: z.string(),
  state: z.string(),
  cpu_percent: z.number().nullable().describe('Over the sampling interval; 100 = one core'),
  rss_bytes: z.number(),
  command: z.string(),
});

const disk = z.object({
  mount: z.string(),
  total_bytes: z.number(),
  available_bytes: z.number(),
  used_percent: z.number(),
  inodes_used_percent: z.number().nullable(),
});

const round1 = (n: number) => Math.round(n * 10) / 10;

export const systemStatus = defineTool({
  name: 'system_status',
  title: 'System status',
  description:
    'CPU (since the previous call, or over a 250 ms sample), memory, swap, disks, load, uptime, and the top processes by CPU and by memory. Read from /proc.',
  annotations: { ...READ_ONLY, idempotentHint: false },
  inputSchema: z.object({ top: z.number().int().min(1).max(50).default(5).describe('Processes per top list') }).strict(),
  outputSchema: z.object({
    cpu: z.object({ percent: z.number().nullable(), cores: z.number(), interval_ms: z.number() }),
    memory: z.object({ total_bytes: z.number(), available_bytes: z.number(), used_percent: z.number() }),
    swap: z.object({ total_bytes: z.number(), free_bytes: z.number(), used_percent: z.number() }),
    load: z.object({ load1: z.number(), load5: z.number(), load15: z.number() }),
    uptime_s: z.number(),
    disks: z.array(disk),
    top_cpu: z.array(processRow),
    top_memory: z.array(processRow),
    process_count: z.number(),
    ...opsContextField,
  }),
  handler: async ({ top }, ctx) => {
    const s = ctx.sampler;
    const [d, mem, load, uptime, disks] = await Promise.all([s.deltas(), s.memory(), s.load(), s.uptime(), s.disks()]);
    const [topCpu, topMem] = await Promise.all([s.rows(d.procs, d.procCpu, 'cpu', top), s.rows(d.procs, d.procCpu, 'memory', top)]);
    const ops = await ctx.ops.for([]);
    return {
      structured: {
        cpu: { percent: d.cpuPercent, cores: d.cpuCount, interval_ms: d.intervalMs },
        memory: {
          total_bytes: mem.totalBytes,
          available_bytes: mem.availableBytes,
          used_percent: mem.totalBytes ? round1(((mem.totalBytes - mem.availableBytes) / mem.totalBytes) * 100) : 0,
        },
        swap: {
          total_bytes: mem.swapTotalBytes,
          free_bytes: mem.swapFreeBytes,
          used_percent: mem.swapTotalBytes ? round1(((mem.swapTotalBytes - mem.swapFreeBytes) / mem.swapTotalBytes) * 100) : 0,
        },
        load: { load1: load.load1, load5: load.load5, load15: load.load15 },
        uptime_s: Math.round(uptime),
        disks: disks.map((k) => ({
          mount: k.path,
          total_bytes: k.totalBytes,
          available_bytes: k.availableBytes,
          used_percent: round1(k.usedPercent),
          inodes_used_percent: k.inodesUsedPercent === null ? null : round1(k.inodesUsedPercent),
        })),
        top_cpu: topCpu,
        top_memory: topMem,
        process_count: d.procs.length,
        ops_context: ops,
      },
    };
  },
});

export const listProcesses = defineTool({
  name: 'list_processes',
  title: 'List processes',
  description: 'Processes from /proc with user, state, CPU % (since the previous sample) and resident memory.',
  annotations: { ...READ_ONLY, idempotentHint: false },
  inputSchema: z
    .object({
      sort: z.enum(['cpu', 'memory', 'pid']).default('cpu').describe('Order'),
      limit: z.number().int().min(1).max(2000).default(30).describe('Rows returned'),
      ...offsetField,
    })
    .strict(),
  outputSchema: z.object({ processes: z.array(processRow), total: z.number() }),
  handler: async ({ sort, limit, offset }, ctx) => {
    const d = await ctx.sampler.deltas();
    const rows = await ctx.sampler.rows(d.procs, d.procCpu, sort, offset + limit);
    return { structured: { processes: rows.slice(offset), total: d.procs.length } };
  },
});

export const networkListeners = defineTool({
  name: 'network_listeners',
  title: 'Listening sockets',
  description:
    'TCP listening and UDP bound sockets from /proc/net, with the owning processes where this server may see them (all of them when it runs as root).',
  annotations: { ...READ_ONLY, idempotentHint: true },
  inputSchema: z.object({}).strict(),
  outputSchema: z.object({
    listeners: z.array(
      z.object({
        protocol: z.string(),
        address: z.string(),
        port: z.number(),
        uid: z.number(),
        processes: z.array(z.object({ pid: z.number(), command: z.string() })),
      }),
    ),
  }),
  handler: async (_args, ctx) => {
    const [listeners, owners] = await Promise.all([readListeners(ctx.deps.proc), socketOwners(ctx.deps.proc)]);
    const rows = await Promise.all(
      listeners
        .sort((a, b) => a.port - b.port || compareCodeUnits(a.protocol, b.protocol))
        .map(async (l) => ({
          protocol: l.protocol,
          address: l.address,
          port: l.port,
          uid: l.uid,
          processes: await Promise.all(
            (owners.get(l.inode) ?? []).map(async (pid) => ({ pid, command: (await readCmdline(pid, ctx.deps.proc)).slice(0, 200) })),
          ),
        })),
    );
    return { structured: { listeners: rows } };
  },
});

export const HOST_TOOLS = [systemStatus, listProcesses, networkListeners];
