// Benchmark of the log fingerprinting engine: grouping accuracy (GA, FGA) on Loghub Linux_2k and
// on the hand-labelled journal-like corpus, then speed in-process and of the command line.
// Run: `node bench/fingerprint.mjs` (builds first). Figures go to stdout; docs/fingerprint.md
// records them. Absolute speeds are noisy on a shared VM: compare with the baselines printed
// from the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fingerprinter, groupingScore, maskVariables, splitSyslogHeader, type FingerprinterOptionsInput, type GroupingScore } from '@ldm/core';
import { DrainBaseline } from '../drain-baseline';
import { letters, LOGHUB_2K_SYSTEMS, loadJournalCorpus, loadLoghub2k, loadLoghubLinux, repoRoot, type LabelledCorpus } from '../fingerprint-data';

const root = repoRoot();
const f3 = (x: number): string => x.toFixed(3);

function score(lines: readonly string[], truth: readonly string[], options: FingerprinterOptionsInput = {}): GroupingScore {
  const fp = new Fingerprinter(options);
  // Ids as learnt, resolved at the end: what the CLI prints for each line.
  const ids = lines.map((l) => fp.learn(l).fingerprint);
  return groupingScore(ids.map((id) => fp.resolve(id)), truth);
}

function row(name: string, s: GroupingScore, d?: GroupingScore): string {
  const drain = d === undefined ? '' : ` ${f3(d.ga)} | ${f3(d.fga)} |`;
  return `| ${name} | ${f3(s.ga)} | ${f3(s.fga)} | ${s.predictedGroups} / ${s.trueGroups} |${drain}`;
}

function drainScore(lines: readonly string[], truth: readonly string[]): GroupingScore {
  const d = new DrainBaseline();
  return groupingScore(lines.map((l) => String(d.add(l))), truth);
}

function accuracy(): void {
  const linux = loadLoghubLinux();
  const journal = loadJournalCorpus();
  const rawMessages = (c: LabelledCorpus): string[] => c.raw.map((l) => splitSyslogHeader(l).message);
  console.log('## Grouping accuracy (default options)\n');
  console.log('Drain: bench/drain-baseline.ts, Drain3\'s algorithm and defaults re-implemented, fed the same messages.\n');
  console.log('| corpus, input | GA | FGA | groups found / true | Drain GA | Drain FGA |');
  console.log('|---|---|---|---|---|---|');
  const both = (name: string, lines: string[], truth: string[]): void => console.log(row(name, score(lines, truth), drainScore(lines, truth)));
  both(`${linux.name}, Content column`, linux.content, linux.truth);
  both(`${linux.name}, raw lines (header split by splitSyslogHeader)`, rawMessages(linux), linux.truth);
  const thunderbird = loadLoghub2k('Thunderbird');
  both(`${thunderbird.name}, raw lines (collector prefix + syslog header split by splitSyslogHeader)`, rawMessages(thunderbird), thunderbird.truth);
  both(`${journal.name}, messages`, journal.content, journal.truth);
  both(`${journal.name}, raw lines (header split by splitSyslogHeader)`, rawMessages(journal), journal.truth);

  // What stateless masking alone achieves, the template text being the group key: the online
  // parser's merging of plain words that vary is what lifts GA.
  console.log('\nStateless masking alone (the masked text is the group key), messages:\n');
  console.log('| masker | Linux_2k GA | Linux_2k FGA | journal-like GA | journal-like FGA |');
  console.log('|---|---|---|---|---|');
  for (const [name, mask] of [['maskVariables (fingerprint/mask-tokens.ts)', (l: string) => maskVariables(l)]] as const) {
    const a = groupingScore(linux.content.map(mask), linux.truth);
    const b = groupingScore(journal.content.map(mask), journal.truth);
    console.log(`| ${name} | ${f3(a.ga)} | ${f3(a.fga)} | ${f3(b.ga)} | ${f3(b.fga)} |`);
  }
  // Categorical vs identifier values (docs/fingerprint.md): user=root/guest/test are three events
  // in Linux_2k's labels, and kept apart only while a slot's distinct values stay few.
  console.log('\nmaxCategoryValues (plain-word values of variable keys such as user=), messages:\n');
  console.log('| maxCategoryValues | Linux_2k GA | Linux_2k FGA | journal-like GA | journal-like FGA |');
  console.log('|---|---|---|---|---|');
  for (const m of [0, 2, 3, 4, 8]) {
    const a = score(linux.content, linux.truth, { maxCategoryValues: m });
    const b = score(journal.content, journal.truth, { maxCategoryValues: m });
    console.log(`| ${m}${m === 4 ? ' (default)' : m === 0 ? ' (mask at once, as before)' : ''} | ${f3(a.ga)} | ${f3(a.fga)} | ${f3(b.ga)} | ${f3(b.fga)} |`);
  }
}

// The 16 Loghub 2k sets, Content column as published parsers are scored, ours and plain Drain
// side by side; time is the median of 5 runs of each over all 32,000 lines, interleaved.
function loghub16(): void {
  const sets = LOGHUB_2K_SYSTEMS.map((s) => loadLoghub2k(s));
  const ours = (lines: readonly string[]): string[] => {
    const fp = new Fingerprinter();
    const ids = lines.map((l) => fp.learn(l).fingerprint);
    return ids.map((id) => fp.resolve(id));
  };
  const drain = (lines: readonly string[]): string[] => {
    const d = new DrainBaseline();
    return lines.map((l) => String(d.add(l)));
  };
  console.log('\n## Held-out grouping accuracy: the 16 Loghub 2k sets (Content column, default options)\n');
  console.log('| set | GA | FGA | groups found / true | Drain GA | Drain FGA |');
  console.log('|---|---|---|---|---|---|');
  let sum = 0;
  let sumDrain = 0;
  let sumF = 0;
  let sumDrainF = 0;
  for (const c of sets) {
    const a = groupingScore(ours(c.content), c.truth);
    const d = groupingScore(drain(c.content), c.truth);
    sum += a.ga;
    sumDrain += d.ga;
    sumF += a.fga;
    sumDrainF += d.fga;
    const mark = a.ga >= d.ga ? '' : ' (below Drain)';
    console.log(`| ${c.name.replace('Loghub ', '')}${mark} | ${f3(a.ga)} | ${f3(a.fga)} | ${a.predictedGroups} / ${a.trueGroups} | ${f3(d.ga)} | ${f3(d.fga)} |`);
  }
  const n = sets.length;
  console.log(`| **mean** | **${f3(sum / n)}** | ${f3(sumF / n)} | | ${f3(sumDrain / n)} | ${f3(sumDrainF / n)} |`);
  const tOurs: number[] = [];
  const tDrain: number[] = [];
  for (let r = 0; r < 5; r++) {
    tOurs.push(timeIt(() => sets.forEach((c) => ours(c.content))));
    tDrain.push(timeIt(() => sets.forEach((c) => drain(c.content))));
  }
  const lines = sets.reduce((k, c) => k + c.content.length, 0);
  const rate = (t: number): string => Math.round(lines / t).toLocaleString('en-US');
  console.log(`\nSpeed over the ${lines.toLocaleString('en-US')} lines, one fresh parser per set, median of 5 (same run): ours ${f3(median(tOurs))} s (${rate(median(tOurs))} lines/s), Drain (TypeScript) ${f3(median(tDrain))} s (${rate(median(tDrain))} lines/s).`);
}

function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function speed(): void {
  const linux = loadLoghubLinux();
  const lines: string[] = [];
  for (let k = 0; k < 100; k++) lines.push(...linux.raw);
  const n = lines.length;
  const dir = mkdtempSync(join(tmpdir(), 'ldm-fp-bench-'));
  try {
    const file = join(dir, 'linux-200k.log');
    writeFileSync(file, `${lines.join('\n')}\n`);

    console.log(`\n## Speed: Linux_2k raw lines repeated to ${n} lines, one core\n`);
    console.log('| what | time | lines/s |');
    console.log('|---|---|---|');
    const inProcess = (label: string, options: FingerprinterOptionsInput): void => {
      const runs: number[] = [];
      for (let r = 0; r < 3; r++) {
        const fp = new Fingerprinter(options);
        runs.push(timeIt(() => {
          for (const l of lines) fp.learn(splitSyslogHeader(l).message);
        }));
      }
      const t = median(runs);
      console.log(`| in-process, ${label} | ${f3(t)} s | ${Math.round(n / t).toLocaleString('en-US')} |`);
    };
    inProcess('header split + learn (default: exact-message cache)', {});
    inProcess('header split + learn, cache off (every line masked and matched)', { cacheSize: 0 });

    const cli = join(root, 'dist/ldm-fingerprint.mjs');
    const wall = (args: string[], cmd = process.execPath): number => {
      const runs: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t0 = process.hrtime.bigint();
        const res = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
        runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
        if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status}: ${res.stderr}`);
      }
      return median(runs);
    };
    const startup = wall(['-e', '']);
    const copy = wall(['-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]);
    const tCli = wall([cli, file]);
    console.log(`| CLI \`node dist/ldm-fingerprint.mjs FILE\`, whole process (median of 5) | ${f3(tCli)} s | ${Math.round(n / tCli).toLocaleString('en-US')} |`);
    const tNpm = wall(['run', '--silent', 'fingerprint', '--', file], 'npm');
    console.log(`| CLI \`npm run fingerprint -- FILE\`, whole process (median of 5) | ${f3(tNpm)} s | ${Math.round(n / tNpm).toLocaleString('en-US')} |`);
    console.log(`| baseline: \`node -e ''\` (start-up only) | ${f3(startup)} s | |`);
    console.log(`| baseline: node reading the file and writing it to stdout | ${f3(copy)} s | |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function stateSize(): void {
  // 100,000 varied lines from many event shapes: the persisted state stays bounded by maxClusters.
  const fp = new Fingerprinter();
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  for (let i = 0; i < 100_000; i++) {
    const w = words[i % 10]!;
    const v = words[Math.floor(i / 10) % 10]!;
    // 7,919 distinct first words: each is a new cluster, so eviction runs all the time.
    const shape = letters(i % 7919);
    fp.learn(`${shape} ${w} ${v} happened for id ${i} at 10.0.${i % 256}.${(i * 7) % 256} in ${shape}-${v}`);
  }
  const json = JSON.stringify(fp.toJSON());
  console.log(`\n## Persisted state\n\nAfter 100,000 varied lines (7,919 shapes): ${fp.size} clusters, ${json.length.toLocaleString('en-US')} bytes of JSON (maxClusters ${fp.options.maxClusters}).`);
}

console.log(`# ldm fingerprint benchmark (${new Date().toISOString()}, node ${process.version}, commit ${gitHead()})\n`);
accuracy();
loghub16();
speed();
stateSize();

function gitHead(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
