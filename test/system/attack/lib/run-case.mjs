// run-case.mjs - runs one corpus case: its steps in order, each a tool call through a session, or
// an action of the human on the host (approve, a shell command). Collects every text the client
// got back, so the caller can look for secrets in it, and waits for background jobs to end.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_BIN } from './sessions.mjs';

const MAX_TEXT = 8 * 1024 * 1024;

function sh(command, timeoutMs = 60_000) {
  return new Promise((resolve) => {
    execFile('/bin/bash', ['-c', command], { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
export { sh };

/** Replaces {{name}} and {{file:payload}} in every string of `value`. */
export function fill(value, vars, payloadDir) {
  if (typeof value === 'string') {
    return value.replace(/\{\{(file:)?([A-Za-z0-9_.-]+)\}\}/g, (all, file, name) => {
      if (file) return readFileSync(join(payloadDir, name), 'utf8');
      if (!(name in vars)) throw new Error(`the case uses {{${name}}} but no earlier step captured it`);
      return vars[name];
    });
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars, payloadDir));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars, payloadDir)]));
  return value;
}

/** The approval id a result hands out, wherever it says it (structured field or text). */
export function approvalIdOf(result) {
  const sc = result?.structuredContent ?? {};
  for (const v of [sc.approval_id, sc.approval?.id, sc.pending_approval?.id, sc.approvalId]) if (typeof v === 'string' && v) return v;
  const text = textOf(result);
  const m = /approval[_ ]id\W{0,4}([A-Za-z0-9][A-Za-z0-9_-]{2,63})/i.exec(text) ?? /ldm-mcp-server approve\s+([A-Za-z0-9][A-Za-z0-9_-]{2,63})/.exec(text);
  return m ? m[1] : null;
}

export function textOf(result) {
  const parts = [];
  for (const c of result?.content ?? []) parts.push(c.type === 'text' ? c.text : JSON.stringify(c));
  if (result?.structuredContent) parts.push(JSON.stringify(result.structuredContent));
  if (result?.error) parts.push(String(result.error));
  return parts.join('\n').slice(0, MAX_TEXT);
}

async function call(session, name, args, timeoutMs) {
  try {
    return await session.client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs, resetTimeoutOnProgress: true, maxTotalTimeout: timeoutMs * 3 });
  } catch (err) {
    return { error: `${err.name ?? 'Error'}: ${err.message}` };
  }
}

async function waitJob(session, id, waitMs, texts) {
  const until = Date.now() + waitMs;
  let state = 'running';
  while (state === 'running' && Date.now() < until) {
    const r = await call(session, 'job_status', { id }, 15_000);
    texts.push(textOf(r));
    state = r.structuredContent?.state ?? 'gone';
    if (state === 'running') await new Promise((res) => setTimeout(res, 300));
  }
  if (state === 'running') texts.push(textOf(await call(session, 'job_kill', { id }, 15_000)));
  texts.push(textOf(await call(session, 'job_output', { id }, 15_000)));
  return state;
}

/**
 * Runs `kase` (see README.md for the shape). Returns { texts, results, notes, checks } where
 * checks are the outcomes of the case's own host checks (expect: must hold; breach_if: must not).
 */
export async function runCase(kase, { sessions, payloadDir }) {
  const texts = [];
  const results = [];
  const notes = [];
  const checks = [];
  const vars = {};
  const steps = kase.steps ?? [{ tool: kase.tool, args: kase.args }];
  for (const [i, raw] of steps.entries()) {
    let step;
    try {
      step = fill(raw, vars, payloadDir);
    } catch (err) {
      // An earlier step was refused, so there is nothing to follow up: the rest cannot run.
      notes.push(`step ${i} and later not run: ${err.message}`);
      break;
    }
    if (step.op === 'approve') {
      // The human, as root on the host, approves a pending request out of band.
      const r = await sh(`${SERVER_BIN} approve ${step.id ?? vars.approval_id} --yes </dev/null`);
      notes.push(`step ${i}: approve ${step.id ?? vars.approval_id}: exit ${r.code} ${(r.stdout + r.stderr).trim().slice(0, 200)}`);
      continue;
    }
    if (step.op === 'host') {
      const r = await sh(step.run);
      if (r.code !== 0) notes.push(`step ${i}: host command exited ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
      continue;
    }
    if (step.op === 'sleep') { await new Promise((res) => setTimeout(res, Math.min(step.ms, 30_000))); continue; }
    const session = await sessions.get(step.transport ?? kase.transport ?? 'stdio', step.mode ?? kase.mode ?? 'none', step.session ?? 'a');
    const timeoutMs = (step.timeout_s ?? kase.timeout_s ?? 60) * 1000;
    const r = await call(session, step.tool, step.args ?? {}, timeoutMs);
    texts.push(textOf(r));
    results.push(r);
    const id = approvalIdOf(r);
    if (id && step.capture !== false) vars.approval_id = id;
    const job = r.structuredContent?.job_id;
    if (typeof job === 'string' && job) vars.job_id = job;
    if (typeof job === 'string' && job && step.wait !== false) {
      const state = await waitJob(session, job, (kase.job_wait_s ?? 20) * 1000, texts);
      notes.push(`step ${i}: job ${job} ended ${state}`);
    }
    if (step.expect) checks.push({ kind: 'expect', step: i, what: step.expect, ok: (await sh(step.expect)).code === 0 });
  }
  if (kase.breach_if) checks.push({ kind: 'breach_if', what: kase.breach_if, ok: (await sh(kase.breach_if)).code !== 0 });
  return { texts, results, notes, checks, vars };
}
