import { describe, test, expect } from '@jest/globals';
import { SystemdRunReportFilter } from '@ldm/core';

/** Feeds `stream` in pieces of `step` bytes; returns what was passed on while streaming, what came at the end, and the report. */
function feed(stream: string, step: number) {
  const f = new SystemdRunReportFilter();
  const bytes = Buffer.from(stream);
  const live: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += step) live.push(f.push(bytes.subarray(i, i + step)));
  const streamed = Buffer.concat(live).toString();
  const rest = f.end().toString();
  return { streamed, all: streamed + rest, report: f.report };
}

const REPORT = 'Finished with result: exit-code\nMain processes terminated with: code=exited/status=3\nService runtime: 12ms\n';

describe('SystemdRunReportFilter', () => {
  test("takes out exactly systemd-run's report, however the pipe splits it", () => {
    const stream = `Running as unit: ldm-cmd-1-ab.service\nerr 1\nerr 2\n${REPORT}`;
    for (const step of [1, 3, 7, 16, 64, 4096]) {
      const r = feed(stream, step);
      expect(r.all).toBe('err 1\nerr 2\n');
      expect(r.report).toBe(REPORT);
      expect(r.streamed).not.toMatch(/Running as unit|Finished with result/);
    }
  });

  test("a command's own report-like lines followed by more output are passed on; without the start line nothing is dropped", () => {
    const own = 'Finished with result: success\nService runtime: 1ms\nmore\n';
    expect(feed(`Running as unit: u.service\n${own}${REPORT}`, 5)).toMatchObject({ all: own, report: REPORT });
    expect(feed('Failed to start transient service unit: Access denied\n', 4)).toMatchObject({ all: 'Failed to start transient service unit: Access denied\n', report: '' });
  });

  test('output without a newline is not held back for ever: a long partial line streams on', () => {
    const f = new SystemdRunReportFilter();
    f.push(Buffer.from('Running as unit: u.service\n'));
    expect(f.push(Buffer.alloc(10_000, 'x')).length).toBe(10_000);
  });
});
