// The smallest stdio MCP server on SDK 1.x (what ldm-mcp-server is built on): one tool.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
const s = new McpServer({ name: 'x', version: '1' });
s.registerTool('echo', { description: 'e', inputSchema: { t: z.string() } }, async ({ t }) => ({ content: [{ type: 'text', text: t }] }));
await s.connect(new StdioServerTransport());
