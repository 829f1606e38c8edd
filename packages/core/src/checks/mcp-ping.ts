import { describeErrorChain } from '../text/error-chain';
export interface McpPingOptions {
  url: string;
  token?: string;
  timeoutMs: number;
  fetch: typeof fetch;
  signal?: AbortSignal;
  clientVersion?: string;
}

export interface McpPingResult {
  ok: boolean;
  message: string;
  ms: number;
}

const PROTOCOL_VERSION = '2025-06-18';

/** Pure: the JSON-RPC message with `id` from a JSON or an SSE (text/event-stream) body. */
export function findJsonRpcResponse(body: string, contentType: string, id: number): { result?: unknown; error?: { message?: string } } | null {
  const candidates: string[] = contentType.includes('text/event-stream')
    ? body.split(/\r?\n\r?\n/).map((event) => event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'))
    : [body];
  for (const text of candidates) {
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    for (const msg of Array.isArray(value) ? value : [value]) {
      if ((msg as { id?: unknown })?.id === id) return msg as { result?: unknown; error?: { message?: string } };
    }
  }
  return null;
}

/**
 * An MCP ping over Streamable HTTP, as a client would do it: initialize, notifications/initialized,
 * ping, then DELETE the session. Works against stateless servers too (no Mcp-Session-Id).
 */
export async function mcpPing(options: McpPingOptions): Promise<McpPingResult> {
  const started = performance.now();
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const ms = () => Math.round(performance.now() - started);
  const post = async (message: object) => {
    const res = await options.fetch(options.url, { method: 'POST', headers, body: JSON.stringify(message), signal });
    return { res, body: await res.text() };
  };
  try {
    const init = await post({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'ldm-healthcheck', version: options.clientVersion ?? '0' } },
    });
    if (!init.res.ok) return { ok: false, message: `initialize: HTTP ${init.res.status}`, ms: ms() };
    const initReply = findJsonRpcResponse(init.body, init.res.headers.get('content-type') ?? '', 1);
    if (!initReply || initReply.error) return { ok: false, message: `initialize: ${initReply?.error?.message ?? 'no JSON-RPC response'}`, ms: ms() };
    const session = init.res.headers.get('mcp-session-id');
    if (session) headers['mcp-session-id'] = session;
    const negotiated = (initReply.result as { protocolVersion?: unknown } | undefined)?.protocolVersion;
    headers['mcp-protocol-version'] = typeof negotiated === 'string' ? negotiated : PROTOCOL_VERSION;
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const ping = await post({ jsonrpc: '2.0', id: 2, method: 'ping' });
    if (!ping.res.ok) return { ok: false, message: `ping: HTTP ${ping.res.status}`, ms: ms() };
    const pong = findJsonRpcResponse(ping.body, ping.res.headers.get('content-type') ?? '', 2);
    if (!pong || pong.error) return { ok: false, message: `ping: ${pong?.error?.message ?? 'no JSON-RPC response'}`, ms: ms() };
    if (session) await options.fetch(options.url, { method: 'DELETE', headers, signal }).then((r) => r.body?.cancel(), () => {});
    return { ok: true, message: `answered ping in ${ms()} ms`, ms: ms() };
  } catch (err) {
    return { ok: false, message: describeErrorChain(err, 2), ms: ms() };
  }
}
