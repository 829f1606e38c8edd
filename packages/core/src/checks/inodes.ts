import type { Finding, HealthCheck, CheckResult } from './types';
import { levelsOf, round1, statusAbove, worst } from './levels';
import { mountLabel, readFilesystems } from './filesystems';

/** Inodes used on every real mount; filesystems without inode counts (btrfs) are left out. */
export const inodesCheck: HealthCheck = {
  id: 'inodes',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    const levels = levelsOf(ctx.settings, { warn: 90, crit: 98 });
    const { usage } = await readFilesystems(ctx);
    const counted = usage.filter((u) => u.inodesUsedPercent !== null);
    if (counted.length === 0) return { status: 'skipped', message: 'no filesystem reports inode counts', metrics: {} };
    let status: 'ok' | 'warn' | 'crit' = 'ok';
    const metrics: Record<string, number> = {};
    const findings: Finding[] = [];
    for (const u of counted) {
      const pct = u.inodesUsedPercent!;
      metrics[`${mountLabel(u.path)}_inodes_pct`] = round1(pct);
      const s = statusAbove(pct, levels);
      status = worst(status, s);
      if (s !== 'ok') {
        findings.push({
          subject: `inodes:${u.path}`,
          severity: s,
          summary: `filesystem ${u.path} has used ${round1(pct)}% of its inodes`,
          evidence: [`${u.path}: ${u.inodesTotal - u.inodesFree} of ${u.inodesTotal} inodes used`],
          checks: [{ kind: 'threshold', check: 'inodes', metric: `${mountLabel(u.path)}_inodes_pct`, op: '<', value: levels.warn }],
        });
      }
    }
    const message = findings.length ? findings.map((f) => f.summary.replace('filesystem ', '')).join(', ') : `${counted.length} filesystems below ${levels.warn}% inodes`;
    return { status, message, metrics, findings };
  },
};
