// Figures for the command/path policy and the redactor (docs/policy.md):
//  1. start-up wall time and peak RSS of a bundled Node process that loads the policy engine,
//     against a baseline bundle that loads only zod and the policy config schema (which every
//     binary loads anyway), plus the first decision's time in a fresh process;
//  2. redactSecrets on 64 KiB outputs, against the old two-regex placeholder on the same input;
//  3. decideCommand per command over the test corpora, against parseShell alone.
// Usage: node bench/policy.mjs [runs]   (default 15 process runs per variant)
import { build } from 'esbuild';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { median, fmt } from './lib/measure.mjs';

/** Wall time by hrtime (GNU time's %e has 10 ms resolution) and peak RSS by GNU time, interleaved. */
function measurePair(a, b, runs) {
  const out = { a: { wall: [], rss: [] }, b: { wall: [], rss: [] } };
  for (let i = 0; i < runs * 2; i++) {
    const [key, file] = i % 2 === 0 ? ['a', a] : ['b', b];
    const t = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %M', process.execPath, file], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const m = /__TIME__ (\d+)/.exec(r.stderr);
    if (r.status !== 0 || !m || r.stdout !== '') throw new Error(`${file} failed: ${r.stdout}${r.stderr}`);
    out[key].wall.push(ms);
    out[key].rss.push(Number(m[1]) / 1024);
  }
  const sum = (x) => ({ wallMs: median(x.wall), rssMb: median(x.rss) });
  return { a: sum(out.a), b: sum(out.b) };
}

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 15);
const tmp = mkdtempSync(join(tmpdir(), 'ldm-policy-bench-'));
const src = (p) => JSON.stringify(join(root, 'packages/core/src', p));

const entries = {
  // Every binary already loads zod and the policy's config schema (ConfigSchema composes it):
  // the baseline is exactly that, so the difference is the engine (parser, rules, redactor).
  baseline: `import { PolicyConfigSchema } from ${src('policy/policy-config')};
const p = PolicyConfigSchema.parse({});
process.stdout.write(p.mode === 'standard' ? '' : 'unexpected');`,
  // What a binary pays at start-up: loading the engine and parsing its config section. The first
  // decision happens on the first tools/call, not at start-up; it is timed separately (cold).
  policy: `import { PolicyConfigSchema } from ${src('policy/policy-config')};
import { decideCommand } from ${src('policy/decide-command')};
import { decidePath } from ${src('policy/decide-path')};
import { redactSecrets } from ${src('redact/redact-secrets')};
const p = PolicyConfigSchema.parse({});
process.stdout.write(typeof decideCommand === 'function' && typeof decidePath === 'function' && p.mode === 'standard' && redactSecrets('password=hunter2') === 'password=[REDACTED]' ? '' : 'unexpected');`,
  cold: `import { PolicyConfigSchema } from ${src('policy/policy-config')};
import { decideCommand } from ${src('policy/decide-command')};
const ctx = { configFile: '/etc/ldm/config.json', suiteUnits: ['ldm-healthcheck.service'], protectedPaths: ['/var/lib/ldm'] };
const p = PolicyConfigSchema.parse({});
const t = performance.now();
const d = decideCommand({ command: "sudo sh -c 'journalctl -u nginx | tail -n 50'" }, p, ctx);
const cold = performance.now() - t;
const t2 = performance.now();
decideCommand({ command: 'df -h | grep -v tmpfs' }, p, ctx);
process.stdout.write(d.action === 'allow' ? JSON.stringify({ cold, second: performance.now() - t2 }) : 'unexpected');`,
  // In-process: the time to load and evaluate the engine's code once zod and the config schema are
  // loaded (a separate chunk, so the figure is not drowned by process start-up noise).
  evalcost: `await import(${src('policy/policy-config')});
const t = performance.now();
const m = await import('./engine');
const ms = performance.now() - t;
process.stdout.write(typeof m.decideCommand === 'function' ? JSON.stringify({ ms }) : 'unexpected');`,
  engine: `export { decideCommand } from ${src('policy/decide-command')};
export { decidePath } from ${src('policy/decide-path')};
export { resolvePathForPolicy } from ${src('policy/resolve-path')};
export { redactSecrets } from ${src('redact/redact-secrets')};`,
  inproc: `export { redactSecrets } from ${src('redact/redact-secrets')};
export { decideCommand } from ${src('policy/decide-command')};
export { parseShell } from ${src('policy/shell-parse')};
export { PolicyConfigSchema } from ${src('policy/policy-config')};
export { DANGEROUS, EVERYDAY, CTX } from ${JSON.stringify(join(root, 'packages/core/test/policy/corpus.ts'))};`,
};
for (const [name, code] of Object.entries(entries)) writeFileSync(join(tmp, `${name}.ts`), code);
await build({
  entryPoints: Object.keys(entries).filter((n) => n !== 'evalcost' && n !== 'engine').map((n) => join(tmp, `${n}.ts`)),
  outdir: tmp,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
  nodePaths: [join(root, 'node_modules')],
});

// The split build: zod and the config schema in one chunk, the engine in another.
await build({
  entryPoints: [join(tmp, 'evalcost.ts')],
  outdir: join(tmp, 'split'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
  nodePaths: [join(root, 'node_modules')],
});

try {
  console.log(`node ${process.version}, ${runs} runs per variant, medians`);
  console.log('\n1. start-up of a bundled process (load the engine and parse the policy config, exit)');
  const { a: base, b: pol } = measurePair(join(tmp, 'baseline.mjs'), join(tmp, 'policy.mjs'), runs);
  console.log(`   baseline (zod + config) wall ${fmt(base.wallMs)} ms   peak RSS ${fmt(base.rssMb)} MB`);
  console.log(`   with the policy engine  wall ${fmt(pol.wallMs)} ms   peak RSS ${fmt(pol.rssMb)} MB`);
  console.log(`   added                   wall ${fmt(pol.wallMs - base.wallMs)} ms (x${fmt(pol.wallMs / base.wallMs, 2)})   peak RSS ${fmt(pol.rssMb - base.rssMb)} MB`);

  const colds = [];
  const seconds = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [join(tmp, 'cold.mjs')], { encoding: 'utf8' });
    const { cold, second } = JSON.parse(r.stdout);
    colds.push(cold);
    seconds.push(second);
  }
  const evals = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [join(tmp, 'split', 'evalcost.mjs')], { encoding: 'utf8' });
    evals.push(JSON.parse(r.stdout).ms);
  }
  console.log(`   engine code load + evaluation, in-process after zod and the config schema: ${fmt(median(evals), 2)} ms`);
  console.log(`   first decision in a fresh process ${fmt(median(colds), 2)} ms (cold JIT), the next one ${fmt(median(seconds), 2)} ms`);

  const m = await import(join(tmp, 'inproc.mjs'));
  const placeholder = (text) =>
    text
      .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[REDACTED PRIVATE KEY]')
      .replace(/\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,]+)/gi, '$1$2[REDACTED]');
  const KiB64 = 64 * 1024;
  const fill = (unit) => unit.repeat(Math.ceil(KiB64 / unit.length)).slice(0, KiB64);
  const journal = 'Nov 24 04:00:01 host nginx[812]: 2026/11/24 04:00:01 [error] 812#812: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.7, server: example.com, request: "GET /api/v1/items?page=2 HTTP/1.1"\n';
  const inputs = {
    'journal lines, no secrets': fill(journal),
    'journal + a secret every 2 KiB': fill(journal.repeat(9) + 'Nov 24 app[1]: connecting with password=hunter2 token=ghp_' + 'a'.repeat(36) + ' Authorization: Bearer abcdefgh12345678\n'),
    'one 64 KiB base64 blob': fill('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkrLw'),
    '64 KiB of key=value pairs': fill('abc_def=ghi_jkl '),
    'JSON config dump': fill('{"name":"app","password":"s3cr3t","url":"postgres://u:p@db/x","retries":3},\n'),
  };
  const time = (fn, input) => {
    for (let i = 0; i < 5; i++) fn(input);
    const samples = [];
    for (let i = 0; i < 40; i++) {
      const t = process.hrtime.bigint();
      fn(input);
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return median(samples);
  };
  console.log('\n2. redactSecrets on 64 KiB (ms per call)');
  for (const [name, input] of Object.entries(inputs)) {
    const ours = time(m.redactSecrets, input);
    const old = time(placeholder, input);
    console.log(`   ${name.padEnd(34)} redactSecrets ${fmt(ours, 2).padStart(6)}   placeholder (2 regexes) ${fmt(old, 2).padStart(6)}`);
  }

  console.log('\n3. decideCommand over the corpora (µs per command)');
  const policy = m.PolicyConfigSchema.parse({});
  const all = [...m.DANGEROUS.map((c) => c.command), ...m.EVERYDAY.map((c) => c.command)];
  const perCall = (fn) => {
    for (let i = 0; i < 3; i++) for (const c of all) fn(c);
    const samples = [];
    for (let r = 0; r < 15; r++) {
      const t = process.hrtime.bigint();
      for (const c of all) fn(c);
      samples.push(Number(process.hrtime.bigint() - t) / 1e3 / all.length);
    }
    return median(samples);
  };
  const decide = perCall((c) => m.decideCommand({ command: c }, policy, m.CTX));
  const parse = perCall((c) => m.parseShell(c));
  console.log(`   ${all.length} commands: decideCommand ${fmt(decide)} µs   parseShell alone ${fmt(parse)} µs`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
