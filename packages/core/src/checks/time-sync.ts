import { readProcFile } from '../probe/proc-root';
import { parseUptime } from '../probe/loadavg';
import type { HealthCheck, CheckResult } from './types';
import { isNotInstalled } from './run-command';

/** After a boot NTP needs a few minutes; an unsynchronized clock then is not news. */
const BOOT_GRACE_SEC = 600;

/** Pure: `timedatectl show -p NTP -p NTPSynchronized` as key=value pairs. */
export function parseTimedatectl(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]));
}

/**
 * Clock synchronized by NTP. systemd-timesyncd touches /run/systemd/timesync/synchronized once in
 * sync; otherwise timedatectl reports the kernel's view (which covers chrony and ntpd too).
 */
export const timeSyncCheck: HealthCheck = {
  id: 'time-sync',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    if (await ctx.deps.fileExists('/run/systemd/timesync/synchronized')) {
      return { status: 'ok', message: 'clock synchronized (systemd-timesyncd)', metrics: { ntp_synchronized: 1 } };
    }
    if (!(await ctx.deps.systemdRunning())) return { status: 'skipped', message: 'systemd is not running; no timedatectl', metrics: {} };
    let out;
    try {
      out = await ctx.deps.runCommand(['timedatectl', 'show', '-p', 'NTP', '-p', 'NTPSynchronized'], { signal: ctx.signal });
    } catch (err) {
      if (isNotInstalled(err)) return { status: 'skipped', message: 'timedatectl is not installed', metrics: {} };
      throw err;
    }
    if (out.exitCode !== 0) throw new Error(`timedatectl show exited ${out.exitCode}: ${out.stderr.trim()}`);
    const props = parseTimedatectl(out.stdout);
    if (props.NTPSynchronized === 'yes') return { status: 'ok', message: 'clock synchronized', metrics: { ntp_synchronized: 1 } };
    const uptime = parseUptime(await readProcFile(ctx.deps.proc, 'uptime'));
    if (uptime < BOOT_GRACE_SEC) return { status: 'ok', message: `clock not synchronized yet, booted ${Math.round(uptime)} s ago`, metrics: { ntp_synchronized: 0 } };
    const why = props.NTP === 'no' ? 'NTP is disabled (timedatectl set-ntp true)' : 'NTP is enabled but not synchronized';
    return {
      status: 'warn',
      message: `clock not synchronized: ${why}`,
      metrics: { ntp_synchronized: 0 },
      findings: [{ subject: 'time-sync', severity: 'warn', summary: `system clock is not synchronized: ${why}` }],
    };
  },
};
