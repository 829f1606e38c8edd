import type { CustomCheckOf } from './custom-check-config';
import { probeSignal, type Probe, type ProbeResult } from './probe-result';

export interface PluginOutput {
  text: string;
  perf: Record<string, number>;
}

const MAX_PERF = 50;

/** Pure: Nagios plugin output, `TEXT | label=value[UOM];warn;crit;min;max ...`, perfdata on the first line or after a `|` on a later one. */
export function parsePluginOutput(stdout: string): PluginOutput {
  const lines = stdout.split('\n');
  const [first = '', ...rest] = lines;
  const [text = '', firstPerf = ''] = first.split('|');
  const laterPerf = rest.join('\n').split('|')[1] ?? '';
  const perf: Record<string, number> = {};
  const re = /('(?:[^']|'')+'|[^\s=']+)=([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g;
  for (const m of `${firstPerf} ${laterPerf}`.matchAll(re)) {
    if (Object.keys(perf).length >= MAX_PERF) break;
    const label = m[1]!.replace(/^'|'$/g, '').replace(/''/g, "'").replace(/[^\w./-]/g, '_').slice(0, 64);
    perf[label] = Number(m[2]);
  }
  return { text: text.trim().slice(0, 500), perf };
}

const STATUS = ['ok', 'warn', 'crit'] as const;

/** Any Nagios plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the check failed); run contained, never as unconfined root. */
export const nagiosProbe: Probe<CustomCheckOf<'nagios'>> = async (check, ctx): Promise<ProbeResult> => {
  const run = ctx.deps.runContained;
  if (!run) throw new Error('no containment sandbox is available to run the plugin (policy.sandbox), and it never runs unconfined');
  const r = await run(check.command, { timeoutMs: check.timeoutMs, signal: probeSignal(ctx, check.timeoutMs) });
  const out = parsePluginOutput(r.stdout);
  const status = STATUS[r.exitCode];
  if (!status) throw new Error(`${check.command[0]} exited ${r.exitCode}${r.exitCode === 3 ? ' (UNKNOWN)' : ''}: ${out.text || r.stderr.trim().slice(0, 300)}`);
  const message = out.text || `${check.command[0]} exited ${r.exitCode}`;
  return status === 'ok' ? { status, message, metrics: out.perf } : { status, message, metrics: out.perf, problem: `plugin ${check.command[0]} reports a problem`, evidence: [message] };
};
