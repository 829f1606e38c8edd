import type { IncomingMessage } from 'node:http';
import { INVALID_REQUEST, PARSE_ERROR } from '../server/rpc-errors';

/** A request answered before it reaches MCP: its HTTP status, and the JSON-RPC error code of the body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly rpcCode = -32000,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON request body of at most `maxBytes`. A larger body is refused as soon as it is
 * announced (Content-Length) or crosses the cap, without buffering the rest.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new HttpError(413, `request body of ${declared} bytes exceeds the ${maxBytes}-byte limit`, INVALID_REQUEST);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `request body exceeds the ${maxBytes}-byte limit`, INVALID_REQUEST);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `Parse error: the request body is not valid JSON (${(err as Error).message.slice(0, 200)})`, PARSE_ERROR);
  }
}
