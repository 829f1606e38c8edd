// systemd-run --wait reports how the unit ended on its stderr, after the command's own output:
//   Finished with result: exit-code
//   Main processes terminated with: code=exited/status=7   (or code=killed/status=TERM)
//   Service runtime: 62ms
// Its exit status cannot say the same (a unit stopped by `systemctl stop` ends with "success" and
// status 0; a signal becomes 255), so the server reads these lines and drops them from the output.

/** How the unit ended, from systemd-run's own lines. */
export interface UnitEnd {
  /** success, exit-code, signal, core-dump, oom-kill, timeout, start-limit-hit, resources ... */
  result: string | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

const REPORT_LINE = /^(Running as unit: |Finished with result: |Main processes terminated with: |Service runtime: |CPU time consumed: |Memory peak: |Memory swap peak: |IP traffic (received|sent): |IO bytes (read|written): )/;

/**
 * Pure: splits systemd-run's report from the command's stderr. Only the report's own places count:
 * its first line, and the run of report lines at the very end, so a command that prints such a
 * line itself cannot end up deciding its exit (the real report comes after it).
 */
export function splitSystemdRunReport(stderr: string, sawStart: boolean): { stderr: string; end: UnitEnd | null } {
  let text = stderr;
  if (sawStart && text.startsWith('Running as unit: ')) {
    const nl = text.indexOf('\n');
    text = nl === -1 ? '' : text.slice(nl + 1);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let cut = lines.length;
  while (cut > 0 && REPORT_LINE.test(lines[cut - 1]!) && !lines[cut - 1]!.startsWith('Running as unit: ')) cut--;
  const report = lines.slice(cut);
  if (!report.some((l) => l.startsWith('Finished with result: ') || l.startsWith('Main processes terminated with: '))) return { stderr, end: null };
  const kept = lines.slice(0, cut).join('\n');
  const end: UnitEnd = { result: null, exitCode: null, signal: null };
  for (const line of report) {
    const r = /^Finished with result: (\S+)$/.exec(line);
    if (r) end.result = r[1]!;
    const m = /^Main processes terminated with: code=(\w+)\/status=(\S+)$/.exec(line);
    if (m) {
      if (m[1] === 'exited' && /^\d+$/.test(m[2]!)) end.exitCode = Number(m[2]);
      else if (/^[A-Z0-9+-]+$/.test(m[2]!)) end.signal = (m[2]!.startsWith('SIG') ? m[2] : `SIG${m[2]}`) as NodeJS.Signals;
    }
  }
  return { stderr: kept ? `${kept}\n` : '', end };
}
