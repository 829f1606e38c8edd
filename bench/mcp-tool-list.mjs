#!/usr/bin/env node
// What tools/list costs every conversation: bytes of the JSON-RPC result the bundled
// ldm-mcp-server sends, an estimated token count (bytes / 4), and where the bytes go (input
// schemas, output schemas, descriptions), per policy mode.
// Usage: node build.mjs && node bench/mcp-tool-list.mjs
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectStdio } from './lib/mcp-stdio.mjs';

const root = new URL('..', import.meta.url).pathname;
const size = (v) => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));

for (const mode of ['standard', 'read-only']) {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-'));
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc', 'config.json'), JSON.stringify({ policy: { mode } }));
  const session = await connectStdio([process.execPath, join(root, 'dist', 'ldm-mcp-server.mjs'), '--state-dir', join(dir, 'state'), '--config', join(dir, 'etc', 'config.json')]);
  try {
    const { result } = await session.request('tools/list', {});
    const tools = result.tools;
    const total = size(result);
    const parts = {
      inputSchemas: tools.reduce((n, t) => n + size(t.inputSchema), 0),
      outputSchemas: tools.reduce((n, t) => n + size(t.outputSchema), 0),
      descriptions: tools.reduce((n, t) => n + size(t.description), 0),
    };
    const pct = (n) => `${((100 * n) / total).toFixed(0)} %`;
    console.log(`tools/list, policy.mode ${mode}: ${tools.length} tools, ${total} bytes, ~${Math.round(total / 4)} tokens (bytes/4)`);
    console.log(`  input schemas ${parts.inputSchemas} B (${pct(parts.inputSchemas)}), output schemas ${parts.outputSchemas} B (${pct(parts.outputSchemas)}), descriptions ${parts.descriptions} B (${pct(parts.descriptions)}), "$schema" lines ${JSON.stringify(result).split('"$schema"').length - 1}`);
  } finally {
    await session.close();
  }
}
