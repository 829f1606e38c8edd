// Position-by-position comparison of a cluster's template token with a new line's masked token.
// Drain only knows "equal" or "not equal"; here a difference is either SOFT (two words in the
// same slot: the slot is a variable, generalise it) or HARD (the tokens have different shapes,
// differ in a categorical key=value, or differ in a constant of the identity rule — a capitals
// word, a single-quoted keyword, a kept number: docs/fingerprint.md "What is kept" — so they come
// from different events and must not merge).

import { isConstantWord, WILDCARD } from './mask-tokens';

export const MATCH = 0;
export const SOFT = 1;
export const HARD = 2;
export type Verdict = typeof MATCH | typeof SOFT | typeof HARD;

const DELIM = new Uint8Array(128);
for (const ch of '=:,;()[]{}<>"\'|') DELIM[ch.charCodeAt(0)] = 1;
const isDelimCode = (c: number): boolean => c < 128 && DELIM[c] === 1;
const isDelimChar = (ch: string): boolean => isDelimCode(ch.charCodeAt(0));

/** Splits a masked token into words and single delimiter characters; "<*>" stays one word. */
export function segments(t: string): string[] {
  const out: string[] = [];
  let word = '';
  for (let i = 0; i < t.length; i++) {
    if (t.startsWith(WILDCARD, i)) {
      word += WILDCARD;
      i += 2;
      continue;
    }
    const ch = t[i]!;
    if (isDelimChar(ch)) {
      out.push(word, ch);
      word = '';
    } else word += ch;
  }
  out.push(word);
  return out;
}

// A delimiter outside "<*>": the token has a shape beyond one word.
function hasStructure(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 60 && t.charCodeAt(i + 1) === 42 && t.charCodeAt(i + 2) === 62) i += 2;
    else if (isDelimCode(c)) return true;
  }
  return false;
}

// Two words in one slot are a variable, unless one of them is a constant (isConstantWord).
const wordVerdict = (a: string, b: string): Verdict => (isConstantWord(a) || isConstantWord(b) ? HARD : SOFT);

// "<*>" followed only by delimiters or punctuation ("<*>,", "<*>):"): the suffix, else null.
function wildcardSuffix(t: string): string | null {
  if (!t.startsWith(WILDCARD)) return null;
  for (let i = WILDCARD.length; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (!isDelimCode(c) && c !== 46 && c !== 33) return null;
  }
  return t.slice(WILDCARD.length);
}

/**
 * A variable followed by punctuation takes any value followed by the same punctuation, whatever
 * its shape: `synchronized to <*>, stratum <*>` covers `LOCAL(0),` as it covers `10.0.0.1,`.
 * null when neither token is such a variable.
 */
function absorb(tmpl: string, line: string): Comparison | null {
  const ts = wildcardSuffix(tmpl);
  if (ts !== null && line.endsWith(ts) && line.length > ts.length) return { verdict: MATCH, merged: tmpl };
  const ls = wildcardSuffix(line);
  if (ls !== null && tmpl.endsWith(ls) && tmpl.length > ls.length) return { verdict: SOFT, merged: line };
  return null;
}

/** compareTokens(tmpl, line).verdict without building the merged token: the search's inner loop. */
export function compareVerdict(tmpl: string, line: string): Verdict {
  if (tmpl === line || tmpl === WILDCARD) return MATCH;
  const tStruct = hasStructure(tmpl);
  if (tStruct !== hasStructure(line)) return absorb(tmpl, line)?.verdict ?? HARD;
  if (!tStruct) return wordVerdict(tmpl, line);
  return compareTokens(tmpl, line).verdict;
}

export interface Comparison {
  verdict: Verdict;
  /** The template token that covers both, when the verdict is not HARD. */
  merged: string;
}

/** Compares a template token with a line token (both masked). */
export function compareTokens(tmpl: string, line: string): Comparison {
  if (tmpl === line || tmpl === WILDCARD) return { verdict: MATCH, merged: tmpl };
  const tStruct = hasStructure(tmpl);
  const lStruct = hasStructure(line);
  if (!tStruct && !lStruct) return wordVerdict(tmpl, line) === HARD ? { verdict: HARD, merged: tmpl } : { verdict: SOFT, merged: WILDCARD };
  if (tStruct !== lStruct) return absorb(tmpl, line) ?? { verdict: HARD, merged: tmpl };
  const ts = segments(tmpl);
  const ls = segments(line);
  if (ts.length !== ls.length) return absorb(tmpl, line) ?? { verdict: HARD, merged: tmpl };
  let verdict: Verdict = MATCH;
  const merged: string[] = new Array(ts.length);
  for (let i = 0; i < ts.length; i++) {
    const a = ts[i]!;
    const b = ls[i]!;
    if (a === b) {
      merged[i] = a;
      continue;
    }
    if (i % 2 === 1) return { verdict: HARD, merged: tmpl }; // different delimiters: different shapes
    if (a === WILDCARD || (b === WILDCARD && a === '')) {
      // A variable slot takes any value, the empty one included: "()" is "(<*>)" with no host.
      merged[i] = WILDCARD;
      continue;
    }
    if (a === '' || b === '') return { verdict: HARD, merged: tmpl }; // "(uid=<*>)" vs "LOGIN(uid=<*>)"
    // A kept value of one key is categorical (`code=exited` vs `code=killed`); when the key
    // differs as well, the token is a generic property (`environment:os.name=Linux`).
    if (i > 1 && ts[i - 1] === '=' && ts[i - 2] === ls[i - 2]) return { verdict: HARD, merged: tmpl };
    // A quoted value of a key is data (`tag="SCREEN_FROZEN"`), whatever its case.
    const quotedValue = i > 2 && ts[i - 1] === '"' && ts[i - 3] === '=';
    const constant = !quotedValue && (isConstantWord(a) || isConstantWord(b));
    if (constant || isQuotedWord(ts, i) || isNumber(a) || isNumber(b)) return { verdict: HARD, merged: tmpl };
    merged[i] = WILDCARD;
    verdict = SOFT;
  }
  return { verdict, merged: merged.join('') };
}

// A word alone between single quotes is a keyword the program names (systemd's `Failed with
// result 'exit-code'` vs `'oom-kill'`); double quotes usually hold data (a host, a path, a request).
const isQuotedWord = (segs: readonly string[], i: number): boolean =>
  i > 0 && i + 1 < segs.length && segs[i - 1] === "'" && segs[i + 1] === "'";

// Masking keeps a number only where it is a constant (an errno), so two kept numbers differ HARD.
function isNumber(w: string): boolean {
  if (w === '') return false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
