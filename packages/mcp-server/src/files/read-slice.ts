import type { FileHandle } from 'node:fs/promises';
import { BOUNDARY_SEARCH_BYTES, cutBoundaries, isLineBreak, pageBounds, type WindowBounds, type WindowCut } from '@ldm/core';

export interface SliceRequest {
  offset?: number;
  length?: number;
  tailLines?: number;
  maxBytes: number;
}

export interface Slice {
  size: number;
  /** Where the content begins: the requested offset, or the next line start when that was inside a line. */
  offset: number;
  bytesRead: number;
  content: string;
  binary: boolean;
  /** More content exists after the slice (or before it, for tail_lines). */
  truncated: boolean;
  nextOffset: number | null;
}

/** The 4 KiB before an offset tell whether a page may begin there (page-boundaries.ts). */
const LOOKBEHIND_BYTES = BOUNDARY_SEARCH_BYTES;
/** A page that holds no cut point runs on to the next one, at most this far past its window. */
const LOOKAHEAD_BYTES = 2 * BOUNDARY_SEARCH_BYTES + 4;

/** Pure: a NUL byte or many invalid UTF-8 sequences in the first 8 KiB means binary. */
export function looksBinary(data: Buffer): boolean {
  const head = data.subarray(0, 8192);
  if (head.includes(0)) return true;
  const text = head.toString('utf8');
  const bad = (text.match(/\uFFFD/g) ?? []).length;
  return bad > 8 && bad / Math.max(1, text.length) > 0.05;
}

/** Pure: the last `n` lines of a text (a trailing newline does not count as an empty line). */
export function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  const trailing = lines.at(-1) === '' ? lines.pop() : undefined;
  return lines.slice(-n).join('\n') + (trailing !== undefined ? '\n' : '');
}

/**
 * Pure: what of a tail read to keep. A read that began inside a line leaves that partial line out,
 * wherever its end is (tail_lines promises whole lines); in a single line longer than the read it
 * begins at a separator (cut-boundaries.ts). A read with more after it ends at a line break.
 */
export function tailBounds(data: Buffer, cut: WindowCut): WindowBounds {
  const bounds = cutBoundaries(data, cut);
  const afterFirstLineBreak = cut.front ? data.indexOf(0x0a) + 1 : 0;
  const start = afterFirstLineBreak > 0 ? afterFirstLineBreak : bounds.start;
  return { start, end: Math.max(start, bounds.end) };
}

/** Up to `length` bytes at `position`; fewer only at the end of the file. */
async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/**
 * Reads at most maxBytes of an open regular file; the caller opens it, having proved what it opened.
 * /proc and /sys files report size 0 but have content, so the read goes until EOF or the cap
 * rather than trusting the size.
 */
export async function readSlice(fh: FileHandle, req: SliceRequest): Promise<Slice> {
  const { size } = await fh.stat();
  const want = Math.min(req.length ?? req.maxBytes, req.maxBytes);
  return req.tailLines === undefined ? readPage(fh, size, req.offset ?? 0, want) : readTail(fh, size, want, req.tailLines);
}

/**
 * offset/length: a page that begins and ends at cut points (page-boundaries.ts), so that a window
 * the model places inside a secret shows none of it, and next_offset pages on without a gap.
 */
async function readPage(fh: FileHandle, size: number, offset: number, want: number): Promise<Slice> {
  const from = Math.max(0, offset - LOOKBEHIND_BYTES);
  const asked = offset - from + want + LOOKAHEAD_BYTES;
  const read = await readAt(fh, from, asked + 1);
  const complete = read.length <= asked;
  const bytes = read.subarray(0, asked);
  const window = bytes.subarray(offset - from, offset - from + want);
  if (looksBinary(window)) {
    const more = !complete || bytes.length > offset - from + want;
    return { size, offset, bytesRead: window.length, content: '', binary: true, truncated: more, nextOffset: more ? offset + window.length : null };
  }
  const { start, end } = pageBounds({ bytes, from, complete }, offset, want);
  const more = !complete || end < from + bytes.length;
  return {
    size,
    offset: start,
    bytesRead: end - start,
    content: bytes.subarray(start - from, end - from).toString('utf8'),
    binary: false,
    truncated: more,
    nextOffset: more ? end : null,
  };
}

/** tail_lines: the last lines within the last `want` bytes. */
async function readTail(fh: FileHandle, size: number, want: number, tailLines: number): Promise<Slice> {
  // For /proc files (size 0) the read starts at 0 and the whole capped read is the file.
  const offset = Math.max(0, size - want);
  // One byte before the read tells whether it begins at a line start.
  const from = Math.max(0, offset - 1);
  const read = await readAt(fh, from, offset - from + want + 1);
  const data = read.subarray(offset - from, offset - from + want);
  const more = read.length > offset - from + want;
  if (looksBinary(data)) {
    return { size, offset, bytesRead: data.length, content: '', binary: true, truncated: more, nextOffset: more ? offset + data.length : null };
  }
  const { start, end } = tailBounds(data, { front: offset > 0 && !isLineBreak(read[0]!), back: more });
  const text = data.subarray(start, end).toString('utf8');
  const tail = lastLines(text, tailLines);
  const tailStart = offset + start + Buffer.byteLength(text.slice(0, text.length - tail.length));
  return { size, offset: tailStart, bytesRead: Buffer.byteLength(tail), content: tail, binary: false, truncated: tailStart > 0, nextOffset: null };
}
