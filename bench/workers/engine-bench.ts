// Benchmark of IncidentEngine.record(): latency with patterns.json holding 500 patterns and a full
// parser state (500 templates), and the one-off cost of migrating a version-1 patterns.json of the
// same size (learn/migrate-patterns.ts): the first record after an upgrade pays it.
// Run: `node bench/engine.mjs` (builds first). Figures go to stdout; docs/fingerprint.md records them.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, IncidentEngine, learnableText, loadFingerprinter, PATTERNS_VERSION, type Pattern, type RecordInput } from '@ldm/core';
import { letters, loadLoghubLinux } from '../fingerprint-data';

const PATTERNS = 500;

// Nearest-rank percentile, as bench/lib/measure.mjs computes it.
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const RECORDS = 400;

const pattern = (id: string, fingerprint: string, template: string, k: number): Pattern => ({
  id, fingerprint, template, subject: `unit${k % 40}.service`, subjects: [`unit${k % 40}.service`], sources: ['healthcheck'], count: 1 + (k % 7),
  firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-20T00:00:00.000Z', sinceBootSec: [], checks: [],
  resolutions: k % 5 === 0 ? [{ action: `systemctl restart unit${k % 40}`, commands: [`systemctl restart unit${k % 40}`], successes: 2, failures: 0, recent: [true, true] }] : [],
});

// A full parser state: Linux_2k's ~115 events, then synthetic events, each its own template
// (a distinct first word and distinct words after it, so neither Drain nor mergeHeads joins them).
function corpus(): string[] {
  const lines = loadLoghubLinux().raw;
  for (let k = 0; k < 2 * PATTERNS; k++) lines.push(`Nov 24 05:00:00 host app[${k}]: ${letters(k)}x ${letters(k + 1000)} happened in ${letters(k + 2000)} zone, code ${k}`);
  return lines;
}

// version: PATTERNS_VERSION for the steady state; 1 for a file written before the current identity rule.
async function seed(dir: string, lines: string[], version: 1 | typeof PATTERNS_VERSION): Promise<void> {
  const store = new DocumentStore({ stateDir: dir });
  await store.update('patterns', (doc) => {
    const fp = loadFingerprinter(doc);
    for (const l of lines) fp.learn(learnableText(l));
    doc.fingerprinter = fp.toJSON();
    const clusters = doc.fingerprinter.clusters;
    for (let k = 0; k < PATTERNS; k++) {
      const c = clusters[k % clusters.length]!;
      doc.patterns.push(pattern(`pat-${k}`, c.id, c.template, k));
    }
    doc.version = version;
  });
}

interface Recorder {
  record(input: RecordInput): Promise<unknown>;
}

async function run(engine: Recorder, inputs: RecordInput[]): Promise<number[]> {
  const times: number[] = [];
  for (const input of inputs) {
    const t0 = process.hrtime.bigint();
    await engine.record(input);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

const lines = corpus();
// Incidents: journal lines of known events (some recur, most with other pids and addresses), and novel ones.
const inputs: RecordInput[] = Array.from({ length: RECORDS }, (_, k) => ({
  source: 'healthcheck', severity: 'warn', subject: `unit${k % 40}.service`,
  summary: k % 4 === 3 ? `novel failure ${'x'.repeat(1 + (k % 9))} in stage ${k}` : lines[(k * 37) % lines.length]!,
  evidence: [lines[(k * 11) % lines.length]!, lines[(k * 13 + 5) % lines.length]!],
  fromJournal: true,
}));

const root = mkdtempSync(join(tmpdir(), 'ldm-engine-bench-'));
try {
  const dir = join(root, 'current');
  const oldDir = join(root, 'v1');
  await seed(dir, lines, PATTERNS_VERSION);
  await seed(oldDir, lines, 1);
  const size = (d: string): number => statSync(join(d, 'patterns.json')).size;
  const before = size(dir);
  const templates = (await new DocumentStore({ stateDir: dir }).read('patterns')).fingerprinter?.clusters.length ?? 0;
  const times = await run(new IncidentEngine(new DocumentStore({ stateDir: dir }), { maxPatterns: PATTERNS }), inputs);
  const migration = await run(new IncidentEngine(new DocumentStore({ stateDir: oldDir }), { maxPatterns: PATTERNS }), inputs.slice(0, 1));
  const f = (x: number): string => x.toFixed(1);
  const kb = (x: number): string => `${Math.round(x / 1024)} kB`;
  console.log(`## IncidentEngine.record() latency, ${RECORDS} records, patterns.json with ${PATTERNS} patterns\n`);
  console.log('| what | p50 | p99 | patterns.json before | after |');
  console.log('|---|---|---|---|---|');
  console.log(`| record() (${templates} templates in the parser state) | ${f(percentile(times, 50))} ms | ${f(percentile(times, 99))} ms | ${kb(before)} | ${kb(size(dir))} |`);
  console.log(`| first record() on a version-1 file: migration included (once) | ${f(migration[0]!)} ms | | | ${kb(size(oldDir))} |`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
