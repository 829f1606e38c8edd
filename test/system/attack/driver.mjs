#!/usr/bin/env node
// driver.mjs - the attack suite, run as root inside the system-test container against the
// installed server (see attack-step.sh). Prints one JSON line per case on stdout (summarize.mjs
// turns them into the figures); progress on stderr.
// Usage: node driver.mjs [--only REGEX] [--phase attack,everyday,approved]
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sessions } from './lib/sessions.mjs';
import { runCase, sh, textOf } from './lib/run-case.mjs';
import { findLeaks } from './lib/leak.mjs';
import { fileSnapshot, mountSnapshot, unitSnapshot, diffSnapshots } from './lib/snapshot.mjs';
import { WATCHED_ROOTS, WATCHED_UNITS, PRUNE_GLOBS, ignorePath, allowChange, allowNewUnit, HARNESS_DIR } from './lib/host-rules.mjs';
import { startSampler, RESOURCE_LIMITS } from './lib/sampler.mjs';
import { detectFeatures } from './lib/features.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const only = opt('--only') ? new RegExp(opt('--only')) : null;
const phases = new Set(opt('--phase', 'attack,everyday,approved').split(','));
const log = (...a) => console.error('[attack]', ...a);
const emit = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

const markers = JSON.parse(readFileSync(join(HARNESS_DIR, 'markers.json'), 'utf8'));
const corpus = readdirSync(join(HERE, 'corpus')).filter((f) => f.endsWith('.json')).sort()
  .flatMap((f) => JSON.parse(readFileSync(join(HERE, 'corpus', f), 'utf8')).map((c) => ({ ...c, file: f })));
const ids = new Set();
for (const c of corpus) {
  if (ids.has(c.id)) throw new Error(`corpus: the case id ${c.id} is used twice (${c.file})`);
  ids.add(c.id);
}
const selected = (c) => !only || only.test(c.id) || only.test(c.family);

function snapshot() {
  let units;
  try {
    units = unitSnapshot(WATCHED_UNITS);
  } catch (err) {
    units = { state: {}, active: [], error: err.message.split('\n')[0] };   // an attack that hangs systemd is judged, not fatal
  }
  return { files: fileSnapshot(WATCHED_ROOTS, PRUNE_GLOBS, ignorePath), mounts: mountSnapshot(), units };
}
const rules = { allowChange, allowNewUnit };

async function repair() {
  // After a breach: put back what later cases are judged against (otherwise one breach would be
  // counted again and again, or hide the next).
  await sh(`bash ${join(HERE, 'repair.sh')}`, 120_000);
}

const sessions = new Sessions({ log });
const probe = await sessions.get('stdio', 'none', 'probe');
// Open the everyday sessions before any attack: a case that breaks the server's start (its config)
// must be judged by its effect, not leave later cases without a client.
for (const mode of ['none', 'decline', 'accept']) await sessions.get('stdio', mode, 'a');
const features = detectFeatures(probe.tools);
log(`features: ${JSON.stringify(features)}`);
emit({ type: 'features', features });
if (only) emit({ type: 'selection', only: only.source });

function pendingReason(c) {
  const needs = [].concat(c.needs ?? []);
  const missing = needs.filter((n) => !features[n]);
  return missing.length ? `needs ${missing.join(', ')} (not in this build)` : null;
}

// ---- attack cases: judged only by their effect on the host
// Cases run in batches of BATCH at once (each its own tool calls; secrets are judged per case); the
// host is judged once per batch. A batch that changed the host is repaired and run again one case
// at a time, so every finding is pinned on the case that caused it. Cases that watch resources,
// need host-side steps or checks of their own always run alone.
const BATCH = 8;
// zz-last.json holds what nothing inside the container can undo (prlimit on PID 1, kill -1): alone, last.
const batchable = (c) => !c.watch_resources && !c.breach_if && !c.ignore && !(c.steps ?? []).some((st) => st.op) && c.file !== 'zz-last.json';

async function judge(batch, before) {
  const sampler = batch.some((c) => c.watch_resources) ? startSampler() : null;
  const t0 = Date.now();
  const outs = await Promise.all(batch.map((c) => runCase(c, { sessions, payloadDir: join(HERE, 'payloads') }).then((out) => ({ out }), (err) => ({ err }))));
  const peak = sampler?.stop();
  const shared = [];
  for (const d of await sessions.liveness()) shared.push(`server stopped answering: ${d}`);
  if (peak?.procs > RESOURCE_LIMITS.procs) shared.push(`task cap missing: ${peak.procs} processes more than before`);
  if (peak?.rssMiB > RESOURCE_LIMITS.rssMiB) shared.push(`memory cap missing: ${peak.rssMiB} MiB more resident than before`);
  const after = snapshot();
  // A case may name host changes that are its tool's own business (write_file writing /tmp).
  const ignore = batch.flatMap((c) => c.ignore ?? []).map((r) => new RegExp(r));
  shared.push(...diffSnapshots(before, after, rules).filter((f) => !ignore.some((r) => r.test(f))));
  const results = batch.map((c, i) => {
    const { out, err } = outs[i];
    if (err) return { c, verdict: 'error', findings: [`harness: ${err.message}`], notes: [] };
    const own = findLeaks(out.texts.join('\n'), markers).map((l) => `secret ${l.secret} returned to the client (${l.encoding})`);
    for (const k of out.checks) if (!k.ok) own.push(`${k.kind} failed: ${k.what}`);
    return { c, own, notes: out.notes };
  });
  return { results, shared, after, ms: Date.now() - t0 };
}

function emitCase(c, verdict, findings, notes, ms) {
  emit({ type: 'case', kind: 'attack', id: c.id, family: c.family, mode: c.mode, verdict, findings: findings.slice(0, 20), notes, ms });
  if (verdict === 'breached') log(`BREACH ${c.id}: ${findings.slice(0, 3).join('; ')}`);
}

if (phases.has('attack')) {
  const items = [];
  for (const c of corpus.filter((k) => (k.kind ?? 'attack') === 'attack' && selected(k))) {
    for (const mode of [].concat(c.modes ?? c.mode ?? 'none')) items.push({ ...c, mode, id: c.modes ? `${c.id}@${mode}` : c.id });
  }
  let before = snapshot();
  const calm = diffSnapshots(before, snapshot(), rules);
  if (calm.length) log(`noise with nothing running (ignored): ${calm.join('; ')}`);
  before = snapshot();
  const batches = [];
  for (const c of items) {
    const pending = pendingReason(c);
    if (pending) { emit({ type: 'case', kind: 'attack', id: c.id, family: c.family, mode: c.mode, verdict: 'pending', reason: pending }); continue; }
    const last = batches.at(-1);
    if (batchable(c) && last && last.length < BATCH && last.every(batchable)) last.push(c);
    else batches.push([c]);
  }
  for (const batch of batches) {
    const j = await judge(batch, before);
    if (batch.length > 1 && j.shared.length > 0) {
      log(`batch ${batch.map((c) => c.id).join(', ')} changed the host; running its cases one at a time`);
      await repair();
      before = snapshot();
      for (const c of batch) {
        const one = await judge([c], before);
        const r = one.results[0];
        const findings = r.verdict === 'error' ? r.findings : [...r.own, ...one.shared];
        emitCase(c, r.verdict === 'error' ? 'error' : findings.length ? 'breached' : 'held', findings, r.notes, one.ms);
        if (one.shared.length) { await repair(); before = snapshot(); } else before = one.after;
      }
      continue;
    }
    for (const r of j.results) {
      const findings = r.verdict === 'error' ? r.findings : [...r.own, ...j.shared];
      emitCase(r.c, r.verdict === 'error' ? 'error' : findings.length ? 'breached' : 'held', findings, r.notes, j.ms);
    }
    if (j.shared.length) { await repair(); before = snapshot(); } else before = j.after;
  }
}

// ---- everyday operations: no approval, exit 0, plausible output
if (phases.has('everyday')) {
  for (const c of corpus.filter((k) => k.kind === 'everyday' && selected(k))) {
    const t0 = Date.now();
    const out = await runCase({ ...c, mode: 'none' }, { sessions, payloadDir: join(HERE, 'payloads') });
    const s = out.texts[0] ?? '';
    const findings = [];
    const sc = out.results[0]?.structuredContent ?? {};
    if (out.results[0]?.isError || out.results[0]?.error) findings.push(`refused or failed: ${s.slice(0, 300)}`);
    if (c.tool === 'run_command' && sc.exit_code !== 0) findings.push(`exit ${sc.exit_code}: ${(sc.stderr ?? s).slice(0, 300)}`);
    if (c.expect_output && !new RegExp(c.expect_output, 'm').test(c.tool === 'run_command' ? sc.stdout ?? '' : s)) findings.push(`output does not match /${c.expect_output}/: ${(sc.stdout ?? s).slice(0, 200)}`);
    for (const k of out.checks) if (!k.ok) findings.push(`expect failed: ${k.what}`);
    emit({ type: 'case', kind: 'everyday', id: c.id, family: 'everyday', mode: 'none', verdict: findings.length ? 'failed' : 'ok', findings, ms: Date.now() - t0 });
  }
}

// ---- approved changes really happen
if (phases.has('approved')) {
  for (const c of corpus.filter((k) => k.kind === 'approved' && selected(k))) {
    const pending = pendingReason(c);
    if (pending) { emit({ type: 'case', kind: 'approved', id: c.id, family: 'approved', mode: c.mode, verdict: 'pending', reason: pending }); continue; }
    const t0 = Date.now();
    const out = await runCase(c, { sessions, payloadDir: join(HERE, 'payloads') });
    const findings = out.checks.filter((k) => !k.ok).map((k) => `${k.kind} failed (step ${k.step ?? '-'}): ${k.what}`);
    if (findings.length) findings.push(`last answer: ${(out.texts.at(-1) ?? '').slice(0, 300)}`);
    emit({ type: 'case', kind: 'approved', id: c.id, family: 'approved', mode: c.mode, verdict: findings.length ? 'failed' : 'ok', findings, notes: out.notes, ms: Date.now() - t0 });
  }
}

emit({ type: 'prompts', count: sessions.prompts.length, sample: sessions.prompts.slice(0, 3).map((p) => textOf({ content: [{ type: 'text', text: p.message }] }).slice(0, 300)) });
await sessions.closeAll();
emit({ type: 'done' });
process.exit(0);
