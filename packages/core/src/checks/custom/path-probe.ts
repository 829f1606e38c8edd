import { stat } from 'node:fs/promises';
import { diskUsageFromStatfs } from '../../probe/disk';
import { round1, statusAbove, statusBelow, worst } from '../levels';
import type { CustomCheckOf } from './custom-check-config';
import type { Probe, ProbeResult } from './probe-result';

/** A path exists, is fresh enough (age) and its filesystem has room (free %). */
export const pathProbe: Probe<CustomCheckOf<'path'>> = async (check, ctx): Promise<ProbeResult> => {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(check.path)).mtimeMs;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') throw new Error(`couldn't stat ${check.path}`, { cause: err });
    return { status: check.severity, message: `${check.path} does not exist`, metrics: {}, problem: 'path missing', evidence: [`${check.path}: ${e.code}`] };
  }
  const metrics: Record<string, number> = {};
  let status: ProbeResult['status'] = 'ok';
  const problems: string[] = [];
  const notes: string[] = [];
  if (check.ageSec) {
    const age = Math.max(0, Math.round((ctx.deps.now().getTime() - mtimeMs) / 1000));
    metrics.age_sec = age;
    const s = statusAbove(age, check.ageSec);
    notes.push(`modified ${age} s ago`);
    if (s !== 'ok') {
      status = worst(status, s);
      problems.push('too old');
    }
  }
  if (check.freePct) {
    const usage = diskUsageFromStatfs(check.path, await ctx.deps.statfs(check.path));
    const free = round1(100 - usage.usedPercent);
    metrics.free_pct = free;
    const s = statusBelow(free, check.freePct);
    notes.push(`${free}% free`);
    if (s !== 'ok') {
      status = worst(status, s);
      problems.push('low free space');
    }
  }
  const message = `${check.path}: ${notes.join(', ') || 'exists'}`;
  return status === 'ok' ? { status, message, metrics } : { status, message, metrics, problem: problems.join(', '), evidence: [message] };
};
