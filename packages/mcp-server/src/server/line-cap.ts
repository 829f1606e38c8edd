import { Transform, type TransformCallback } from 'node:stream';

/** Bytes kept of each end of a dropped line, to find its request id. */
const END_BYTES = 1024;

/**
 * Pure: the JSON-RPC id of a message seen only by its two ends, so its sender can be answered.
 * The SDK writes the id last, other clients first; a quoted "id" inside a string is escaped.
 */
export function sniffRequestId(head: string, tail: string): string | number | null {
  const pattern = /(?<!\\)"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")\s*[,}]/g;
  const last = [...tail.matchAll(pattern)].at(-1) ?? [...head.matchAll(pattern)][0];
  if (!last) return null;
  try {
    return JSON.parse(last[1]!) as string | number;
  } catch {
    return null;
  }
}

/**
 * Hands newline-delimited input on one whole line at a time, and drops any line longer than
 * `maxBytes` instead of buffering it (the caller answers it from its id: sniffRequestId). The SDK's stdio reader concatenates every chunk onto its
 * partial line (quadratic for a big message) and closes the session when the buffer passes its
 * limit; here a big line costs one copy, and an oversized one costs nothing but a log line.
 */
export class LineCap extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private dropping = false;
  private droppedBytes = 0;
  private droppedHead = '';
  private droppedTail: Buffer = Buffer.alloc(0);

  constructor(
    private readonly maxBytes: number,
    private readonly onDrop: (bytes: number, id: string | number | null) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl + 1;
      const piece = chunk.subarray(start, end);
      if (this.dropping) {
        this.droppedBytes += piece.length;
        this.keepTail(piece);
      } else if (this.pendingBytes + piece.length > this.maxBytes) {
        this.dropping = true;
        this.droppedBytes = this.pendingBytes + piece.length;
        const first = this.pending.length ? Buffer.concat([this.pending[0]!.subarray(0, END_BYTES), piece.subarray(0, END_BYTES)]) : piece;
        this.droppedHead = first.subarray(0, END_BYTES).toString('utf8');
        this.droppedTail = Buffer.alloc(0);
        for (const p of this.pending.slice(-2)) this.keepTail(p);
        this.keepTail(piece);
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        this.pending.push(piece);
        this.pendingBytes += piece.length;
      }
      if (nl !== -1) {
        if (this.dropping) this.onDrop(this.droppedBytes, sniffRequestId(this.droppedHead, this.droppedTail.toString('utf8')));
        else this.push(this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending));
        this.pending = [];
        this.pendingBytes = 0;
        this.dropping = false;
      }
      start = end;
    }
    done();
  }

  private keepTail(piece: Buffer): void {
    const joined = Buffer.concat([this.droppedTail, piece.subarray(-END_BYTES)]);
    this.droppedTail = joined.subarray(-END_BYTES);
  }
}
