import type { Finding, HealthCheck, CheckResult } from './types';
import { isNotInstalled } from './run-command';

export interface OomKill {
  pid: number | null;
  process: string;
  line: string;
}

const KILLED = /(?:Out of memory|Memory cgroup out of memory): Killed process (\d+) \(([^)]*)\)/;
const OOM_KILL = /oom-kill:.*?task=([^,\s]+)(?:.*?pid=(\d+))?/;

/**
 * Pure: OOM kills in kernel log lines. The kernel logs each kill twice ("oom-kill:...task=X,pid=N"
 * and "Out of memory: Killed process N (X)"); a kill is counted once, by pid when known.
 */
export function parseOomKills(lines: string[]): OomKill[] {
  const kills = new Map<string, OomKill>();
  for (const line of lines) {
    const killed = KILLED.exec(line);
    const oom = killed ? null : OOM_KILL.exec(line);
    if (!killed && !oom) continue;
    const pid = killed ? Number(killed[1]) : oom![2] ? Number(oom![2]) : null;
    const process = (killed ? killed[2] : oom![1]) ?? '?';
    const key = pid !== null ? `pid:${pid}` : `line:${line}`;
    if (!kills.has(key)) kills.set(key, { pid, process, line: line.trim() });
  }
  return [...kills.values()];
}

/** Pure: splits journalctl --show-cursor output into lines and the trailing cursor. */
export function splitCursor(stdout: string): { lines: string[]; cursor: string | null } {
  let cursor: string | null = null;
  const lines: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('-- cursor: ')) cursor = line.slice('-- cursor: '.length).trim();
    // "-- No entries --", "-- Boot ... --": journalctl's own markers, not log lines.
    else if (line.length > 0 && !/^-- .* --$/.test(line)) lines.push(line);
  }
  return { lines, cursor };
}

interface OomMemory {
  cursor?: string;
}

/**
 * Kernel OOM kills since the last run. The journal cursor is kept in state.json so no kill is seen
 * twice or missed between runs; the first run looks at the whole current boot.
 */
export const oomCheck: HealthCheck = {
  id: 'oom',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    const previous = (ctx.previous ?? {}) as OomMemory;
    const from = previous.cursor ? ['--after-cursor', previous.cursor] : ['-b', '0'];
    let out;
    try {
      out = await ctx.deps.runCommand(['journalctl', '-k', '--no-pager', '-o', 'short-iso', '--show-cursor', ...from], { signal: ctx.signal });
    } catch (err) {
      if (isNotInstalled(err)) return { status: 'skipped', message: 'journalctl is not installed', metrics: {} };
      throw err;
    }
    if (out.exitCode !== 0) {
      const why = out.stderr.trim().split('\n')[0] || out.stdout.trim().split('\n')[0] || '';
      // A cursor from a journal that was vacuumed or rotated away: start over from this boot.
      if (previous.cursor && /cursor/i.test(why)) return { status: 'ok', message: `journal cursor no longer valid, reset (${why})`, metrics: {}, memory: {} };
      if (/No journal files|No entries|not booted|boot ID|boot offset|Failed to (get|determine) boot/i.test(`${out.stderr} ${out.stdout}`)) return { status: 'skipped', message: `no kernel journal: ${why}`, metrics: {} };
      throw new Error(`journalctl -k exited ${out.exitCode}: ${why}`);
    }
    const { lines, cursor } = splitCursor(out.stdout);
    const kills = parseOomKills(lines);
    const memory: OomMemory = { cursor: cursor ?? previous.cursor };
    const warnAt = typeof ctx.settings.warn === 'number' ? ctx.settings.warn : 1;
    const critAt = typeof ctx.settings.crit === 'number' ? ctx.settings.crit : Infinity;
    const status = kills.length >= critAt ? 'crit' : kills.length >= warnAt ? 'warn' : 'ok';
    if (status === 'ok') return { status, message: kills.length ? `${kills.length} OOM kills, below the warn level` : 'no OOM kills since the last run', metrics: { oom_kills: kills.length }, memory };
    const byProcess = new Map<string, OomKill[]>();
    for (const k of kills) byProcess.set(k.process, [...(byProcess.get(k.process) ?? []), k]);
    const findings: Finding[] = [...byProcess].map(([name, list]) => ({
      subject: `oom:${name}`,
      severity: status,
      summary: `the kernel OOM killer killed ${name}`,
      evidence: list.slice(0, 5).map((k) => k.line),
    }));
    return {
      status,
      message: `${kills.length} OOM kill${kills.length > 1 ? 's' : ''} since the last run: ${[...byProcess.keys()].join(', ')}`,
      metrics: { oom_kills: kills.length },
      findings,
      memory,
    };
  },
};
