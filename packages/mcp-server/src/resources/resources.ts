import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../server/deps';

const ERROR_LOG_TAIL_BYTES = 64 * 1024;

/** The last `bytes` of a file, starting at a line boundary; '' when it does not exist. */
export async function tailFile(path: string, bytes: number): Promise<string> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!fh) return '';
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await fh.close();
  }
}

/**
 * What ldm://state shows: the document without the briefing digests, which repeat ldm://incidents
 * and ldm://patterns, and without the approvals: other sessions' pending actions are the owner's
 * business, and a session learns its own from the refusal it got.
 */
export function stateView(state: Record<string, unknown>): Record<string, unknown> {
  const { digests: _cache, approvals: _approvals, ...view } = state;
  return view;
}

/** ldm://state, ldm://incidents, ldm://patterns (JSON) and ldm://logs/error (text, redacted). */
export function registerResources(server: McpServer, deps: ServerDeps): void {
  const redact = deps.policy.redactSecrets;
  const doc = (name: 'state' | 'incidents' | 'patterns', description: string) =>
    server.registerResource(name, `ldm://${name}`, { title: `${name}.json`, description, mimeType: 'application/json' }, async (uri) => {
      const doc = await deps.store.read(name);
      const shown = name === 'state' ? stateView(doc) : doc;
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: redact(JSON.stringify(shown, null, 1)) }] };
    });
  doc('state', 'Live state: sessions (heartbeats), active alerts, mode, last boot check and healthcheck results.');
  doc('incidents', 'Incident history: open and resolved problems with evidence and resolutions.');
  doc('patterns', 'Learned patterns: recurring problems with their fixes and how often each worked.');
  server.registerResource(
    'error-log',
    'ldm://logs/error',
    { title: 'error.log (tail)', description: 'The last 64 KiB of the suite\'s error log (warnings and errors), secrets redacted.', mimeType: 'text/plain' },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: redact(await tailFile(join(deps.paths.logDir, 'error.log'), ERROR_LOG_TAIL_BYTES)) }],
    }),
  );
}
