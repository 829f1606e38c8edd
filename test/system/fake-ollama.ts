import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned answer: status, body (a string is sent as is, anything else as JSON), or `hang`. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  hang?: boolean;
}

export interface FakeOllama {
  url: string;
  /** Every request seen, with its Authorization header. */
  requests: { path: string; authorization?: string }[];
  close(): Promise<void>;
}

/** The answers a healthy Ollama gives, as of the API in November 2026. */
export const HEALTHY: Record<string, FakeAnswer> = {
  '/': { body: 'Ollama is running' },
  '/api/version': { body: { version: '0.12.3' } },
  '/api/tags': { body: { models: [{ name: 'qwen2.5:0.5b', model: 'qwen2.5:0.5b', size: 397821319 }] } },
  '/api/ps': { body: { models: [] } },
};

/** An HTTP server on 127.0.0.1 that answers like the Ollama API; unknown paths get 404. */
export async function startFakeOllama(routes: Record<string, FakeAnswer>): Promise<FakeOllama> {
  const requests: FakeOllama['requests'] = [];
  const hung: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({ path, authorization: req.headers.authorization });
    const answer = routes[path] ?? { status: 404, body: '404 page not found' };
    if (answer.hang) {
      hung.push(res);
      return;
    }
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
    res.writeHead(answer.status ?? 200, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
