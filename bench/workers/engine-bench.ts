// Benchmark of IncidentEngine.record(): latency with patterns.json holding 500 patterns and a full
// parser state (500 templates), against the engine before it moved onto the parser (stateless
// maskMessage grouping, bench/legacy-incident-engine.ts) on the same incidents in the same run.
// Run: `node bench/engine.mjs` (builds first). Figures go to stdout; docs/fingerprint.md records them.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, IncidentEngine, learnableText, loadFingerprinter, maskMessage, templateId, type Pattern, type RecordInput } from '@ldm/core';
import { letters, loadLoghubLinux } from '../fingerprint-data';
import { LegacyIncidentEngine } from '../legacy-incident-engine';

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

async function seed(dir: string, withParser: boolean, lines: string[]): Promise<void> {
  const store = new DocumentStore({ stateDir: dir });
  await store.update('patterns', (doc) => {
    if (withParser) {
      const fp = loadFingerprinter(doc);
      for (const l of lines) fp.learn(learnableText(l));
      doc.fingerprinter = fp.toJSON();
      const clusters = doc.fingerprinter.clusters;
      for (let k = 0; k < PATTERNS; k++) {
        const c = clusters[k % clusters.length]!;
        doc.patterns.push(pattern(`pat-${k}`, c.id, c.template, k));
      }
    } else {
      const templates = [...new Set(lines.map((l) => maskMessage(learnableText(l))))];
      for (let k = 0; k < PATTERNS; k++) {
        const t = templates[k % templates.length]!;
        doc.patterns.push(pattern(`pat-${k}`, templateId(t), t, k));
      }
    }
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
  const newDir = join(root, 'new');
  const oldDir = join(root, 'old');
  await seed(newDir, true, lines);
  await seed(oldDir, false, lines);
  const size = (d: string): number => statSync(join(d, 'patterns.json')).size;
  const sizes = { new: size(newDir), old: size(oldDir) };
  const templates = (await new DocumentStore({ stateDir: newDir }).read('patterns')).fingerprinter?.clusters.length ?? 0;
  // Interleaved halves, so a change in the machine's load hits both engines alike.
  const engineNew = new IncidentEngine(new DocumentStore({ stateDir: newDir }), { maxPatterns: PATTERNS });
  const engineOld = new LegacyIncidentEngine(new DocumentStore({ stateDir: oldDir }), { maxPatterns: PATTERNS });
  const half = RECORDS / 2;
  const tNew = [...(await run(engineNew, inputs.slice(0, half)))];
  const tOld = [...(await run(engineOld, inputs.slice(0, half)))];
  tOld.push(...(await run(engineOld, inputs.slice(half))));
  tNew.push(...(await run(engineNew, inputs.slice(half))));
  const f = (x: number): string => x.toFixed(1);
  const kb = (x: number): string => `${Math.round(x / 1024)} kB`;
  console.log(`## IncidentEngine.record() latency, ${RECORDS} records, patterns.json with ${PATTERNS} patterns\n`);
  console.log('| engine | p50 | p99 | patterns.json before | after |');
  console.log('|---|---|---|---|---|');
  console.log(`| learning parser (this engine, ${templates} templates in its state) | ${f(percentile(tNew, 50))} ms | ${f(percentile(tNew, 99))} ms | ${kb(sizes.new)} | ${kb(size(newDir))} |`);
  console.log(`| stateless maskMessage (engine before, same run) | ${f(percentile(tOld, 50))} ms | ${f(percentile(tOld, 99))} ms | ${kb(sizes.old)} | ${kb(size(oldDir))} |`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
