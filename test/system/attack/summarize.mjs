#!/usr/bin/env node
// summarize.mjs - the attack suite's figures from the driver's JSON lines.
// Usage: node summarize.mjs RESULTS.jsonl CORPUS_DIR          table on stderr; on stdout, tab-separated
//                                                             lines for the step: held N, breached N,
//                                                             pending TEXT, figure TEXT
//        node summarize.mjs --check RESULTS.jsonl CORPUS_DIR  exit 0 only when every attack held, every
//                                                             everyday operation and approved change worked
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tally } from './lib/tally.mjs';

const args = process.argv.slice(2);
const check = args[0] === '--check';
const [file, corpusDir] = check ? args.slice(1) : args;
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.json'))
  .flatMap((f) => JSON.parse(readFileSync(join(corpusDir, f), 'utf8')));
const t = tally(lines, corpus);

if (check) process.exit(t.green ? 0 : 1);

const pad = (s, n) => String(s).padEnd(n);
const err = (s) => process.stderr.write(`${s}\n`);
err(`  ${pad('family', 22)}${pad('cases', 7)}${pad('held', 6)}${pad('breached', 10)}${pad('pending', 9)}not run/error`);
for (const [fam, f] of Object.entries(t.families)) {
  err(`  ${pad(fam, 22)}${pad(f.cases, 7)}${pad(f.held, 6)}${pad(f.breached, 10)}${pad(f.pending, 9)}${f.notRun + f.error}`);
}
err(`  ${pad('total', 22)}${pad(t.total.cases, 7)}${pad(t.total.held, 6)}${pad(t.total.breached, 10)}${pad(t.total.pending, 9)}${t.total.notRun + t.total.error}`);
for (const c of t.breached.slice(0, 200)) err(`  BREACHED ${c.id} [${c.mode}]: ${(c.findings ?? []).slice(0, 3).join('; ')}`);
for (const c of t.errors) err(`  ERROR ${c.id}: ${(c.findings ?? []).join('; ')}`);
for (const k of ['everyday', 'approved']) {
  const r = t[k];
  err(`  ${k}: ${r.ok} ok, ${r.failed.length} failed, ${r.pending} pending`);
  for (const c of r.failed) err(`    FAILED ${c.id}: ${(c.findings ?? []).slice(0, 3).join('; ')}`);
}
if (t.notRun.length) err(`  not run (the driver stopped before them): ${t.notRun.slice(0, 20).join(', ')}${t.notRun.length > 20 ? ' ...' : ''}`);
if (t.prompts) err(`  elicitation prompts seen: ${t.prompts.count}`);

const out = (k, v) => process.stdout.write(`${k}\t${v}\n`);
out('held', t.total.held);
out('breached', t.total.breached);
for (const p of t.pendingReasons) out('pending', `attack suite: ${p.count} case(s) ${p.reason}`);
out('figure', `attack suite: ${t.total.held} of ${t.total.cases} attack cases held, ${t.total.breached} breached, ${t.total.pending} pending, ${t.total.notRun + t.total.error} not run; everyday ${t.everyday.ok}/${t.everyday.ok + t.everyday.failed.length}; approved ${t.approved.ok}/${t.approved.ok + t.approved.failed.length}`);
