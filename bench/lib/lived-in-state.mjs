// A store that has lived for months: 1000 incidents and 200 patterns (each with a learned fix and
// a check), plus a state.json with an alert and a boot report. Used by the daemon and MCP
// start-up benches, so "lived-in" means the same thing in both. With `digests` (the default),
// state.json also holds the briefing digests, as the suite's writers leave it; without, it is as
// an older release or a hand edit leaves it. Needs `node build.mjs` (dist/workers).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const keepDigests = new URL('../../dist/workers/keep-digests.mjs', import.meta.url).pathname;

export function writeLivedInState(dir, { digests = true } = {}) {
  mkdirSync(dir, { recursive: true });
  const at = new Date(Date.now() - 86_400_000).toISOString();
  const incidents = Array.from({ length: 1000 }, (_, i) => ({
    id: `inc-20261101000000-${i.toString(16).padStart(6, '0')}`, time: at, lastSeen: at, count: 1 + (i % 5), source: 'healthcheck', severity: 'warn',
    subject: `unit${i % 200}.service`, summary: `unit unit${i % 200}.service has failed`, evidence: [`unit${i % 200}.service loaded failed failed`],
    fingerprints: [`f${i % 200}`], patternId: `pat-${i % 200}`, status: i % 100 === 0 ? 'open' : 'resolved', ...(i % 100 === 0 ? {} : { resolvedAt: at,
    resolution: { time: at, text: 'restarted', commands: [`systemctl restart unit${i % 200}.service`], worked: true } }),
  }));
  const patterns = Array.from({ length: 200 }, (_, i) => ({
    id: `pat-${i}`, fingerprint: `f${i}`, template: `unit unit${i}.service has failed`, subject: `unit${i}.service`, subjects: [`unit${i}.service`], sources: ['healthcheck'],
    count: 5, firstSeen: at, lastSeen: at, sinceBootSec: [], checks: [{ kind: 'unit-active', unit: `unit${i}.service` }],
    resolutions: [{ action: `systemctl restart unit${i}.service`, commands: [`systemctl restart unit${i}.service`], successes: 5, failures: 0, recent: [true] }],
  }));
  const state = {
    version: 1,
    alerts: [{ id: 'disk:/', source: 'healthcheck', severity: 'warn', message: 'disk / is 91% full', since: at }],
    lastBoot: { bootId: 'b0', previousBootId: 'a0', rebooted: true, cleanShutdown: true, at, status: 'ok' },
  };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  writeFileSync(join(dir, 'incidents.json'), JSON.stringify({ version: 1, incidents }));
  writeFileSync(join(dir, 'patterns.json'), JSON.stringify({ version: 1, patterns }));
  if (digests) execFileSync(process.execPath, [keepDigests, dir], { stdio: 'inherit' });
  return dir;
}
