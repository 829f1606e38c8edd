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

const START = Buffer.from('Running as unit: ');
/** A partial line longer than this cannot be the start of a report line: it is passed on. */
const MAX_HELD_PARTIAL = 256;

/**
 * Takes systemd-run's report out of a unit client's stderr as it streams, so that a job's output
 * read while it runs (job_output) never shows it: the first line when it is "Running as unit: ",
 * and any trailing run of report-like lines, held back until a line that is not one follows (then
 * they were the command's own) or the stream ends (then they are the report, kept in `report`).
 */
export class SystemdRunReportFilter {
  private held: Buffer = Buffer.alloc(0);
  private first = true;
  /** The report itself, once the stream ended. */
  report = '';

  push(chunk: Buffer): Buffer {
    let data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    if (this.first) {
      const nl = data.indexOf(10);
      if (nl === -1 && data.length < MAX_HELD_PARTIAL && START.subarray(0, Math.min(data.length, START.length)).equals(data.subarray(0, Math.min(data.length, START.length)))) {
        this.held = data;
        return Buffer.alloc(0);
      }
      this.first = false;
      if (nl !== -1 && data.subarray(0, START.length).equals(START)) data = data.subarray(nl + 1);
    }
    const cut = heldFrom(data);
    this.held = Buffer.from(data.subarray(cut));
    return data.subarray(0, cut);
  }

  /** At the end of the stream: what is left of the command's own output. */
  end(): Buffer {
    const held = this.held.toString('utf8');
    this.held = Buffer.alloc(0);
    if (this.first) {
      this.first = false;
      if (held.startsWith('Running as unit: ') && !held.includes('\n')) return Buffer.alloc(0);
    }
    const { stderr, end } = splitSystemdRunReport(held, false);
    if (!end) return Buffer.from(held);
    this.report = held.slice(stderr.length);
    return Buffer.from(stderr);
  }
}

/** Pure: where the trailing report-like lines (and a short partial line) of `data` begin. */
function heldFrom(data: Buffer): number {
  let cut = data.length;
  const lastNl = data.lastIndexOf(10);
  if (data.length - (lastNl + 1) > MAX_HELD_PARTIAL) return data.length;
  cut = lastNl + 1;
  while (cut > 0) {
    const prev = data.lastIndexOf(10, cut - 2);
    const line = data.subarray(prev + 1, cut - 1).toString('utf8');
    if (!REPORT_LINE.test(line) || line.startsWith('Running as unit: ')) break;
    cut = prev + 1;
  }
  return cut;
}
