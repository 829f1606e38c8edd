// Test worker: records COUNT incidents through the IncidentEngine, each a different kind of event
// (so each teaches the shared log parser a new group), and prints "done" at the end.
// usage: record-incidents.mjs STATE_DIR COUNT TAG
import { DocumentStore, IncidentEngine } from '@ldm/core';

const [stateDir, countArg, tag] = process.argv.slice(2);
if (!stateDir || !countArg || !tag) {
  process.stderr.write('usage: record-incidents STATE_DIR COUNT TAG\n');
  process.exit(64);
}
const engine = new IncidentEngine(new DocumentStore({ stateDir }));
for (let n = 0; n < Number(countArg); n++) {
  await engine.record({ source: 'mcp', severity: 'warn', subject: tag, summary: eventText(tag, n, process.pid) });
}
process.stdout.write('done\n');

/** Event n of a worker: n + 2 fixed words, so no two events have the same length, and no two tags a digit to mask. */
export function eventText(tag: string, n: number, pid: number): string {
  const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee'.split(' ');
  return `${tag}: ${words.slice(0, n + 2).join(' ')} failed in worker ${pid}`;
}
