// Recognises the header that syslog and journalctl put before a message, so that the timestamp,
// host and process id stay out of the template. Formats:
//   "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: msg"          (RFC 3164 / rsyslog default)
//   "2026-11-24T04:26:35+0000 host sshd[812]: msg"               (journalctl -o short-iso)
//   "2026-11-24T04:26:35.123456+00:00 host kernel: [ 12.3] msg"  (short-iso-precise, rsyslog RFC 3339)
//   "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2916]: msg" (a collector's prefix)
// A leading "<PRI>" is accepted. Char-code scans, no regex: it runs on every input line.

export interface SyslogHeader {
  timestamp: string;
  host: string;
  /** The program name ("sshd", "sshd(pam_unix)", "kernel"), or null when the line has none. */
  ident: string | null;
  pid: number | null;
  /** The kernel's "[ 1234.567890]" uptime stamp at the start of the message, when present. */
  uptime: string | null;
}

export interface SplitLine {
  header: SyslogHeader | null;
  message: string;
}

const pack3 = (s: string, i: number): number => (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m) => pack3(m, 0)));
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

// End of "Mmm dd hh:mm:ss" (day space-padded or not, optional fraction/year), or -1.
function bsdTimestampEnd(s: string, i: number): number {
  if (s.length < i + 15 || !MONTHS.has(pack3(s, i)) || s.charCodeAt(i + 3) !== 32) return -1;
  let j = i + 4;
  if (s.charCodeAt(j) === 32) j++;
  const d0 = j;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  if (j - d0 < 1 || j - d0 > 2 || s.charCodeAt(j) !== 32) return -1;
  j++;
  if (!(isDigit(s.charCodeAt(j)) && isDigit(s.charCodeAt(j + 1)) && s.charCodeAt(j + 2) === 58)) return -1;
  if (!(isDigit(s.charCodeAt(j + 3)) && isDigit(s.charCodeAt(j + 4)) && s.charCodeAt(j + 5) === 58)) return -1;
  if (!(isDigit(s.charCodeAt(j + 6)) && isDigit(s.charCodeAt(j + 7)))) return -1;
  j += 8;
  if (s.charCodeAt(j) === 46) {
    j++;
    while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  }
  return j;
}

// End of "YYYY-MM-DDThh:mm:ss[.frac][Z|±hh[:]mm]", or -1.
function isoTimestampEnd(s: string, i: number): number {
  const pattern = 'dddd-dd-ddTdd:dd:dd';
  if (s.length < i + pattern.length) return -1;
  for (let k = 0; k < pattern.length; k++) {
    const c = s.charCodeAt(i + k);
    const p = pattern[k]!;
    if (p === 'd' ? !isDigit(c) : p === 'T' ? c !== 84 && c !== 32 : c !== p.charCodeAt(0)) return -1;
  }
  let j = i + pattern.length;
  if (s.charCodeAt(j) === 46 || s.charCodeAt(j) === 44) {
    j++;
    while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  }
  const z = s.charCodeAt(j);
  if (z === 90) j++;
  else if (z === 43 || z === 45) {
    j++;
    let digits = 0;
    while (j < s.length && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 58)) {
      if (s.charCodeAt(j) !== 58) digits++;
      j++;
    }
    if (digits !== 4 && digits !== 2) return -1;
  }
  return j;
}

// "sshd[123]:", "sshd(pam_unix)[19939]:", "kernel:", "-- root[2421]:" -> where the ':' is, or -1.
function identEnd(s: string, i: number): number {
  const limit = Math.min(s.length, i + 128);
  for (let j = i; j < limit; j++) {
    const c = s.charCodeAt(j);
    if (c === 58) return j + 1 < s.length && s.charCodeAt(j + 1) !== 32 ? -1 : j;
    if (c === 32) return -1;
  }
  return -1;
}

function parseIdent(raw: string): { ident: string; pid: number | null } {
  if (raw.endsWith(']')) {
    const open = raw.lastIndexOf('[');
    if (open > 0) {
      const pid = raw.slice(open + 1, -1);
      let ok = pid.length > 0 && pid.length <= 10;
      for (let k = 0; ok && k < pid.length; k++) ok = isDigit(pid.charCodeAt(k));
      if (ok) return { ident: raw.slice(0, open), pid: Number(pid) };
    }
  }
  return { ident: raw, pid: null };
}

function isVersion(s: string, from: number, to: number): boolean {
  if (!isDigit(s.charCodeAt(from))) return false;
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (!isDigit(c) && c !== 46) return false;
  }
  return true;
}

// "[ 1234.567890] " at the start of a kernel message: the uptime, a variable of every kernel line.
function uptimeEnd(s: string, i: number): number {
  if (s.charCodeAt(i) !== 91) return -1;
  let j = i + 1;
  while (s.charCodeAt(j) === 32) j++;
  const d0 = j;
  while (j < s.length && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
  if (j === d0 || s.charCodeAt(j) !== 93) return -1;
  return j + 1;
}

// Offsets found by locate(), reused between calls (this runs on every input line):
// Central collectors (the Sandia clusters' logs in Loghub: Thunderbird, Liberty, Spirit) put
// "<alert tag> <epoch seconds> <YYYY.MM.DD> <node> " before the syslog line they received:
// "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2916]: msg". Recognised by its
// shape (a tag without spaces, 9-10 digits, a dotted date, a word), then the BSD timestamp.
// Returns where the timestamp starts, or -1.
function collectorPrefixEnd(s: string, i: number): number {
  let j = s.indexOf(' ', i);
  if (j <= i || j - i > 32) return -1;
  j++;
  const e0 = j;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  if (j - e0 < 9 || j - e0 > 10 || s.charCodeAt(j) !== 32) return -1;
  j++;
  const pattern = 'dddd.dd.dd ';
  for (let k = 0; k < pattern.length; k++) {
    const c = s.charCodeAt(j + k);
    if (pattern[k] === 'd' ? !isDigit(c) : c !== pattern.charCodeAt(k)) return -1;
  }
  j += pattern.length;
  const h = s.indexOf(' ', j);
  if (h <= j || h - j > 255) return -1;
  return bsdTimestampEnd(s, h + 1) === -1 ? -1 : h + 1;
}

// timestamp start/end, host start/end, ident start/end (-1: none), uptime start/end (-1: none),
// message start, and 1 when the ident is "name version:" (sysklogd), which has no pid.
const at = new Int32Array(10);
const TS = 0;
const HOST = 2;
const IDENT = 4;
const UPTIME = 6;
const MSG = 8;
const VERSIONED = 9;

// Fills `at` and returns true when the line starts with a header.
function locate(line: string): boolean {
  let i = 0;
  if (line.charCodeAt(0) === 60) {
    // "<13>" priority prefix
    const close = line.indexOf('>');
    if (close > 1 && close <= 4) i = close + 1;
  }
  let end = bsdTimestampEnd(line, i);
  if (end === -1) end = isoTimestampEnd(line, i);
  if (end === -1) {
    const k = collectorPrefixEnd(line, i);
    if (k !== -1) {
      i = k;
      end = bsdTimestampEnd(line, i);
    }
  }
  if (end === -1 || line.charCodeAt(end) !== 32) return false;
  at[TS] = i;
  at[TS + 1] = end;
  let j = end;
  while (line.charCodeAt(j) === 32) j++;
  const hostStart = j;
  while (j < line.length && line.charCodeAt(j) !== 32) j++;
  if (j === hostStart || j >= line.length) return false;
  at[HOST] = hostStart;
  at[HOST + 1] = j;
  while (line.charCodeAt(j) === 32) j++;
  // rsyslog writes "-- MARK --" and some programs log as "-- name[pid]:"; skip a lone "--".
  let identStart = j;
  if (line.startsWith('-- ', j) && identEnd(line, j + 3) !== -1) identStart = j + 3;
  at[IDENT] = -1;
  at[VERSIONED] = 0;
  const colon = identEnd(line, identStart);
  if (colon > identStart) {
    at[IDENT] = identStart;
    at[IDENT + 1] = colon;
    j = colon + 1;
    while (line.charCodeAt(j) === 32) j++;
  } else {
    // sysklogd announces itself as "syslogd 1.4.1: restart.": a name, a version, then the colon.
    const space = line.indexOf(' ', identStart);
    const vColon = space > identStart ? identEnd(line, space + 1) : -1;
    if (vColon > space + 1 && isVersion(line, space + 1, vColon)) {
      at[IDENT] = identStart;
      at[IDENT + 1] = space;
      at[VERSIONED] = 1;
      j = vColon + 1;
      while (line.charCodeAt(j) === 32) j++;
    }
  }
  at[UPTIME] = -1;
  const up = uptimeEnd(line, j);
  if (up !== -1) {
    at[UPTIME] = j;
    at[UPTIME + 1] = up;
    j = up;
    while (line.charCodeAt(j) === 32) j++;
  }
  at[MSG] = j;
  return true;
}

/** Splits a log line into its syslog/journal header (or null) and the message. */
export function splitSyslogHeader(line: string): SplitLine {
  if (!locate(line)) return { header: null, message: line };
  let ident: string | null = null;
  let pid: number | null = null;
  if (at[IDENT]! >= 0) {
    const raw = line.slice(at[IDENT], at[IDENT + 1]);
    if (at[VERSIONED] === 1) ident = raw;
    else ({ ident, pid } = parseIdent(raw));
  }
  return {
    header: {
      timestamp: line.slice(at[TS], at[TS + 1]),
      host: line.slice(at[HOST], at[HOST + 1]),
      ident,
      pid,
      uptime: at[UPTIME]! >= 0 ? line.slice(at[UPTIME], at[UPTIME + 1]) : null,
    },
    message: line.slice(at[MSG]),
  };
}

/** The message of a log line, as splitSyslogHeader would give it, without building the header. */
export function syslogMessage(line: string): string {
  return locate(line) ? line.slice(at[MSG]) : line;
}
