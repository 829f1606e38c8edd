// Bench worker: makes `dir` a host at the incident cap with maximal evidence, as the store keeps
// it. 5,000 incidents (a quarter open) with 20 evidence lines of 1 KiB and a 2 KiB summary each,
// written in UTF-8 that takes 3 bytes a character (the costliest text per character), are fed
// through the store's own bound in batches, as a run of writes would: what is left is what such a
// host holds. patterns.json gets 2,000 patterns with 2 KiB templates, through its bound too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCUMENT_LIMITS, boundIncidents, boundPatterns, documentText, type IncidentsDoc, type PatternsDoc } from '@ldm/core';

const [dir, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 5000);
const incidentBytes = Number(process.env.SEED_INCIDENT_BYTES ?? DOCUMENT_LIMITS.incidents.maxBytes);
const patternBytes = Number(process.env.SEED_PATTERN_BYTES ?? DOCUMENT_LIMITS.patterns.maxBytes);
const line = (n: number, chars: number) => `${n} ${'€'.repeat(chars - String(n).length - 1)}`;
const bytes = (doc: object, key: string) => Buffer.byteLength(documentText(doc as Record<string, unknown>, key));

let doc: IncidentsDoc = { version: 1, incidents: [] };
const start = Date.now() - count * 60_000;
for (let n = 0; n < count; n++) {
  const t = new Date(start + n * 60_000).toISOString();
  doc.incidents.push({
    id: `inc-max-${n}`, time: t, lastSeen: t, count: 1, source: 'healthcheck', severity: 'crit', subject: `unit-${n % 40}.service`,
    summary: line(n, 2048), evidence: Array.from({ length: 20 }, (_, k) => line(n * 20 + k, 1024)), fingerprints: [`fp${n % 50}`], status: n % 4 ? 'resolved' : 'open',
  });
  if (n % 100 === 99 || n === count - 1) doc = boundIncidents(doc, { maxIncidents: 5000, maxBytes: incidentBytes }, bytes(doc, 'incidents')).doc;
}
writeFileSync(join(dir!, 'incidents.json'), documentText(doc as never, 'incidents'));

const at = new Date().toISOString();
let patterns: PatternsDoc = {
  version: 1,
  patterns: Array.from({ length: 2000 }, (_, n) => ({
    id: `pat-${n}`, fingerprint: `f${n}`, template: line(n, 2048), subjects: [], sources: ['healthcheck'], count: 2, firstSeen: at, lastSeen: at,
    sinceBootSec: [], checks: [], resolutions: n % 10 ? [] : [{ action: `systemctl restart unit${n}.service`, commands: [], successes: 1, failures: 0, recent: [true] }],
  })),
};
patterns = boundPatterns(patterns, patternBytes, bytes(patterns, 'patterns')).doc;
writeFileSync(join(dir!, 'patterns.json'), documentText(patterns as never, 'patterns'));
const open = doc.incidents.filter((i) => i.status === 'open').length;
process.stdout.write(`${JSON.stringify({ incidents: doc.incidents.length, open, incidentsBytes: bytes(doc, 'incidents'), patterns: patterns.patterns.length, patternsBytes: bytes(patterns, 'patterns') })}\n`);
