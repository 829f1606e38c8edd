// The wire between the server and the sandbox helper (helper-source.ts), over the helper unit's
// stdin and stdout. Server to helper: one JSON object a line (small: argv, cwd, env, stdin).
// Helper to server: binary frames, so a command's output crosses as it is, without re-encoding:
//   [kind u8][command id u32 BE][payload length u32 BE][payload]

export const FRAME_STDOUT = 1;
export const FRAME_STDERR = 2;
/** Payload: one HelperEvent as JSON. */
export const FRAME_EVENT = 3;
export const FRAME_HEADER = 9;
/** The helper sends output in chunks of at most this; anything longer is a broken stream. */
export const MAX_FRAME_PAYLOAD = 1 << 20;
/** A request line longer than this is refused by the server before it is sent (argv + stdin are bounded by the tools far below). */
export const MAX_REQUEST_LINE = 64 << 20;

export type HelperRequest =
  | { t: 'run'; id: number; argv: string[]; cwd: string; env: Record<string, string>; stdin?: string }
  /** The command's pid is in its cgroup: let it exec. */
  | { t: 'go'; id: number }
  | { t: 'kill'; id: number; signal: 'SIGTERM' | 'SIGKILL' };

export type HelperEvent =
  | { ev: 'hello'; pid: number }
  /** The command waits at its gate (helper-source.ts) until 'go'. */
  | { ev: 'spawned'; pid: number }
  | { ev: 'error'; message: string; code?: string }
  | { ev: 'exit'; code: number | null; signal: NodeJS.Signals | null };

export type Frame = { kind: typeof FRAME_STDOUT | typeof FRAME_STDERR; id: number; data: Buffer } | { kind: typeof FRAME_EVENT; id: number; event: HelperEvent };

/** Pure: one request as the line the helper reads. */
export function encodeRequest(req: HelperRequest): string {
  const line = `${JSON.stringify(req)}\n`;
  if (line.length > MAX_REQUEST_LINE) throw new Error(`a sandbox request must be under ${MAX_REQUEST_LINE} characters, this one has ${line.length} (argv and stdin together)`);
  return line;
}

/** Turns the helper's byte stream back into frames, however the pipe splits it. */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Frames completed by `chunk`; throws on a stream that is not frames (the helper is then not trusted further). */
  push(chunk: Buffer): Frame[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < FRAME_HEADER) return [];
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const frames: Frame[] = [];
    while (buf.length >= FRAME_HEADER) {
      const kind = buf[0]!;
      const id = buf.readUInt32BE(1);
      const len = buf.readUInt32BE(5);
      if ((kind !== FRAME_STDOUT && kind !== FRAME_STDERR && kind !== FRAME_EVENT) || len > MAX_FRAME_PAYLOAD) {
        throw new Error(`the sandbox helper sent a malformed frame (kind ${kind}, length ${len})`);
      }
      if (buf.length < FRAME_HEADER + len) break;
      const payload = buf.subarray(FRAME_HEADER, FRAME_HEADER + len);
      if (kind === FRAME_EVENT) frames.push({ kind, id, event: parseEvent(payload) });
      else frames.push({ kind, id, data: Buffer.from(payload) });
      buf = buf.subarray(FRAME_HEADER + len);
    }
    this.pending = buf.length ? [buf] : [];
    this.pendingBytes = buf.length;
    return frames;
  }
}

function parseEvent(payload: Buffer): HelperEvent {
  let event: unknown;
  try {
    event = JSON.parse(payload.toString('utf8'));
  } catch (cause) {
    throw new Error(`the sandbox helper sent an event that is not JSON: ${JSON.stringify(payload.toString('utf8').slice(0, 200))}`, { cause });
  }
  const ev = (event as { ev?: unknown } | null)?.ev;
  if (ev !== 'hello' && ev !== 'spawned' && ev !== 'error' && ev !== 'exit') throw new Error(`the sandbox helper sent an unknown event ${JSON.stringify(event).slice(0, 200)}`);
  return event as HelperEvent;
}
