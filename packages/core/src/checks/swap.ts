import { readProcFile } from '../probe/proc-root';
import { parseMeminfo } from '../probe/meminfo';
import type { HealthCheck, CheckResult } from './types';
import { levelsOf, round1, statusAbove } from './levels';

const SMALL_HOST_BYTES = 2 * 1024 ** 3;

/**
 * On a host under 2 GB (the 1 GB micro shape) swap is what stands between a memory spike and the
 * OOM killer: missing swap warns, swap more than 80 % used warns (95 % crit). Bigger hosts: skipped,
 * unless `healthcheck.checks.swap.anySize` is true.
 */
export const swapCheck: HealthCheck = {
  id: 'swap',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    const levels = levelsOf(ctx.settings, { warn: 80, crit: 95 });
    const mem = parseMeminfo(await readProcFile(ctx.deps.proc, 'meminfo'));
    const mib = (b: number) => Math.round(b / 1048576);
    const small = mem.totalBytes < SMALL_HOST_BYTES || ctx.settings.anySize === true;
    if (!small) return { status: 'skipped', message: `not checked on a host with ${mib(mem.totalBytes)} MiB of RAM (2 GB or more)`, metrics: { swap_total_mib: mib(mem.swapTotalBytes) } };
    if (mem.swapTotalBytes === 0) {
      return {
        status: 'warn',
        message: `no swap on a host with ${mib(mem.totalBytes)} MiB of RAM`,
        metrics: { swap_total_mib: 0 },
        findings: [{ subject: 'swap', severity: 'warn', summary: 'no swap configured on a host with less than 2 GB of RAM' }],
      };
    }
    const usedPct = ((mem.swapTotalBytes - mem.swapFreeBytes) / mem.swapTotalBytes) * 100;
    const status = statusAbove(usedPct, levels);
    return {
      status,
      message: `swap ${round1(usedPct)}% used (${mib(mem.swapTotalBytes - mem.swapFreeBytes)} of ${mib(mem.swapTotalBytes)} MiB)`,
      metrics: { swap_used_pct: round1(usedPct), swap_total_mib: mib(mem.swapTotalBytes) },
      findings: status === 'ok' ? [] : [{ subject: 'swap', severity: status, summary: `swap is ${round1(usedPct)}% used`, checks: [{ kind: 'threshold', check: 'swap', metric: 'swap_used_pct', op: '<', value: levels.warn }] }],
    };
  },
};
