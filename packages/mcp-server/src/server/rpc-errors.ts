/** JSON-RPC 2.0 error codes the transports answer with. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

export interface RpcErrorResponse {
  jsonrpc: '2.0';
  id: string | number | null;
  error: { code: number; message: string };
}

export const rpcErrorResponse = (code: number, message: string, id: string | number | null = null): RpcErrorResponse => ({ jsonrpc: '2.0', id, error: { code, message } });

/**
 * Pure: the answer to an incoming line the SDK's stdio reader could not take, judged by the
 * error it raised: not JSON (-32700), or JSON that is no single JSON-RPC message, e.g. a batch
 * (-32600). Any other error is no reading error: null.
 */
export function answerForReadError(err: unknown): RpcErrorResponse | null {
  if (err instanceof SyntaxError) return rpcErrorResponse(PARSE_ERROR, `Parse error: the message is not valid JSON (${err.message.slice(0, 200)})`);
  const issues = (err as { issues?: unknown } | null)?.issues;
  if (err instanceof Error && Array.isArray(issues)) {
    return rpcErrorResponse(INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message (one request, notification or response per line; batches are not part of MCP since 2025-06-18)');
  }
  return null;
}

/** A message over the size limit, answered instead of read. */
export const tooLargeResponse = (bytes: number, limit: number, id: string | number | null): RpcErrorResponse =>
  rpcErrorResponse(INVALID_REQUEST, `Invalid Request: the message is ${bytes} bytes, over the ${limit}-byte limit; it was not read`, id);
