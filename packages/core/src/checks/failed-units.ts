import type { HealthCheck, CheckResult } from './types';
import { isNotInstalled } from './run-command';
import { parseFailedUnits } from '../systemd/systemctl-output';


/** systemd units in the failed state; `healthcheck.checks.failed-units.ignore` lists units to leave out. */
export const failedUnitsCheck: HealthCheck = {
  id: 'failed-units',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    if (!(await ctx.deps.systemdRunning())) return { status: 'skipped', message: 'systemd is not running (not PID 1)', metrics: {} };
    let out;
    try {
      out = await ctx.deps.runCommand(['systemctl', 'list-units', '--failed', '--plain', '--no-legend', '--no-pager'], { signal: ctx.signal });
    } catch (err) {
      if (isNotInstalled(err)) return { status: 'skipped', message: 'systemctl is not installed', metrics: {} };
      throw err;
    }
    if (out.exitCode !== 0) throw new Error(`systemctl list-units --failed exited ${out.exitCode}: ${out.stderr.trim()}`);
    const ignore = Array.isArray(ctx.settings.ignore) ? (ctx.settings.ignore as string[]) : [];
    const failed = parseFailedUnits(out.stdout).map((row) => row.unit).filter((u) => !ignore.includes(u));
    if (failed.length === 0) return { status: 'ok', message: 'no failed units', metrics: { failed_units: 0 } };
    const severity = typeof ctx.settings.crit === 'number' && failed.length >= ctx.settings.crit ? 'crit' : 'warn';
    const lines = out.stdout.split('\n');
    return {
      status: severity,
      message: `failed: ${failed.join(', ')}`,
      metrics: { failed_units: failed.length },
      // The unit name is the subject, so a learned "systemctl restart <unit>" attaches to the right unit.
      findings: failed.map((unit) => ({
        subject: unit,
        severity,
        summary: `unit ${unit} has failed`,
        evidence: lines.filter((l) => l.includes(unit)).map((l) => l.trim()).slice(0, 1),
        stateOnly: true,
      })),
    };
  },
};
