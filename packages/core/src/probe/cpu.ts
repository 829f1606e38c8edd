import { readProcFile, DEFAULT_PROC, type ProcSource } from './proc-root';

/** Cumulative jiffies from the aggregate `cpu` line of /proc/stat. */
export interface CpuTimes {
  total: number;
  idle: number;
  /** Number of `cpuN` lines: the online CPUs. */
  cpuCount: number;
}

export function parseProcStat(text: string): CpuTimes {
  let aggregate: number[] | null = null;
  let cpuCount = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) aggregate = line.trim().split(/\s+/).slice(1).map(Number);
    else if (/^cpu\d+ /.test(line)) cpuCount++;
  }
  if (!aggregate || aggregate.length < 4 || aggregate.some((n) => !Number.isFinite(n))) {
    throw new Error('no usable aggregate "cpu" line in /proc/stat');
  }
  // user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user/nice]
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = aggregate;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, cpuCount: Math.max(cpuCount, 1) };
}

/** Busy fraction 0..1 between two readings; null when no time passed or the counters went back (reboot). */
export function cpuUtilization(previous: CpuTimes, current: CpuTimes): number | null {
  const total = current.total - previous.total;
  const idle = current.idle - previous.idle;
  if (total <= 0 || idle < 0 || idle > total) return null;
  return (total - idle) / total;
}

export async function readCpuTimes(source: ProcSource = DEFAULT_PROC): Promise<CpuTimes> {
  return parseProcStat(await readProcFile(source, 'stat'));
}
