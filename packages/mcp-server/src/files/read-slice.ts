import type { FileHandle } from 'node:fs/promises';

export interface SliceRequest {
  offset?: number;
  length?: number;
  tailLines?: number;
  maxBytes: number;
}

export interface Slice {
  size: number;
  offset: number;
  bytesRead: number;
  content: string;
  binary: boolean;
  /** More content exists after the slice (or before it, for tail_lines). */
  truncated: boolean;
  nextOffset: number | null;
}

/** Pure: a NUL byte or many invalid UTF-8 sequences in the first 8 KiB means binary. */
export function looksBinary(data: Buffer): boolean {
  const head = data.subarray(0, 8192);
  if (head.includes(0)) return true;
  const text = head.toString('utf8');
  const bad = (text.match(/\uFFFD/g) ?? []).length;
  return bad > 8 && bad / Math.max(1, text.length) > 0.05;
}

/** Pure: the length of `data` without a multi-byte character cut off at its end. */
export function completeUtf8Length(data: Buffer): number {
  let lead = data.length - 1;
  while (lead >= 0 && data.length - lead <= 4 && (data[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0) return data.length;
  const b = data[lead]!;
  const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + need > data.length ? lead : data.length;
}

/** Pure: the last `n` lines of a text (a trailing newline does not count as an empty line). */
export function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  const trailing = lines.at(-1) === '' ? lines.pop() : undefined;
  return lines.slice(-n).join('\n') + (trailing !== undefined ? '\n' : '');
}

/**
 * Reads at most maxBytes of an open regular file; the caller opens it, having proved what it opened.
 * /proc and /sys files report size 0 but have content, so the read goes until EOF or the cap
 * rather than trusting the size.
 */
export async function readSlice(fh: FileHandle, req: SliceRequest): Promise<Slice> {
  const st = await fh.stat();
  const size = st.size;
  const want = Math.min(req.length ?? req.maxBytes, req.maxBytes);
  let offset = req.offset ?? 0;
  if (req.tailLines !== undefined && size > 0) offset = Math.max(0, size - req.maxBytes);
  const buf = Buffer.alloc(want + 1);
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  const more = got > want;
  let data = buf.subarray(0, Math.min(got, want));
  if (looksBinary(data)) {
    return { size, offset, bytesRead: data.length, content: '', binary: true, truncated: more, nextOffset: more ? offset + data.length : null };
  }
  if (req.tailLines !== undefined) {
    // For /proc files (size 0) the whole capped read is the file; keep its last lines.
    const text = data.toString('utf8');
    const tail = lastLines(text, req.tailLines);
    const start = offset + Buffer.byteLength(text.slice(0, text.length - tail.length));
    return { size, offset: start, bytesRead: Buffer.byteLength(tail), content: tail, binary: false, truncated: start > 0, nextOffset: null };
  }
  // Do not end inside a multi-byte character: hand the cut bytes to the next read.
  if (more) data = data.subarray(0, completeUtf8Length(data));
  return {
    size,
    offset,
    bytesRead: data.length,
    content: data.toString('utf8'),
    binary: false,
    truncated: more,
    nextOffset: more ? offset + data.length : null,
  };
}
