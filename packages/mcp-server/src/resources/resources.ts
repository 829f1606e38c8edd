import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { tailFile } from '@ldm/core';
import type { ServerDeps } from '../server/deps';

const ERROR_LOG_TAIL_BYTES = 64 * 1024;


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
