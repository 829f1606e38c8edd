import { describe, test, expect, afterAll } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { makeDeps } from '../support/make-deps';
import { connect, type Connected } from '../support/connect';
import { bundleEnv, ROOT } from '../support/bundle';
import { ALL_TOOLS, toolsForMode } from '../../src/tools/all-tools';
import { renderToolList } from '../../src/server/tool-runtime';
import { TOOL_LIST_MAX_BYTES } from '../../src/server/compact-tool-list';

const SCHEMA_DIR = join(import.meta.dirname, 'schemas');

let open: Connected | null = null;
afterAll(async () => open?.close());

describe('the tool list', () => {
  // One file per tool (schemas/<name>.json: the tool as clients list it, and the full output schema
  // the SDK checks its results against), so a change is reviewed tool by tool. A change here changes
  // what every client and model sees: write the files on purpose with LDM_UPDATE_TOOL_SCHEMAS=1.
  test('each tool matches its schema file: name, annotations, input schema as clients see them, and the full output schema', async () => {
    open = await connect(makeDeps().deps);
    const { tools } = await open.client.listTools();
    const full = new Map((await renderToolList(ALL_TOOLS)).map((t) => [t.name, t.outputSchema]));
    const files = new Set(readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')));
    for (const tool of tools) {
      const file = `${tool.name}.json`;
      const text = `${JSON.stringify({ listed: tool, outputSchema: full.get(tool.name) }, null, 2)}\n`;
      if (process.env.LDM_UPDATE_TOOL_SCHEMAS === '1') writeFileSync(join(SCHEMA_DIR, file), text);
      else expect({ file, text }).toEqual({ file, text: files.has(file) ? readFileSync(join(SCHEMA_DIR, file), 'utf8') : '(no schema file)' });
      files.delete(file);
    }
    // A file left over names a tool that is gone.
    expect([...files]).toEqual([]);
  });

  test(`costs at most ${TOOL_LIST_MAX_BYTES} bytes (about 4,000 tokens of every conversation), with no $schema line and no output schemas`, async () => {
    const c = await connect(makeDeps().deps);
    try {
      const listed = await c.client.listTools();
      const text = JSON.stringify(listed);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(TOOL_LIST_MAX_BYTES);
      expect(text).not.toContain('$schema');
      expect(listed.tools.filter((t) => t.outputSchema).map((t) => t.name)).toEqual([]);
      expect(listed.tools).toHaveLength(ALL_TOOLS.length);
    } finally {
      await c.close();
    }
  });

  test('every parameter of every tool has a description', async () => {
    const undescribed = (await renderToolList(ALL_TOOLS)).flatMap((t) =>
      Object.entries((t.inputSchema.properties ?? {}) as Record<string, { description?: string }>)
        .filter(([, p]) => !p.description)
        .map(([k]) => `${t.name}.${k}`),
    );
    expect(undescribed).toEqual([]);
  });

  test('every tool sets all four annotations, and read-only tools are neither destructive nor open-world writers', () => {
    for (const t of ALL_TOOLS) {
      for (const key of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        expect({ tool: t.name, key, type: typeof t.annotations[key] }).toEqual({ tool: t.name, key, type: 'boolean' });
      }
      if (t.annotations.readOnlyHint) expect({ tool: t.name, destructive: t.annotations.destructiveHint }).toEqual({ tool: t.name, destructive: false });
    }
  });

  test('names are unique and the fixed names exist', () => {
    const names = ALL_TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const required of [
      'run_command', 'job_status', 'job_output', 'job_kill', 'list_jobs', 'read_file', 'write_file', 'list_directory',
      'system_status', 'list_processes', 'network_listeners', 'service_status', 'service_action', 'list_failed_units',
      'journal_query', 'record_incident', 'resolve_incident', 'list_incidents', 'find_known_fix', 'list_patterns', 'get_context',
    ]) expect(names).toContain(required);
  });

  test('read-only mode is derived from readOnlyHint alone: read-only tools, and contained ones carrying the hint in that mode', () => {
    const ro = toolsForMode('read-only');
    expect(ro.map((t) => t.name)).toEqual(ALL_TOOLS.filter((t) => t.annotations.readOnlyHint || t.containedInReadOnly).map((t) => t.name));
    expect(ro.every((t) => t.annotations.readOnlyHint && !t.annotations.destructiveHint)).toBe(true);
    expect(ro.map((t) => t.name)).toContain('run_command');
    for (const name of ['write_file', 'service_action', 'job_kill', 'record_incident', 'resolve_incident']) expect(ro.map((t) => t.name)).not.toContain(name);
    expect(ALL_TOOLS.filter((t) => t.containedInReadOnly).map((t) => t.name)).toEqual(['run_command']);
    expect(toolsForMode('standard')).toEqual(ALL_TOOLS);
  });
});

describe('the tool list baked into the bundle', () => {
  async function listFromBundle(config: unknown) {
    const env = bundleEnv(config);
    const transport = new StdioClientTransport({ command: process.execPath, args: env.args, stderr: 'pipe', env: { PATH: process.env.PATH ?? '' } });
    const client = new Client({ name: 'tool-list', version: '1' });
    await client.connect(transport);
    try {
      return (await client.listTools()).tools;
    } finally {
      await client.close();
    }
  }

  async function listInProcess(config: unknown) {
    const c = await connect(makeDeps({ config }).deps);
    try {
      return (await c.client.listTools()).tools;
    } finally {
      await c.close();
    }
  }

  test.each([['standard'], ['read-only']])('is exactly what the SDK renders from the zod schemas (%s mode)', async (mode) => {
    const config = { policy: { mode } };
    const [built, live] = await Promise.all([listFromBundle(config), listInProcess(config)]);
    expect(built).toEqual(live);
    expect(built.length).toBe(toolsForMode(mode).length);
  });

  test('tools/list needs no tool definitions; a tools/call that cannot load them fails alone and the session goes on', async () => {
    // A copy of the build without the chunk holding the tool definitions (zod schemas, handlers).
    const dist = mkdtempSync(join(tmpdir(), 'ldm-dist-'));
    cpSync(join(ROOT, 'dist'), dist, { recursive: true });
    const chunks = readdirSync(join(dist, 'chunks')).filter((f) => f.startsWith('tool-chunk-'));
    expect(chunks).toHaveLength(1);
    rmSync(join(dist, 'chunks', chunks[0]!));
    const env = bundleEnv({});
    const args = [join(dist, 'ldm-mcp-server.mjs'), ...env.args.slice(1)];
    const transport = new StdioClientTransport({ command: process.execPath, args, stderr: 'pipe', env: { PATH: process.env.PATH ?? '' } });
    const client = new Client({ name: 'tool-list', version: '1' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools).toEqual(await listInProcess({}));
      const r = (await client.callTool({ name: 'get_context', arguments: {} })) as { isError?: boolean; content: Array<{ text?: string }> };
      expect(r.isError).toBe(true);
      expect(r.content[0]!.text).toMatch(/tools could not be loaded .*nothing was run/);
      await expect(client.ping()).resolves.toBeDefined();
    } finally {
      await client.close();
    }
  });
});
