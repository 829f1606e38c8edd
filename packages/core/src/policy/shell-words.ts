// What can be known statically about a parsed word: its literal value, whether it is a glob, and
// which strings it could expand to (as a regular expression), after bash's brace expansion.
import type { Cell, Word } from './shell-parse';
import { wordText } from './shell-parse';

const MAX_BRACE_WORDS = 256;

export class BraceExpansionError extends Error {}

/** True when the word is one fixed string: no expansions and no glob. */
export function isLiteral(w: Word): boolean {
  return w.cells.every((c) => 'ch' in c) && !isGlob(w);
}

export function hasExpansion(w: Word): boolean {
  return w.cells.some((c) => 'dyn' in c);
}

/** The word's value when it is literal, otherwise null. */
export function literal(w: Word): string | null {
  return isLiteral(w) ? wordText(w) : null;
}

export function isGlob(w: Word): boolean {
  const cells = w.cells;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (!('ch' in c) || c.quoted) continue;
    if (c.ch === '*' || c.ch === '?') return true;
    if (c.ch === '[' && classEnd(cells, i) !== -1) return true;
  }
  return false;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A regular expression over every string the word could become. Unknown expansions match anything
 * (including "/"), glob `*` and `?` match within one path segment, as bash's pathname expansion does.
 */
/** Beyond this many wildcards a word is treated as "could be anything": bounds backtracking. */
const MAX_WILDCARDS = 12;

export function wordRegex(w: Word): RegExp {
  let re = '';
  const cells = w.cells;
  const wild = cells.filter((c) => 'dyn' in c || (!c.quoted && (c.ch === '*' || c.ch === '?' || c.ch === '['))).length;
  if (wild > MAX_WILDCARDS) return /^.*$/s;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if ('dyn' in c) {
      if (!re.endsWith('.*')) re += '.*';
      continue;
    }
    if (c.quoted) {
      re += esc(c.ch);
      continue;
    }
    if (c.ch === '*') {
      if (!re.endsWith('[^/]*')) re += '[^/]*';
    }
    else if (c.ch === '?') re += '[^/]';
    else if (c.ch === '[') {
      const close = classEnd(cells, i);
      if (close === -1) {
        re += '\\[';
        continue;
      }
      let cls = cells
        .slice(i + 1, close)
        .map((d) => ('ch' in d ? d.ch : ''))
        .join('');
      const negated = cls.startsWith('!') || cls.startsWith('^');
      if (negated) cls = cls.slice(1);
      if (/\[[:=.]/.test(cls)) {
        // POSIX classes and collating elements: over-approximate as any one character.
        re += '[^/]';
      } else {
        re += `[${negated ? '^' : ''}${cls.replace(/\\/g, '\\\\').replace(/\]/g, '\\]')}]`;
      }
      i = close;
    } else re += esc(c.ch);
  }
  try {
    return new RegExp(`^${re}$`, 's');
  } catch {
    return /^.*$/s;
  }
}

/** The index of the `]` closing a bracket expression at `open`, or -1. Handles `[]...]`, `[!]...]`, `[:alpha:]`. */
function classEnd(cells: Cell[], open: number): number {
  let j = open + 1;
  const isC = (k: number, ch: string): boolean => {
    const d = cells[k];
    return !!d && 'ch' in d && d.ch === ch;
  };
  if (isC(j, '!') || isC(j, '^')) j++;
  if (isC(j, ']')) j++;
  for (; j < cells.length; j++) {
    const d = cells[j]!;
    if (!('ch' in d)) return -1;
    if (d.ch === '[' && (isC(j + 1, ':') || isC(j + 1, '=') || isC(j + 1, '.'))) {
      const kind = (cells[j + 1] as { ch: string }).ch;
      let k = j + 2;
      while (k < cells.length && !(isC(k, kind) && isC(k + 1, ']'))) k++;
      if (k >= cells.length) return -1;
      j = k + 1;
      continue;
    }
    if (d.ch === ']' && !d.quoted) return j;
  }
  return -1;
}

/** Could the word expand to `value`? Exact for literals, an over-approximation otherwise. */
export function couldBe(w: Word, value: string): boolean {
  const lit = literal(w);
  if (lit !== null) return lit === value;
  return wordRegex(w).test(value);
}

/** The literal characters before the first glob or expansion. */
export function literalPrefix(w: Word): string {
  let out = '';
  for (const c of w.cells) {
    if ('dyn' in c) break;
    if (!c.quoted && (c.ch === '*' || c.ch === '?' || c.ch === '[')) break;
    out += c.ch;
  }
  return out;
}

/** Builds a literal word, e.g. for arguments a wrapper adds. */
export function literalWord(text: string): Word {
  return { cells: [...text].map((ch) => ({ ch, quoted: true })), raw: text };
}

export function dynamicWord(raw: string): Word {
  return { cells: [{ dyn: raw }], raw };
}

/** Bash brace expansion: `{a,b}` and `{1..3}` in unquoted text become several words. */
export function braceExpand(w: Word): Word[] {
  const out = expandCells(w.cells, 0);
  if (out.length > MAX_BRACE_WORDS) throw new BraceExpansionError(`brace expansion of ${w.raw} yields more than ${MAX_BRACE_WORDS} words`);
  return out.length === 1 && out[0] === w.cells ? [w] : out.map((cells) => ({ cells, raw: w.raw }));
}

const isCh = (c: Cell | undefined, ch: string): boolean => !!c && 'ch' in c && !c.quoted && c.ch === ch;

function expandCells(cells: Cell[], depth: number): Cell[][] {
  if (depth > 8) throw new BraceExpansionError('brace expansion nested too deeply');
  for (let open = 0; open < cells.length; open++) {
    if (!isCh(cells[open], '{')) continue;
    // Find the matching close and the top-level commas.
    let level = 0;
    const commas: number[] = [];
    let close = -1;
    for (let j = open + 1; j < cells.length; j++) {
      if (isCh(cells[j], '{')) level++;
      else if (isCh(cells[j], '}')) {
        if (level === 0) {
          close = j;
          break;
        }
        level--;
      } else if (level === 0 && isCh(cells[j], ',')) commas.push(j);
    }
    if (close === -1) continue;
    const pre = cells.slice(0, open);
    const post = cells.slice(close + 1);
    let alternatives: Cell[][];
    if (commas.length > 0) {
      alternatives = [];
      let from = open + 1;
      for (const c of [...commas, close]) {
        alternatives.push(cells.slice(from, c));
        from = c + 1;
      }
    } else {
      const inner = cells.slice(open + 1, close);
      const seq = sequence(inner);
      if (!seq) continue;
      alternatives = seq.map((s) => [...s].map((ch) => ({ ch, quoted: true })));
    }
    const results: Cell[][] = [];
    for (const alt of alternatives) {
      for (const tail of expandCells([...alt, ...post], depth + 1)) {
        results.push([...pre, ...tail]);
        if (results.length > MAX_BRACE_WORDS) throw new BraceExpansionError(`brace expansion yields more than ${MAX_BRACE_WORDS} words`);
      }
    }
    return results;
  }
  return [cells];
}

function sequence(inner: Cell[]): string[] | null {
  if (inner.some((c) => !('ch' in c) || c.quoted)) return null;
  const text = inner.map((c) => ('ch' in c ? c.ch : '')).join('');
  const m = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$/.exec(text);
  if (!m) return null;
  const step = Math.abs(Number(m[3] ?? 1)) || 1;
  const num = /\d/.test(m[1]!);
  if (num !== /\d/.test(m[2]!)) return null;
  const a = num ? Number(m[1]) : m[1]!.charCodeAt(0);
  const b = num ? Number(m[2]) : m[2]!.charCodeAt(0);
  if (Math.abs(b - a) / step > MAX_BRACE_WORDS) throw new BraceExpansionError(`brace sequence {${text}} is too long`);
  const out: string[] = [];
  for (let v = a; a <= b ? v <= b : v >= b; v += a <= b ? step : -step) out.push(num ? String(v) : String.fromCharCode(v));
  return out;
}
