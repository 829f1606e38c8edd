// Turns a log message into masked tokens: the parts that vary between occurrences of the same
// event become <*>. Pure, and written as char-code scans because it runs once per new line:
// a regex per token costs several times more and this is the parser's hot path.

import { escapeControlChars } from '../../text/control-chars';

export const WILDCARD = '<*>';

/**
 * Keys whose values identify a principal, a peer or an object rather than the kind of event, so
 * their values are masked even when they are plain words (`user=root`, `rhost=example.org`).
 * Values holding a digit are masked whatever the key. Compared lower-cased.
 */
export const DEFAULT_VARIABLE_KEYS: readonly string[] = [
  'user', 'ruser', 'acct', 'account', 'login', 'logname', 'uid', 'euid', 'gid', 'auid', 'ses', 'session',
  'pid', 'ppid', 'tid', 'rhost', 'host', 'hostname', 'addr', 'laddr', 'raddr', 'ip', 'src', 'dst', 'client',
  'peer', 'remote', 'port', 'sport', 'dport', 'spt', 'dpt', 'mac', 'id', 'uuid', 'name', 'comm', 'exe',
  'cmd', 'path', 'file', 'dev', 'ino', 'inode', 'profile', 'unit', 'container', 'image', 'key', 'token',
];

export interface MaskOptions {
  /** Lower-cased keys whose values are always masked (see DEFAULT_VARIABLE_KEYS). */
  variableKeys: ReadonlySet<string>;
  /** Tokens longer than this are data (base64, hashes, long paths): masked whole. */
  maxTokenLength: number;
  /**
   * Keep an unquoted plain-word value of a variable key (`user=root`) instead of masking it, for
   * a caller that decides from the values it sees whether they are categories or identifiers
   * (the Fingerprinter: see categoryMask). Values with a digit are masked whatever this says.
   */
  keepWordValues?: boolean;
}

export const DEFAULT_MASK_OPTIONS: MaskOptions = {
  variableKeys: new Set(DEFAULT_VARIABLE_KEYS),
  maxTokenLength: 64,
};

const UNIT_SUFFIXES = [
  '.service', '.socket', '.timer', '.mount', '.automount', '.target', '.path', '.scope', '.slice', '.device', '.swap',
];
const MONTHS = new Set(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']);
const WEEKDAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
const isUpper = (c: number): boolean => c >= 65 && c <= 90;

/**
 * A word from a closed vocabulary: capitals (and '_'), at least two letters, no digit —
 * `EXEC`, `FAILURE`, `KILL`, `SIGSEGV`, `ENOENT`, `GET`, `WARN`. Programs print statuses,
 * signals, errno names, methods and levels this way, and they tell events apart, so they are
 * never masked and never generalised into `<*>` (compare-tokens.ts).
 */
export function isConstantWord(t: string, from = 0, to = t.length): boolean {
  if (to - from < 2 || !isUpper(t.charCodeAt(from))) return false;
  for (let k = from + 1; k < to; k++) {
    const c = t.charCodeAt(k);
    if (!isUpper(c) && c !== 95) return false;
  }
  return true;
}

// "<digits>/<CONSTANT>" (systemd's `status=203/EXEC`, `status=9/KILL`): the number is the
// instance's code, the word names the result; returns where the word starts, or -1.
function statusWordStart(t: string, from: number, to: number): number {
  let k = from;
  while (k < to && isDigit(t.charCodeAt(k))) k++;
  if (k === from || k >= to || t.charCodeAt(k) !== 47) return -1;
  return isConstantWord(t, k + 1, to) ? k + 1 : -1;
}

/**
 * A first token that names a subsystem or driver rather than an instance: letters, then a digit
 * run followed by more letters (`EXT4-fs`, `e1000e`, `mlx5_core`). A trailing digit run is an
 * instance counter (`sda1`, `eth0`, `dn228`), and a long run of hex digits is an id: both masked.
 */
export function isSubsystemName(t: string): boolean {
  let end = t.length;
  while (end > 0 && t.charCodeAt(end - 1) === 58) end--;
  if (end < 3 || !isLetter(t.charCodeAt(0))) return false;
  let allHex = true;
  let letterAfterDigit = false;
  let seenDigit = false;
  for (let k = 0; k < end; k++) {
    const c = t.charCodeAt(k);
    if (isDigit(c)) seenDigit = true;
    else if (isLetter(c)) {
      if (seenDigit) letterAfterDigit = true;
    } else if (c !== 45 && c !== 95) return false;
    if (!isHex(c)) allHex = false;
  }
  if (!letterAfterDigit || (allHex && end >= 8)) return false;
  // digits must not end the token: "usb1-1", "cpu3"
  return !isDigit(t.charCodeAt(end - 1));
}

// Characters that split a token into segments: each segment is masked or kept on its own, so
// `(uid=0)` becomes `(uid=<*>)` and keeps its shape. '.', '-', '/', '_' stay inside segments:
// they belong to IPs, host names, paths and versions, which are masked whole.
const DELIM = new Uint8Array(128);
for (const ch of '=:,;()[]{}<>"\'|') DELIM[ch.charCodeAt(0)] = 1;
const isDelim = (c: number): boolean => c < 128 && DELIM[c] === 1;

// Punctuation that ends a sentence or a clause rather than belonging to the value before it.
const isTrailingPunct = (c: number): boolean => c === 46 || c === 44 || c === 59 || c === 33; // . , ; !

function lower3(t: string): string | null {
  // A month or weekday name, optionally followed by ',' or '.'.
  const len = t.length;
  if (len < 3 || len > 4) return null;
  if (len === 4) {
    const last = t.charCodeAt(3);
    if (last !== 44 && last !== 46) return null;
  }
  return t.slice(0, 3).toLowerCase();
}

function allDigits(t: string, min: number, max: number): boolean {
  if (t.length < min || t.length > max) return false;
  for (let i = 0; i < t.length; i++) if (!isDigit(t.charCodeAt(i))) return false;
  return true;
}

// hh:mm or hh:mm:ss with optional fraction.
function isClock(t: string): boolean {
  if (t.length < 4) return false;
  let colons = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 58) colons++;
    else if (!isDigit(c) && c !== 46 && c !== 44) return false;
  }
  return colons >= 1 && colons <= 2 && isDigit(t.charCodeAt(0));
}

function isUpperWord(t: string, min: number, max: number): boolean {
  if (t.length < min || t.length > max) return false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

/**
 * Length in tokens of a human-readable date starting at raw[i] ("Fri Jun 17 07:07:00 2005",
 * "Jun 17 07:07:00", "Sat May 8 09:04:50 EDT 2004"), or 0. A date is one variable, whatever
 * number of tokens it spans, so it must become one <*>: otherwise the weekday and the month,
 * plain words, would make lines of the same event look different.
 */
function dateSpan(raw: string[], i: number): number {
  let j = i;
  const first = lower3(raw[j]!);
  if (first === null) return 0;
  if (WEEKDAYS.has(first)) {
    const next = raw[j + 1];
    if (next === undefined || !MONTHS.has(lower3(next) ?? '')) return 0;
    j++;
  } else if (!MONTHS.has(first)) return 0;
  // month, day, clock
  const day = raw[j + 1];
  const clock = raw[j + 2];
  if (day === undefined || !allDigits(day.replace(/,$/, ''), 1, 2)) return 0;
  if (clock === undefined || !isClock(clock)) return 0;
  j += 3;
  if (raw[j] !== undefined && isUpperWord(raw[j]!, 3, 4) && raw[j + 1] !== undefined && allDigits(raw[j + 1]!, 4, 4)) j += 2;
  else if (raw[j] !== undefined && allDigits(raw[j]!, 4, 4)) j++;
  return j - i;
}

// IPv6 ("::", "fe80::1", "[::]:443") and other colon runs of hex digits (MACs, clocks): one address.
function isAddressLike(t: string, end: number): boolean {
  let colons = 0;
  for (let i = 0; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c === 58) colons++;
    else if (!(isHex(c) || c === 46 || c === 91 || c === 93)) return false;
  }
  return colons >= 2;
}

// "name[1234]:" with a name of word characters, '.', '-', '@' or '/'.
function isProcessIdent(t: string): boolean {
  const len = t.length;
  if (len < 5 || t.charCodeAt(len - 1) !== 58 || t.charCodeAt(len - 2) !== 93) return false;
  let k = len - 3;
  while (k >= 0 && isDigit(t.charCodeAt(k))) k--;
  if (k === len - 3 || k < 1 || t.charCodeAt(k) !== 91) return false;
  for (let j = 0; j < k; j++) {
    const c = t.charCodeAt(j);
    if (!(isLetter(c) || isDigit(c) || c === 95 || c === 46 || c === 45 || c === 64 || c === 47)) return false;
  }
  return true;
}

// "instruction......0", "depth....................0": dot leaders align a table of labelled
// values; the label names the row, the value after the dots is variable. Returns where the dots
// start when the label is a plain word and the value holds a digit, else -1.
function leaderEnd(t: string, end: number): number {
  const dots = t.indexOf('..');
  if (dots < 1 || dots >= end) return -1;
  for (let k = 0; k < dots; k++) {
    const c = t.charCodeAt(k);
    if (!(isLetter(c) || c === 95 || c === 45)) return -1;
  }
  let v = dots;
  while (v < end && t.charCodeAt(v) === 46) v++;
  for (let k = v; k < end; k++) if (isDigit(t.charCodeAt(k))) return dots;
  return -1;
}

function isUnitName(t: string, end: number): boolean {
  // A systemd unit: the unit's name is the subject of the event, not part of its kind.
  for (const s of UNIT_SUFFIXES) {
    if (end > s.length && t.endsWith(s, end)) {
      const c = t.charCodeAt(0);
      return isLetter(c) || isDigit(c) || c === 95 || c === 64; // letter, digit, _ or @
    }
  }
  return false;
}

// Appends a wildcard to out, folding it into a wildcard just before it when only separators
// (":.-/#") lie between, so "07:07:00" or a MAC address becomes one <*> and "tty=:0" becomes "tty=<*>".
function appendWildcard(out: string): string {
  let k = out.length;
  while (k > 0) {
    const c = out.charCodeAt(k - 1);
    if (c === 58 || c === 46 || c === 45 || c === 47 || c === 35) k--;
    else break;
  }
  if (k >= 3 && out.endsWith(WILDCARD, k)) return out.slice(0, k);
  if (k < out.length && (k === 0 || out.charCodeAt(k - 1) === 61)) return out.slice(0, k) + WILDCARD;
  return out + WILDCARD;
}

/** Masks one token that holds a digit or a delimiter, segment by segment. */
function maskComplex(t: string, end: number, opts: MaskOptions): string {
  let colons = 0;
  for (let i = 0; i < end; i++) if (t.charCodeAt(i) === 58) colons++;
  const hexRun = colons >= 2; // MAC / IPv6: "ab" in 52:54:00:ab:cd:ef is as variable as "54"
  let out = '';
  let segStart = 0;
  let key: string | null = null; // the key when the current segment is the value after '='
  for (let i = 0; i <= end; i++) {
    const c = i < end ? t.charCodeAt(i) : -1;
    if (i < end && !isDelim(c)) continue;
    const segLen = i - segStart;
    if (segLen > 0) {
      let digit = false;
      let allHex = true;
      for (let k = segStart; k < i; k++) {
        const d = t.charCodeAt(k);
        if (isDigit(d)) digit = true;
        if (!isHex(d)) allHex = false;
      }
      const isKey = c === 61 && isLetter(t.charCodeAt(segStart));
      const status = digit && !isKey ? statusWordStart(t, segStart, i) : -1;
      if (status !== -1) out = `${appendWildcard(out)}/${t.slice(status, i)}`;
      else if (digit && c === 58 && segStart > 0 && t.charCodeAt(segStart - 1) === 40 && allDigits(t.slice(segStart, i), 1, 4)) {
        // "(98: Address already in use)": strerror's number, as constant as the text after it.
        out += t.slice(segStart, i);
      } else if (!isKey && (digit || (hexRun && allHex && segLen <= 4) || (key !== null && opts.variableKeys.has(key)))) {
        out = appendWildcard(out);
      } else out += t.slice(segStart, i);
    }
    if (i === end) break;
    if (c === 61) {
      // key=value: a value for a variable key runs to the closing bracket/quote, delimiters included.
      key = segLen > 0 ? t.slice(segStart, i).toLowerCase() : null;
      out += '=';
      if (key !== null && opts.variableKeys.has(key) && i + 1 < end) {
        let j = i + 1;
        const q = t.charCodeAt(j);
        if (q === 34 || q === 39) {
          const close = t.indexOf(t[j]!, j + 1);
          const stop = close === -1 || close >= end ? end : close;
          out += t[j]! + (stop > j + 1 ? WILDCARD : '');
          i = stop < end ? stop - 1 : end - 1;
          segStart = i + 1;
          key = null;
          continue;
        }
        while (j < end) {
          const d = t.charCodeAt(j);
          if (d === 41 || d === 93 || d === 125 || d === 44 || d === 59 || d === 34 || d === 39) break;
          j++;
        }
        if (j > i + 1 && opts.keepWordValues === true && isPlainWord(t, i + 1, j)) out += t.slice(i + 1, j);
        else if (j > i + 1) out = appendWildcard(out);
        i = j - 1;
        segStart = j;
        key = null;
        continue;
      }
    } else {
      out += t[i]!;
      if (c !== 34 && c !== 39) key = null;
    }
    segStart = i + 1;
  }
  return out;
}

/** Longest value that can still be a category (`user=root`); a longer word is an identifier. */
export const MAX_CATEGORY_LENGTH = 32;

// A value that may be a category: starts with a letter; letters, '_', '-', '.' only; no digit.
export function isPlainWord(t: string, from: number, to: number): boolean {
  if (to - from > MAX_CATEGORY_LENGTH || !isLetter(t.charCodeAt(from))) return false;
  for (let k = from + 1; k < to; k++) {
    const c = t.charCodeAt(k);
    if (!(isLetter(c) || c === 95 || c === 45 || c === 46)) return false;
  }
  return true;
}

/**
 * The token with each plain-word value of a variable key (`user=root`, kept by keepWordValues)
 * replaced by <*>, or null when it holds none: the form the value takes once it turns out to be
 * an identifier. Only masked tokens are passed here, so any other value is already <*> or a
 * kept categorical value of a key that isn't variable.
 */
export function categoryMask(t: string, variableKeys: ReadonlySet<string>): string | null {
  let eq = t.indexOf('=');
  if (eq === -1) return null;
  let out: string | null = null;
  let last = 0;
  while (eq !== -1) {
    let k = eq;
    while (k > 0 && !isDelim(t.charCodeAt(k - 1))) k--;
    let v = eq + 1;
    while (v < t.length && !isDelim(t.charCodeAt(v))) v++;
    if (v > eq + 1 && k < eq && isPlainWord(t, eq + 1, v) && variableKeys.has(t.slice(k, eq).toLowerCase())) {
      out = (out ?? '') + t.slice(last, eq + 1) + WILDCARD;
      last = v;
    }
    eq = t.indexOf('=', eq + 1);
  }
  return out === null ? null : out + t.slice(last);
}

/** Masks one whitespace-free token. */
export function maskToken(t: string, opts: MaskOptions = DEFAULT_MASK_OPTIONS): string {
  const len = t.length;
  let end = len;
  while (end > 1 && isTrailingPunct(t.charCodeAt(end - 1))) end--;
  if (len > opts.maxTokenLength) {
    // Data too long to be a word (a hash, a long path) is one variable, but the ':' or ','
    // after it is the line's structure, as after any other value.
    let k = len;
    while (k > 1 && (isTrailingPunct(t.charCodeAt(k - 1)) || t.charCodeAt(k - 1) === 58)) k--;
    return WILDCARD + t.slice(k);
  }
  let complex = false;
  for (let i = 0; i < end; i++) {
    const c = t.charCodeAt(i);
    if (isDigit(c) || isDelim(c)) {
      complex = true;
      break;
    }
  }
  const tail = end < len ? t.slice(end) : '';
  if (complex && isAddressLike(t, end)) return WILDCARD + tail;
  if (!complex) {
    if (isUnitName(t, end)) return WILDCARD + tail;
    return t;
  }
  const leader = leaderEnd(t, end);
  if (leader !== -1) return t.slice(0, leader) + WILDCARD + tail;
  // "nginx.service:" or "user@1000.service:" — the unit name is the variable, the colon is structure.
  let core = end;
  while (core > 1 && t.charCodeAt(core - 1) === 58) core--;
  if (core < end && isUnitName(t, core)) return WILDCARD + t.slice(core);
  return maskComplex(t, end, opts) + tail;
}

// Token boundaries of the message being masked, reused between calls: masking runs once per
// new line, and allocating these per line showed in profiles.
let starts = new Int32Array(128);
let ends = new Int32Array(128);
let kinds = new Uint8Array(128);
const K_DIGIT = 1;
const K_DELIM = 2;
const K_DOT = 4;

// Splits on runs of whitespace, noting for each token whether it holds a digit, a delimiter or a
// dot: most tokens hold none and are kept as they are without a second look.
function scan(message: string): number {
  const len = message.length;
  let n = 0;
  let i = 0;
  while (i < len) {
    let c = message.charCodeAt(i);
    while (isSpace(c) && ++i < len) c = message.charCodeAt(i);
    if (i >= len) break;
    if (n === starts.length) {
      const s2 = new Int32Array(starts.length * 2);
      s2.set(starts);
      starts = s2;
      const e2 = new Int32Array(ends.length * 2);
      e2.set(ends);
      ends = e2;
      const k = new Uint8Array(kinds.length * 2);
      k.set(kinds);
      kinds = k;
    }
    starts[n] = i;
    let kind = 0;
    do {
      if (isDigit(c)) kind |= K_DIGIT;
      else if (c === 46) kind |= K_DOT;
      else if (isDelim(c)) kind |= K_DELIM;
      if (++i >= len) break;
      c = message.charCodeAt(i);
    } while (!isSpace(c));
    ends[n] = i;
    kinds[n] = kind;
    n++;
  }
  return n;
}

// Month and weekday names as three lower-cased char codes packed in one number.
const pack3 = (s: string, i: number): number =>
  ((s.charCodeAt(i) | 32) << 16) | ((s.charCodeAt(i + 1) | 32) << 8) | (s.charCodeAt(i + 2) | 32);
const DATE_WORDS = new Set([...MONTHS, ...WEEKDAYS].map((w) => pack3(w, 0)));

/** Splits a message into tokens and masks each; a multi-token date becomes one <*>. */
export function maskTokens(text: string, opts: MaskOptions = DEFAULT_MASK_OPTIONS): string[] {
  // Escaped before masking, so a control character is never kept in a template: its escape
  // holds a digit, and the segment around it becomes <*> like any other variable bytes.
  const message = escapeControlChars(text);
  const n = scan(message);
  const out: string[] = [];
  const max = opts.maxTokenLength;
  let raw: string[] | null = null;
  for (let i = 0; i < n; i++) {
    const s = starts[i]!;
    const len = ends[i]! - s;
    const kind = kinds[i]!;
    if (kind === 0) {
      if (len > max) out.push(WILDCARD);
      else {
        if ((len === 3 || len === 4) && DATE_WORDS.has(pack3(message, s))) {
          raw ??= tokensOf(message, n);
          const span = dateSpan(raw, i);
          if (span > 0) {
            out.push(WILDCARD);
            i += span - 1;
            continue;
          }
        }
        out.push(message.slice(s, ends[i]));
      }
      continue;
    }
    const t = message.slice(s, ends[i]);
    if (len === 4 && kind === K_DOT && DATE_WORDS.has(pack3(message, s))) {
      raw ??= tokensOf(message, n);
      const span = dateSpan(raw, i);
      if (span > 0) {
        out.push(WILDCARD);
        i += span - 1;
        continue;
      }
    }
    // A message that starts with "name[pid]:" carries a syslog ident of its own (forwarded or
    // container logs, "mysqld[123]: ..."): the process is the subject, not the event.
    const masked = i === 0 && isProcessIdent(t) ? WILDCARD + ':' : i === 0 && (kind & K_DIGIT) !== 0 && isSubsystemName(t) ? t : maskToken(t, opts);
    out.push(masked);
    // systemd prints "<unit> - <description>" (unit_status_string): the description belongs to
    // the unit, so it is as variable as the unit's name and becomes one <*>.
    if (masked === WILDCARD && i + 2 < n && ends[i + 1]! - starts[i + 1]! === 1 && message.charCodeAt(starts[i + 1]!) === 45 && isUnitName(t, t.length)) {
      let k = ends[n - 1]!;
      while (k > starts[n - 1]! && message.charCodeAt(k - 1) === 46) k--;
      out.push('-', WILDCARD + message.slice(k, ends[n - 1]));
      break;
    }
  }
  return out;
}

function tokensOf(message: string, n: number): string[] {
  const raw: string[] = new Array(n);
  for (let k = 0; k < n; k++) raw[k] = message.slice(starts[k], ends[k]);
  return raw;
}

/** The message with its variable parts replaced by <*> and whitespace collapsed: a stateless template. */
export function maskVariables(message: string, opts: MaskOptions = DEFAULT_MASK_OPTIONS): string {
  return maskTokens(message, opts).join(' ');
}
