import { Transform, type TransformCallback } from 'node:stream';

/**
 * Hands newline-delimited input on one whole line at a time, and drops any line longer than
 * `maxBytes` instead of buffering it. The SDK's stdio reader concatenates every chunk onto its
 * partial line (quadratic for a big message) and closes the session when the buffer passes its
 * limit; here a big line costs one copy, and an oversized one costs nothing but a log line.
 */
export class LineCap extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private dropping = false;
  private droppedBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onDrop: (bytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl + 1;
      const piece = chunk.subarray(start, end);
      if (this.dropping) this.droppedBytes += piece.length;
      else if (this.pendingBytes + piece.length > this.maxBytes) {
        this.dropping = true;
        this.droppedBytes = this.pendingBytes + piece.length;
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        this.pending.push(piece);
        this.pendingBytes += piece.length;
      }
      if (nl !== -1) {
        if (this.dropping) this.onDrop(this.droppedBytes);
        else this.push(this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending));
        this.pending = [];
        this.pendingBytes = 0;
        this.dropping = false;
      }
      start = end;
    }
    done();
  }
}
