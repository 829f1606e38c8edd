import { cutBoundaries } from '../redact/cut-boundaries';

/**
 * Keeps the last `capacity` bytes of a stream and counts everything that passed through, so a
 * chatty command cannot exhaust memory and a reader can still ask for "bytes from offset N".
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private held = 0;
  private cap: number;
  /** Bytes ever written. */
  total = 0;

  constructor(capacity: number) {
    this.cap = checkedCapacity(capacity);
  }

  get capacity(): number {
    return this.cap;
  }

  /**
   * Keeps up to `capacity` bytes from now on (a command that became a background job gets the
   * job's larger buffer). Never lowers the cap: what is held stays readable.
   */
  raiseCapacity(capacity: number): void {
    this.cap = Math.max(this.cap, checkedCapacity(capacity));
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (chunk.length >= this.cap) {
      this.chunks = [chunk.subarray(chunk.length - this.cap)];
      this.held = this.cap;
      return;
    }
    this.chunks.push(chunk);
    this.held += chunk.length;
    while (this.held > this.cap) {
      const first = this.chunks[0]!;
      const excess = this.held - this.cap;
      if (first.length <= excess) {
        this.chunks.shift();
        this.held -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.held -= excess;
      }
    }
  }

  /** Bytes dropped from the front because the buffer was full. */
  get dropped(): number {
    return this.total - this.held;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  /** The bytes still held from absolute stream offset `offset` on (clamped to what is still held). */
  readFrom(offset = 0): { data: Buffer; from: number; skipped: number } {
    const all = Buffer.concat(this.chunks);
    const from = Math.min(Math.max(offset, this.dropped), this.total);
    return { data: all.subarray(from - this.dropped), from, skipped: Math.max(0, this.dropped - offset) };
  }

  /**
   * The held tail as text. Where bytes were dropped before it, it begins at a line break or
   * separator (cut-boundaries.ts), so the end of a secret cut off at the front is not shown
   * without its start; with `moreToCome` (the process still writes) it also ends at one.
   */
  text(moreToCome = false): string {
    const data = Buffer.concat(this.chunks);
    const { start, end } = cutBoundaries(data, { front: this.truncated, back: moreToCome });
    return data.subarray(start, end).toString('utf8');
  }
}

function checkedCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new Error(`Expected the TailBuffer capacity to be a positive integer, got ${capacity}`);
  }
  return capacity;
}
