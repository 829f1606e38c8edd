// Redaction (redact-secrets.ts) recognises a secret only when it sees it whole. Text cut at a byte
// position can hand the model the end of a token, or its start, that no pattern knows any more.
// These functions move a cut to a line break, or failing that to a separator, so that what is
// shown holds whole lines or whole words. Pure.

/** How far from a cut the search for a line break or a separator goes. */
export const BOUNDARY_SEARCH_BYTES = 4096;

const LINE_BREAK = 0x0a;

/** Whitespace, quotes, and , ; & { } [ ] ( ) < > |: bytes that end a word and never occur inside a token. */
const SEPARATORS = new Set(Buffer.from('\t\n\v\f\r "\'`,;&{}[]()<>|', 'latin1'));

export function isLineBreak(byte: number): boolean {
  return byte === LINE_BREAK;
}

export function isSeparator(byte: number): boolean {
  return SEPARATORS.has(byte);
}

/** Whether a byte begins a character (is not a UTF-8 continuation byte, 10xxxxxx). */
export function isCharStart(byte: number): boolean {
  return (byte & 0xc0) !== 0x80;
}

export interface WindowCut {
  /** The window begins after the start of the text: its first bytes may be the end of a word. */
  front: boolean;
  /** The window ends before the end of the text: its last bytes may be the start of a word. */
  back: boolean;
}

/** Offsets into the window: show window[start, end). */
export interface WindowBounds {
  start: number;
  end: number;
}

/**
 * Where to trim `window`, a piece cut out of a longer text, so that it holds whole lines or words.
 * A cut front starts just after the first line break in the first 4 KiB; failing that just after
 * the first separator; failing that at the first character start. A cut back ends the same way
 * from the end, keeping the line break or separator. A side that was not cut is left as it is.
 *
 * No boundary at all within the 4 KiB searched: the window is kept, cut between two characters,
 * so a secret inside a run of 4 KiB or more without any separator (a base64 blob) can still arrive
 * in pieces. A window shorter than 4 KiB with no boundary holds no whole word at all and comes
 * back empty. A cut moved only to a separator (no line break within 4 KiB) can part a name from
 * its value (`password: x`); a token holds no separator and stays whole.
 */
export function cutBoundaries(window: Buffer, cut: WindowCut): WindowBounds {
  const start = cut.front ? frontBoundary(window) : 0;
  const end = cut.back ? backBoundary(window) : window.length;
  return { start, end: Math.max(start, end) };
}

function frontBoundary(window: Buffer): number {
  const range = Math.min(window.length, BOUNDARY_SEARCH_BYTES);
  for (const isBoundary of [isLineBreak, isSeparator]) {
    for (let i = 0; i < range; i++) if (isBoundary(window[i]!)) return i + 1;
  }
  if (range < BOUNDARY_SEARCH_BYTES) return window.length;
  let start = 0;
  while (start < 3 && !isCharStart(window[start]!)) start++;
  return start;
}

function backBoundary(window: Buffer): number {
  const lowest = Math.max(0, window.length - BOUNDARY_SEARCH_BYTES);
  for (const isBoundary of [isLineBreak, isSeparator]) {
    for (let i = window.length - 1; i >= lowest; i--) if (isBoundary(window[i]!)) return i + 1;
  }
  if (window.length < BOUNDARY_SEARCH_BYTES) return 0;
  return completeUtf8Length(window);
}

/** The length of `data` without a multi-byte character cut off at its end. */
export function completeUtf8Length(data: Buffer): number {
  let lead = data.length - 1;
  while (lead >= 0 && data.length - lead <= 4 && !isCharStart(data[lead]!)) lead--;
  if (lead < 0) return data.length;
  const b = data[lead]!;
  const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + need > data.length ? lead : data.length;
}
