import { readProcFile } from '../probe/proc-root';
import { parseMounts } from '../probe/mounts';
import { diskUsageFromStatfs, type DiskUsage } from '../probe/disk';
import type { CheckContext } from './types';

/**
 * Usage of every real mount (parseMounts drops pseudo filesystems). With LDM_PROC_ROOT pointing at
 * a fixture the mount points are still statfs'd through deps, which tests fake as well.
 * A mount that cannot be statfs'd (stale NFS, permission) is reported, not fatal.
 */
export async function readFilesystems(ctx: CheckContext): Promise<{ usage: DiskUsage[]; errors: string[] }> {
  const mounts = parseMounts(await readProcFile(ctx.deps.proc, 'self/mounts'));
  const results = await Promise.allSettled(mounts.map(async (m) => diskUsageFromStatfs(m.mountPoint, await ctx.deps.statfs(m.mountPoint))));
  const usage: DiskUsage[] = [];
  const errors: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') usage.push(r.value);
    else errors.push(`${mounts[i]!.mountPoint}: ${(r.reason as Error).message}`);
  });
  // Bind mounts of one filesystem show the same numbers; they are still listed, as df does.
  return { usage, errors };
}

/** Perfdata-friendly metric name for a mount point: "/" -> "root", "/var/log" -> "var_log". */
export function mountLabel(mountPoint: string): string {
  return mountPoint === '/' ? 'root' : mountPoint.replace(/^\//, '').replace(/[^\w.-]+/g, '_');
}
