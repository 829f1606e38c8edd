// Loads the evaluation corpora for bench/fingerprint.ts: the Loghub Linux_2k set and the
// hand-labelled journal-like corpus. Paths are inside the repository, so a checkout can run it.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';

export interface LabelledCorpus {
  name: string;
  /** Full log lines, header included. */
  raw: string[];
  /** Messages alone, as published parsers are scored (Loghub's Content column). */
  content: string[];
  /** Ground-truth event id per line. */
  truth: string[];
}

/** The repository root: found upwards from this file, which runs from bench/ or bundled in dist/workers/. */
export function repoRoot(): string {
  let dir = dirname(new URL(import.meta.url).pathname);
  for (;;) {
    if (existsSync(join(dir, 'bench/data/loghub-linux'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`couldn't find the repository root above ${new URL(import.meta.url).pathname}`);
    dir = up;
  }
}

/** Minimal RFC 4180 CSV reader: quoted fields, doubled quotes, newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function loadLoghubLinux(): LabelledCorpus {
  const dir = join(repoRoot(), 'bench/data/loghub-linux');
  const raw = readFileSync(join(dir, 'Linux_2k.log'), 'utf8').split('\n').filter((l) => l !== '');
  const [head, ...rows] = parseCsv(readFileSync(join(dir, 'Linux_2k.log_structured_corrected.csv'), 'utf8'));
  const ci = head!.indexOf('Content');
  const ei = head!.indexOf('EventId');
  const data = rows.filter((r) => r.length === head!.length);
  if (data.length !== raw.length) throw new Error(`Linux_2k: ${raw.length} log lines but ${data.length} labelled rows`);
  return { name: 'Loghub Linux_2k', raw, content: data.map((r) => r[ci]!), truth: data.map((r) => r[ei]!) };
}

/** The journal-like corpus: "EVENT_ID<TAB>raw line" per line, labels assigned by hand. */
export function loadJournalCorpus(): LabelledCorpus {
  const file = join(repoRoot(), 'packages/core/test/fixtures/logs/journal-like/journal-like.tsv');
  const raw: string[] = [];
  const truth: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    truth.push(line.slice(0, tab));
    raw.push(line.slice(tab + 1));
  }
  // The message is what follows "host ident[pid]: " in journalctl -o short-iso output.
  const content = raw.map((l) => l.replace(/^\S+ \S+ [^ :]+: /, ''));
  return { name: 'journal-like (hand-labelled)', raw, content, truth };
}

/** 0 -> "a", 27 -> "bb": a word without digits, so masking keeps it (synthetic distinct events). */
export function letters(k: number): string {
  let s = '';
  do {
    s += String.fromCharCode(97 + (k % 26));
    k = Math.floor(k / 26);
  } while (k > 0);
  return s;
}

/**
 * The 16 Loghub 2k sets scored in the literature: Loghub-2.0's 14 with their corrected ground
 * truth, plus Android and Windows with Loghub's own (Loghub-2.0 did not correct those two).
 */
export const LOGHUB_2K_SYSTEMS = [
  'Android', 'Apache', 'BGL', 'HDFS', 'HPC', 'Hadoop', 'HealthApp', 'Linux',
  'Mac', 'OpenSSH', 'OpenStack', 'Proxifier', 'Spark', 'Thunderbird', 'Windows', 'Zookeeper',
] as const;

const gunzipText = (file: string): string => gunzipSync(readFileSync(file)).toString('utf8');

/** One Loghub 2k set from bench/data/loghub-2k (gzipped) or, for Linux, bench/data/loghub-linux. */
export function loadLoghub2k(system: (typeof LOGHUB_2K_SYSTEMS)[number]): LabelledCorpus {
  if (system === 'Linux') return loadLoghubLinux();
  const dir = join(repoRoot(), 'bench/data/loghub-2k');
  const corrected = join(dir, `${system}_2k.log_structured_corrected.csv.gz`);
  const csvFile = existsSync(corrected) ? corrected : join(dir, `${system}_2k.log_structured.csv.gz`);
  const raw = gunzipText(join(dir, `${system}_2k.log.gz`)).split('\n').filter((l) => l.trim() !== '');
  const [head, ...rows] = parseCsv(gunzipText(csvFile));
  const ci = head!.indexOf('Content');
  const ei = head!.indexOf('EventId');
  const data = rows.filter((r) => r.length === head!.length);
  if (data.length !== 2000) throw new Error(`${system}_2k: ${data.length} labelled rows in ${csvFile}, expected 2000`);
  return { name: `Loghub ${system}_2k`, raw: raw.slice(0, 2000), content: data.map((r) => r[ci]!), truth: data.map((r) => r[ei]!) };
}
