import type { Finding, HealthCheck, CheckResult } from './types';
import { levelsOf, round1, statusAbove, worst } from './levels';
import { mountLabel, readFilesystems } from './filesystems';

/** Space used on every real mount; netdata's defaults: warn at 90 %, crit at 98 %. */
export const diskCheck: HealthCheck = {
  id: 'disk',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    const levels = levelsOf(ctx.settings, { warn: 90, crit: 98 });
    const { usage, errors } = await readFilesystems(ctx);
    if (usage.length === 0 && errors.length === 0) return { status: 'skipped', message: 'no disk-backed mounts', metrics: {} };
    let status: 'ok' | 'warn' | 'crit' = 'ok';
    const metrics: Record<string, number> = {};
    const findings: Finding[] = [];
    for (const u of usage) {
      metrics[`${mountLabel(u.path)}_used_pct`] = round1(u.usedPercent);
      const s = statusAbove(u.usedPercent, levels);
      status = worst(status, s);
      if (s !== 'ok') {
        findings.push({
          subject: `disk:${u.path}`,
          severity: s,
          summary: `filesystem ${u.path} is ${round1(u.usedPercent)}% full`,
          evidence: [`${u.path}: ${round1(u.usedPercent)}% used, ${Math.round(u.availableBytes / 1048576)} MiB available of ${Math.round(u.totalBytes / 1048576)} MiB`],
          checks: [{ kind: 'threshold', check: 'disk', metric: `${mountLabel(u.path)}_used_pct`, op: '<', value: levels.warn }],
        });
      }
    }
    const worstMount = [...usage].sort((a, b) => b.usedPercent - a.usedPercent)[0];
    const headline = findings.length
      ? findings.map((f) => f.summary.replace('filesystem ', '')).join(', ')
      : `${usage.length} filesystems below ${levels.warn}%${worstMount ? ` (fullest ${worstMount.path} ${round1(worstMount.usedPercent)}%)` : ''}`;
    const unreadable = errors.length ? `; couldn't read ${errors.join(', ')}` : '';
    return { status: errors.length && status === 'ok' ? 'warn' : status, message: headline + unreadable, metrics, findings };
  },
};
