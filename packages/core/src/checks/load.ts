import { readProcFile } from '../probe/proc-root';
import { parseLoadavg } from '../probe/loadavg';
import { parseProcStat } from '../probe/cpu';
import type { HealthCheck, CheckResult } from './types';
import { levelsOf, round1 } from './levels';

/**
 * load15 per CPU: warn above 2 x the CPU count, crit above 4 x. The 15-minute figure, so a burst
 * (a build, apt) does not page anyone; CPUs are the `cpuN` lines of /proc/stat.
 */
export const loadCheck: HealthCheck = {
  id: 'load',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    const levels = levelsOf(ctx.settings, { warn: 2, crit: 4 });
    const [loadText, statText] = await Promise.all([readProcFile(ctx.deps.proc, 'loadavg'), readProcFile(ctx.deps.proc, 'stat')]);
    const load = parseLoadavg(loadText);
    const cpus = parseProcStat(statText).cpuCount;
    const perCpu = load.load15 / cpus;
    // "Above 2 x": strictly greater, unlike the >= of the percentage checks.
    const status = perCpu > levels.crit ? 'crit' : perCpu > levels.warn ? 'warn' : 'ok';
    return {
      status,
      message: `load15 ${load.load15} on ${cpus} CPU${cpus > 1 ? 's' : ''} (${round1(perCpu)} per CPU)`,
      metrics: { load1: load.load1, load5: load.load5, load15: load.load15, cpus, load15_per_cpu: round1(perCpu) },
      findings: status === 'ok' ? [] : [{ subject: 'load', severity: status, summary: `load15 is ${round1(perCpu)} per CPU, above ${levels.warn} x the CPU count`, checks: [{ kind: 'threshold', check: 'load', metric: 'load15_per_cpu', op: '<=', value: levels.warn }] }],
    };
  },
};
