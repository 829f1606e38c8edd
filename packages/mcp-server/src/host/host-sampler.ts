import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cpuUtilization,
  listProcessStats,
  readCmdline,
  readCpuTimes,
  readDiskUsage,
  readLoadavg,
  readMeminfo,
  readMounts,
  readUptimeSeconds,
  type CpuTimes,
  type DiskUsage,
  type ProcSource,
  type ProcessStat,
} from '@ldm/core';

export interface ProcessRow {
  pid: number;
  ppid: number;
  user: string;
  state: string;
  cpu_percent: number | null;
  rss_bytes: number;
  command: string;
}

interface Sample {
  at: number;
  cpu: CpuTimes;
  ticks: Map<number, number>;
}

const CLK_TCK = 100;
const FIRST_SAMPLE_MS = 250;

/** Pure: "name:x:uid:..." lines -> uid -> name. */
export function parsePasswd(text: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2]!)) map.set(Number(f[2]), f[0]!);
  }
  return map;
}

/** Pure: CPU % of each process between two samples; 100 % = one core busy. */
export function processCpuPercents(before: Map<number, number>, after: ProcessStat[], elapsedMs: number): Map<number, number> {
  const out = new Map<number, number>();
  if (elapsedMs <= 0) return out;
  for (const p of after) {
    const prev = before.get(p.pid);
    if (prev === undefined || p.cpuTicks < prev) continue;
    out.set(p.pid, ((p.cpuTicks - prev) / CLK_TCK / (elapsedMs / 1000)) * 100);
  }
  return out;
}

/**
 * CPU figures are deltas: since the previous call when there was one, else over a short
 * sample taken now. Reads /proc directly; no ps, no systeminformation.
 */
export class HostSampler {
  private last: Sample | null = null;
  private pageSize: number | null = null;
  private users: Map<number, string> | null = null;

  constructor(private readonly proc: ProcSource) {}

  private async sample(): Promise<{ sample: Sample; procs: ProcessStat[] }> {
    const [cpu, procs] = await Promise.all([readCpuTimes(this.proc), listProcessStats(this.proc)]);
    return { sample: { at: Date.now(), cpu, ticks: new Map(procs.map((p) => [p.pid, p.cpuTicks])) }, procs };
  }

  /** Two samples apart in time (the previous call's, or one taken FIRST_SAMPLE_MS ago). */
  async deltas(): Promise<{ cpuPercent: number | null; cpuCount: number; intervalMs: number; procs: ProcessStat[]; procCpu: Map<number, number> }> {
    let before = this.last;
    // A previous sample older than 10 minutes says little about now.
    if (!before || Date.now() - before.at > 600_000) {
      before = (await this.sample()).sample;
      await new Promise((r) => setTimeout(r, FIRST_SAMPLE_MS));
    }
    const { sample, procs } = await this.sample();
    this.last = sample;
    const util = cpuUtilization(before.cpu, sample.cpu);
    const intervalMs = sample.at - before.at;
    return {
      cpuPercent: util === null ? null : Math.round(util * 1000) / 10,
      cpuCount: sample.cpu.cpuCount,
      intervalMs,
      procs,
      procCpu: processCpuPercents(before.ticks, procs, intervalMs),
    };
  }

  /** Bytes per page: 4 KiB on x86, often 64 KiB on arm64 kernels, so measure it from our own process. */
  async pageBytes(): Promise<number> {
    if (this.pageSize) return this.pageSize;
    try {
      const status = await readFile(join(this.proc.procRoot, 'self/status'), 'utf8');
      const statText = await readFile(join(this.proc.procRoot, 'self/stat'), 'utf8');
      const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
      const pages = Number(statText.slice(statText.lastIndexOf(')') + 2).split(' ')[21]);
      const guess = (rssKb * 1024) / pages;
      this.pageSize = [4096, 16384, 65536].reduce((a, b) => (Math.abs(b - guess) < Math.abs(a - guess) ? b : a));
    } catch {
      this.pageSize = 4096;
    }
    return this.pageSize;
  }

  async userOf(pid: number): Promise<string> {
    this.users ??= parsePasswd(await readFile('/etc/passwd', 'utf8').catch(() => ''));
    const uid = await stat(join(this.proc.procRoot, String(pid))).then((s) => s.uid, () => -1);
    return uid < 0 ? '?' : (this.users.get(uid) ?? String(uid));
  }

  async rows(procs: ProcessStat[], procCpu: Map<number, number>, sort: 'cpu' | 'memory' | 'pid', limit: number): Promise<ProcessRow[]> {
    const page = await this.pageBytes();
    const sorted = [...procs].sort((a, b) =>
      sort === 'pid' ? a.pid - b.pid : sort === 'memory' ? b.rssPages - a.rssPages : (procCpu.get(b.pid) ?? 0) - (procCpu.get(a.pid) ?? 0) || b.rssPages - a.rssPages,
    );
    return Promise.all(
      sorted.slice(0, limit).map(async (p) => ({
        pid: p.pid,
        ppid: p.ppid,
        user: await this.userOf(p.pid),
        state: p.state,
        cpu_percent: procCpu.has(p.pid) ? Math.round(procCpu.get(p.pid)! * 10) / 10 : null,
        rss_bytes: p.rssPages * page,
        command: ((await readCmdline(p.pid, this.proc)) || `[${p.comm}]`).slice(0, 300),
      })),
    );
  }

  async disks(): Promise<DiskUsage[]> {
    const mounts = await readMounts(this.proc).catch(() => []);
    const seen = new Set<string>();
    const out: DiskUsage[] = [];
    for (const m of mounts) {
      if (seen.has(m.device) && m.device !== 'none') continue;
      seen.add(m.device);
      const usage = await readDiskUsage(m.mountPoint).catch(() => null);
      if (usage && usage.totalBytes > 0) out.push(usage);
    }
    return out;
  }

  memory = () => readMeminfo(this.proc);
  load = () => readLoadavg(this.proc);
  uptime = () => readUptimeSeconds(this.proc);
}
