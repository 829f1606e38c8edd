// Shared helpers for bench scripts: percentiles, and wall time + peak RSS of a child process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => percentile(values, 50);

/**
 * Runs argv `runs` times under GNU time and returns the median wall time (ms) and the median and
 * max peak RSS (MB). Peak RSS comes from the kernel's accounting (ru_maxrss), not sampling.
 */
export function measureProcess(argv, { runs = 10, input = '', env = process.env } = {}) {
  if (!existsSync('/usr/bin/time')) throw new Error('bench needs GNU time at /usr/bin/time (apt-get install time)');
  const walls = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M', ...argv], { input, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    const m = /__TIME__ ([\d.]+) (\d+)/.exec(r.stderr);
    if (!m) throw new Error(`no timing for ${argv.join(' ')}: ${r.stderr.slice(-500)}`);
    walls.push(Number(m[1]) * 1000);
    rss.push(Number(m[2]) / 1024);
  }
  return { wallMs: median(walls), rssMb: median(rss), rssMaxMb: Math.max(...rss) };
}

export const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
