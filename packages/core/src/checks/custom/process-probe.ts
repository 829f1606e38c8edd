import { readCmdline, readProcessStat, listProcessStats, type ProcessStat } from '../../probe/processes';
import { readUptimeSeconds } from '../../probe/loadavg';
import { round1, statusAbove, worst } from '../levels';
import type { CustomCheckOf } from './custom-check-config';
import type { Probe, ProbeResult } from './probe-result';

const PAGE = 4096;
const TICKS_PER_SEC = 100;
/** CPU ticks are remembered for this many processes at most. */
const MAX_TRACKED = 64;

export interface ProcessMemory {
  uptimeSec: number;
  ticks: Record<string, number>;
}

/** Pure: CPU % of one core used by `procs` since `before`, counting only processes seen both times. */
export function cpuPercent(procs: ProcessStat[], uptimeSec: number, before: ProcessMemory | undefined): number | undefined {
  if (!before || !(uptimeSec > before.uptimeSec)) return undefined;
  let ticks = 0;
  for (const p of procs) {
    const was = before.ticks[`${p.pid}:${p.startTicks}`];
    if (was !== undefined) ticks += Math.max(0, p.cpuTicks - was);
  }
  return (ticks / TICKS_PER_SEC / (uptimeSec - before.uptimeSec)) * 100;
}

async function matching(check: CustomCheckOf<'process'>, ctx: Parameters<Probe>[1]): Promise<ProcessStat[]> {
  const proc = ctx.deps.proc;
  if (check.pidfile) {
    const text = (await ctx.deps.readFile(check.pidfile).catch(() => '')).trim();
    const pid = Number(text);
    if (!/^\d+$/.test(text) || pid <= 0) return [];
    const stat = await readProcessStat(pid, proc);
    return stat && stat.state !== 'Z' ? [stat] : [];
  }
  const name = check.name!;
  // comm holds 15 characters; a longer name is looked for in the command line of those that start alike.
  const all = (await listProcessStats(proc)).filter((p) => p.state !== 'Z' && p.comm === name.slice(0, 15));
  if (name.length <= 15) return all;
  const lines = await Promise.all(all.map((p) => readCmdline(p.pid, proc)));
  return all.filter((_, i) => lines[i]!.includes(name));
}

/** Processes by name or pidfile, how many, and their CPU and memory (from /proc, no ps). */
export const processProbe: Probe<CustomCheckOf<'process'>> = async (check, ctx, previous): Promise<ProbeResult> => {
  const what = check.pidfile ? `pidfile ${check.pidfile}` : `process ${JSON.stringify(check.name)}`;
  const procs = await matching(check, ctx);
  const uptimeSec = await readUptimeSeconds(ctx.deps.proc);
  const memory: ProcessMemory = { uptimeSec, ticks: Object.fromEntries(procs.slice(0, MAX_TRACKED).map((p) => [`${p.pid}:${p.startTicks}`, p.cpuTicks])) };
  const metrics: Record<string, number> = { count: procs.length };
  if (procs.length < check.minCount) {
    return { status: check.severity, message: `${what}: ${procs.length} running, expected at least ${check.minCount}`, metrics, problem: 'not running', evidence: [`${what}: ${procs.map((p) => p.pid).join(', ') || 'no process'}`], memory };
  }
  const memMiB = round1((procs.reduce((n, p) => n + p.rssPages, 0) * PAGE) / 1_048_576);
  metrics.mem_mib = memMiB;
  const cpu = cpuPercent(procs, uptimeSec, previous as ProcessMemory | undefined);
  if (cpu !== undefined) metrics.cpu_pct = round1(cpu);
  const levels = [
    { s: check.memMiB ? statusAbove(memMiB, check.memMiB) : 'ok', problem: 'high memory' },
    { s: check.cpuPct && cpu !== undefined ? statusAbove(cpu, check.cpuPct) : 'ok', problem: 'high CPU' },
  ].filter((l) => l.s !== 'ok');
  const status = levels.reduce<ProbeResult['status']>((w, l) => worst(w, l.s), 'ok');
  const problems = levels.map((l) => l.problem);
  const message = `${what}: ${procs.length} running, ${memMiB} MiB${cpu !== undefined ? `, ${round1(cpu)}% CPU` : ''}`;
  return status === 'ok' ? { status, message, metrics, memory } : { status, message, metrics, problem: problems.join(', '), evidence: [message], memory };
};
