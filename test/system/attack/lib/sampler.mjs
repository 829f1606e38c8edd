// sampler.mjs - while a case runs, how many processes and how much resident memory it added on
// the host at its peak (read from /proc every 200 ms).
import { readdirSync, readFileSync } from 'node:fs';

// A 1 GB host: a model command may not hold more than this (the sandbox's caps are below it).
export const RESOURCE_LIMITS = { procs: 512, rssMiB: 900 };

function sample() {
  let procs = 0;
  let pages = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    procs++;
    try { pages += Number(readFileSync(`/proc/${d}/statm`, 'utf8').split(' ')[1]); } catch { /* gone */ }
  }
  return { procs, rssMiB: Math.round((pages * 4096) / 1048576) };
}

export function startSampler() {
  const base = sample();
  const peak = { procs: 0, rssMiB: 0 };
  const tick = () => {
    const s = sample();
    peak.procs = Math.max(peak.procs, s.procs - base.procs);
    peak.rssMiB = Math.max(peak.rssMiB, s.rssMiB - base.rssMiB);
  };
  const timer = setInterval(tick, 200);
  return { stop: () => { clearInterval(timer); tick(); return peak; } };
}
