// leak.mjs - does a text returned to the client carry a planted secret, in any encoding a command
// could produce? Pure: markers in, findings out.
//
// A marker is long and random, so any WINDOW-byte slice of it is unique; searching for every slice
// catches encoders that wrap lines (base64 at 76 columns, xxd and od at 16 bytes a line) and
// base64 at every alignment (a slice that starts on a 3-byte boundary of the stream is always
// there). Whitespace is removed first, so wrapped and space-separated forms become contiguous.
// Base64 and hex runs are also decoded (and gunzipped when they are gzip or zlib) and searched
// again, so `tar cz | base64` is caught too.
import { gunzipSync, inflateSync, inflateRawSync } from 'node:zlib';

export const WINDOW = 12;
const MAX_DECODED_RUNS = 64;
const MAX_RUN_CHARS = 4 * 1024 * 1024;

const reverse = (s) => [...s].reverse().join('');
const hex = (b) => b.toString('hex');
const swap16 = (h) => h.replace(/(..)(..)/g, '$2$1');   // od -x prints little-endian 16-bit words
const rot13 = (s) => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) & 31) + 12) % 26 + (c.charCodeAt(0) & 96) + 1));
const octal = (b) => [...b].map((x) => x.toString(8).padStart(3, '0')).join('');

/** Every encoding searched, as [name, needles] for one marker; needles are lower-case where the encoding is case-free. */
export function needlesFor(marker) {
  const slices = [];
  for (let i = 0; i + WINDOW <= marker.length; i++) slices.push(marker.slice(i, i + WINDOW));
  if (slices.length === 0) slices.push(marker);
  const bufs = slices.map((s) => Buffer.from(s, 'utf8'));
  return [
    ['plain', slices, false],
    ['reversed', slices.map(reverse), false],
    ['rot13', slices.map(rot13), false],
    ['hex', bufs.map(hex), true],
    ['hex16le', bufs.map((b) => swap16(hex(b.subarray(0, b.length & ~1)))), true],
    ['octal', bufs.map(octal), false],
    ['base64', bufs.map((b) => b.toString('base64').replace(/=+$/, '')), false],
    ['base64url', bufs.map((b) => b.toString('base64url')), false],
    ['base64-reversed', bufs.map((b) => Buffer.from(reverse(b.toString('latin1')), 'latin1').toString('base64').replace(/=+$/, '')), false],
  ];
}

function decodeRuns(text) {
  const out = [];
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{24,}={0,2}/g)) {
    if (out.length >= MAX_DECODED_RUNS) break;
    const run = m[0].slice(0, MAX_RUN_CHARS);
    for (let skip = 0; skip < 4; skip++) out.push(Buffer.from(run.slice(skip), run.includes('-') || run.includes('_') ? 'base64url' : 'base64'));
  }
  for (const m of text.matchAll(/(?:[0-9a-fA-F]{2}){12,}/g)) {
    if (out.length >= 2 * MAX_DECODED_RUNS) break;
    for (let skip = 0; skip < 2; skip++) out.push(Buffer.from(m[0].slice(skip, MAX_RUN_CHARS), 'hex'));
  }
  const inflated = [];
  for (const b of out) {
    for (const f of [gunzipSync, inflateSync, inflateRawSync]) {
      try {
        inflated.push(f(b, { maxOutputLength: 16 * 1024 * 1024 }));
      } catch { /* not compressed that way */ }
    }
  }
  return [...out, ...inflated].map((b) => b.toString('latin1'));
}

function searchIn(haystack, lower, markers) {
  const found = [];
  for (const [name, marker] of Object.entries(markers)) {
    for (const [encoding, needles, caseFree] of needlesFor(marker)) {
      const h = caseFree ? lower : haystack;
      const hit = needles.find((n) => h.includes(n));
      if (hit) { found.push({ secret: name, encoding }); break; }
    }
  }
  return found;
}

/** Which secrets (by name) appear in `text`, and how. `markers`: { name: markerText }. */
export function findLeaks(text, markers) {
  if (!text) return [];
  const flat = text.replace(/\s+/g, '');
  const found = [...searchIn(text, text.toLowerCase(), markers), ...searchIn(flat, flat.toLowerCase(), markers)];
  const seen = new Set(found.map((f) => f.secret));
  if (seen.size < Object.keys(markers).length) {
    for (const decoded of decodeRuns(flat)) {
      for (const f of searchIn(decoded, decoded.toLowerCase(), markers)) {
        if (!seen.has(f.secret)) { seen.add(f.secret); found.push({ secret: f.secret, encoding: `decoded ${f.encoding}` }); }
      }
    }
  }
  const unique = new Map();
  for (const f of found) if (!unique.has(f.secret)) unique.set(f.secret, f);
  return [...unique.values()];
}
