// The same server on the 2.x server SDK (@modelcontextprotocol/server), which the 2026-07-28 revision needs.
import { McpServer } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';
const s = new McpServer({ name: 'x', version: '1' });
s.registerTool('echo', { description: 'e', inputSchema: z.object({ t: z.string() }) }, async ({ t }) => ({ content: [{ type: 'text', text: t }] }));
await s.connect(new StdioServerTransport());
