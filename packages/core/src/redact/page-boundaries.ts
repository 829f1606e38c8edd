// Paged reads (job_output, read_file with an offset) hand a text out in pages, and the model
// chooses where a page begins. A page must begin and end where redaction still sees every secret
// on it whole, and the next page must begin exactly where the last one ended, so paging loses
// nothing. Both hold when pages begin and end only at cut points. Whether an offset is a cut point
// depends only on the bytes before it, so an offset this code handed out as `next` is always
// accepted, and one the model made up inside a line is not. Pure.
import { BOUNDARY_SEARCH_BYTES as SEARCH, isCharStart, isLineBreak, isSeparator } from './cut-boundaries';

/** The part of a text that can be looked at: text offsets [from, from + bytes.length). */
export interface KnownText {
  bytes: Buffer;
  /** Text offset of bytes[0]. What lies before it is unknown (dropped from a buffer, or not read); 0 is the start of the text. */
  from: number;
  /** The text ends where `bytes` ends (a process that has exited, the end of a file). */
  complete: boolean;
}

/** Text offsets: show [start, end). */
export interface PageBounds {
  start: number;
  end: number;
}

interface CutPoint {
  at: number;
  afterLineBreak: boolean;
}

/**
 * Cut points in (after, until], in order. A cut point is the start of the text, its end once it is
 * complete, or an offset just after a line break. In a line already 4 KiB long it is also an offset
 * just after a separator, and in a word already 4 KiB long any character start: that is where a
 * secret can still be cut in two (the limits, docs/policy.md). What lies before the known bytes
 * counts as a line break, so a line or word must be known to be 4 KiB long.
 */
function* cutPoints(text: KnownText, after: number, until: number): Generator<CutPoint> {
  const { bytes, from } = text;
  const first = after - from;
  const last = Math.min(until - from, bytes.length);
  // 4 KiB back is far enough to tell whether the line or word running into `first` is that long.
  let lineStart = Math.max(0, first - SEARCH);
  let wordStart = lineStart;
  for (let i = lineStart; i < first; i++) {
    if (isLineBreak(bytes[i]!)) lineStart = i + 1;
    if (isSeparator(bytes[i]!)) wordStart = i + 1;
  }
  for (let i = first + 1; i <= last; i++) {
    const before = bytes[i - 1]!;
    const afterLineBreak = isLineBreak(before);
    if (afterLineBreak) lineStart = i;
    if (isSeparator(before)) wordStart = i;
    const cut =
      afterLineBreak ||
      (i === bytes.length && text.complete) ||
      (wordStart === i && i - lineStart >= SEARCH) ||
      (i < bytes.length && isCharStart(bytes[i]!) && i - wordStart >= SEARCH);
    if (cut) yield { at: from + i, afterLineBreak };
  }
}

/** Whether a page may begin at text offset `at` (and the page before it end there). */
export function isCutPoint(text: KnownText, at: number): boolean {
  if (at === 0) return true;
  if (at <= text.from || at > text.from + text.bytes.length) return false;
  return !cutPoints(text, at - 1, at).next().done;
}

/**
 * The page to show for a request to read at most `maxLength` bytes from text offset `offset`.
 * It begins at `offset` when that is a cut point, else at the next one: the first just after a line
 * break within 4 KiB, failing that the first of any kind. It ends at the last cut point within
 * `maxLength` of its start, else at the first after that (a page then runs past `maxLength`, by at
 * most 8 KiB and a character, rather than cut a word). While the known bytes hold no cut point after the start (a
 * process still writing its first line), the page is empty and begins where it was asked to.
 */
export function pageBounds(text: KnownText, offset: number, maxLength: number): PageBounds {
  const knownEnd = text.from + text.bytes.length;
  const asked = Math.min(Math.max(offset, text.from), knownEnd);
  const start = isCutPoint(text, asked) ? asked : nextStart(text, asked);
  if (start === null) return { start: asked, end: asked };
  const until = Math.min(start + maxLength, knownEnd);
  const end = lastCutPoint(text, start, until) ?? firstCutPoint(text, until) ?? start;
  return { start, end };
}

function nextStart(text: KnownText, after: number): number | null {
  let first: number | null = null;
  for (const point of cutPoints(text, after, Infinity)) {
    const near = point.at <= after + SEARCH;
    if (near && point.afterLineBreak) return point.at;
    first ??= point.at;
    if (!near) break;
  }
  return first;
}

function firstCutPoint(text: KnownText, after: number): number | null {
  const first = cutPoints(text, after, Infinity).next();
  return first.done ? null : first.value.at;
}

function lastCutPoint(text: KnownText, after: number, until: number): number | null {
  // A cut point turns up at least every 8 KiB, so the last one is nearly always in the last 12 KiB:
  // scan that first rather than a whole page of up to a megabyte.
  const near = Math.max(after, until - 3 * SEARCH);
  let last: number | null = null;
  for (const point of cutPoints(text, near, until)) last = point.at;
  if (last === null && near > after) for (const point of cutPoints(text, after, near)) last = point.at;
  return last;
}
