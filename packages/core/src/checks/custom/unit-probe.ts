import { parseShow } from '../../systemd/systemctl-output';
import { statusAbove } from '../levels';
import type { CustomCheckOf } from './custom-check-config';
import { probeSignal, type Probe, type ProbeResult } from './probe-result';

/** Pure: the verdict on a unit's properties, given NRestarts at the previous run. */
export function judgeUnit(check: CustomCheckOf<'unit'>, p: Record<string, string>, previousRestarts: number | undefined): ProbeResult {
  const restarts = Number(p.NRestarts);
  const metrics: Record<string, number> = Number.isFinite(restarts) ? { restarts } : {};
  const memory = Number.isFinite(restarts) ? { nrestarts: restarts } : undefined;
  const state = `${p.ActiveState ?? '?'}/${p.SubState ?? '?'}`;
  const evidence = [`${check.unit}: LoadState=${p.LoadState ?? '?'} ActiveState=${p.ActiveState ?? '?'} SubState=${p.SubState ?? '?'} Result=${p.Result ?? '?'} NRestarts=${p.NRestarts ?? '?'}`];
  if (p.LoadState !== 'loaded') return { status: check.severity, message: `${check.unit} is ${p.LoadState ?? 'unknown'}`, metrics, problem: 'unit not loaded', evidence, memory };
  if (p.ActiveState !== 'active' && p.ActiveState !== 'reloading') return { status: check.severity, message: `${check.unit} is ${state}`, metrics, problem: 'unit not active', evidence, memory };
  const subs = check.sub === undefined ? undefined : Array.isArray(check.sub) ? check.sub : [check.sub];
  if (subs && !subs.includes(p.SubState ?? '')) return { status: check.severity, message: `${check.unit} is ${state}, expected ${subs.join(' or ')}`, metrics, problem: 'unexpected sub-state', evidence, memory };
  const growth = previousRestarts !== undefined && Number.isFinite(restarts) ? Math.max(0, restarts - previousRestarts) : 0;
  metrics.restarts_since_last_run = growth;
  const s = growth > 0 ? statusAbove(growth, check.restarts) : 'ok';
  if (s !== 'ok') return { status: s, message: `${check.unit} is ${state} but restarted ${growth} times since the last run`, metrics, problem: 'crash loop', evidence, memory };
  return { status: 'ok', message: `${check.unit} is ${state}`, metrics, memory };
}

/** A unit active, in the expected sub-state, and not crash-looping (NRestarts growth between runs). */
export const unitProbe: Probe<CustomCheckOf<'unit'>> = async (check, ctx, previous): Promise<ProbeResult> => {
  if (!(await ctx.deps.systemdRunning())) throw new Error('systemd is not running (not PID 1)');
  const out = await ctx.deps.runCommand(['systemctl', 'show', check.unit, '-p', 'LoadState,ActiveState,SubState,Result,NRestarts'], { signal: probeSignal(ctx, check.timeoutMs), timeoutMs: check.timeoutMs });
  if (out.exitCode !== 0) throw new Error(`systemctl show ${check.unit} exited ${out.exitCode}: ${out.stderr.trim().slice(0, 200)}`);
  const before = (previous as { nrestarts?: unknown } | undefined)?.nrestarts;
  return judgeUnit(check, parseShow(out.stdout), typeof before === 'number' ? before : undefined);
};
