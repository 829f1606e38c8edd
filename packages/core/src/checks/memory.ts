import { readProcFile } from '../probe/proc-root';
import { parseMeminfo } from '../probe/meminfo';
import type { HealthCheck, CheckResult } from './types';
import { levelsOf, round1, statusBelow } from './levels';

/** MemAvailable as a share of MemTotal: warn at or below 10 %, crit at or below 5 %. */
export const memoryCheck: HealthCheck = {
  id: 'memory',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    const levels = levelsOf(ctx.settings, { warn: 10, crit: 5 });
    const mem = parseMeminfo(await readProcFile(ctx.deps.proc, 'meminfo'));
    const availablePct = mem.totalBytes > 0 ? (mem.availableBytes / mem.totalBytes) * 100 : 0;
    const status = statusBelow(availablePct, levels);
    const mib = (b: number) => Math.round(b / 1048576);
    return {
      status,
      message: `${round1(availablePct)}% memory available (${mib(mem.availableBytes)} of ${mib(mem.totalBytes)} MiB)`,
      metrics: { available_pct: round1(availablePct), available_mib: mib(mem.availableBytes), total_mib: mib(mem.totalBytes) },
      findings:
        status === 'ok'
          ? []
          : [{ subject: 'memory', severity: status, summary: `memory available is down to ${round1(availablePct)}%`, evidence: [`MemAvailable ${mib(mem.availableBytes)} MiB of ${mib(mem.totalBytes)} MiB`], checks: [{ kind: 'threshold', check: 'memory', metric: 'available_pct', op: '>', value: levels.warn }] }],
    };
  },
};
