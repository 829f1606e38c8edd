// sessions.mjs - real MCP SDK clients of the installed server, one per (transport, mode, label),
// made on first use and remade when the server behind one stopped answering.
//   mode none:    no elicitation capability (Claude Desktop, claude.ai)
//   mode decline: elicitation, every prompt declined
//   mode accept:  elicitation, every prompt accepted with its form filled in
// stdio spawns the server as root, as `ssh root@host ldm-mcp-server` would; http talks to the
// socket-activated ldm-mcp-http with the token, as a remote client would.
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export const SERVER_BIN = '/opt/linux-devops-mcp/bin/ldm-mcp-server';
export const HTTP_URL = 'http://127.0.0.1:8765/mcp';
const TOKEN_FILE = '/etc/linux-devops-mcp/http-token';

/** The answer a human who accepts gives: every field of the form filled with its "yes". */
export function acceptingAnswer(schema) {
  const content = {};
  for (const [name, f] of Object.entries(schema?.properties ?? {})) {
    if (f.type === 'boolean') content[name] = true;
    else if (Array.isArray(f.enum)) content[name] = f.enum.find((v) => /^(approve|accept|yes|allow|run)/i.test(String(v))) ?? f.enum[0];
    else if (f.type === 'string') content[name] = f.const ?? 'yes';
    else if (f.type === 'number' || f.type === 'integer') content[name] = f.minimum ?? 1;
  }
  return content;
}

export class Sessions {
  constructor({ log }) {
    this.log = log;
    this.open = new Map();
    this.prompts = [];   // every elicitation seen: { key, message }
  }

  async get(transport, mode, label = 'a') {
    const key = `${transport}:${mode}:${label}`;
    const have = this.open.get(key);
    if (have && !have.dead) return have;
    const s = await this.connect(key, transport, mode);
    this.open.set(key, s);
    return s;
  }

  async connect(key, transport, mode) {
    const capabilities = mode === 'none' ? {} : { elicitation: { form: {} } };
    const client = new Client({ name: `ldm-attack-${mode}`, version: '1.0.0' }, { capabilities });
    if (mode !== 'none') {
      client.setRequestHandler(ElicitRequestSchema, async (req) => {
        this.prompts.push({ key, message: String(req.params.message ?? '').slice(0, 2000) });
        return mode === 'accept' ? { action: 'accept', content: acceptingAnswer(req.params.requestedSchema) } : { action: 'decline' };
      });
    }
    const t = transport === 'http'
      ? new StreamableHTTPClientTransport(new URL(HTTP_URL), {
        requestInit: { headers: { authorization: `Bearer ${readFileSync(TOKEN_FILE, 'utf8').trim()}` } },
      })
      : new StdioClientTransport({ command: SERVER_BIN, args: [], stderr: 'pipe' });
    const session = { key, client, transport: t, dead: false, stderr: '' };
    if (transport !== 'http') {
      t.stderr?.on('data', (d) => { session.stderr = (session.stderr + d).slice(-20_000); });
    }
    t.onclose = () => { session.dead = true; };
    await client.connect(t, { timeout: 30_000 });
    session.tools = (await client.listTools(undefined, { timeout: 30_000 })).tools;
    return session;
  }

  /** Does every open session still answer? Returns the keys of those that do not (and drops them). */
  async liveness() {
    const dead = [];
    for (const [key, s] of this.open) {
      try {
        if (s.dead) throw new Error('closed');
        await s.client.ping({ timeout: 15_000 });
      } catch (err) {
        dead.push(`${key} (${err.message})`);
        s.dead = true;
        await s.client.close().catch(() => {});
        this.open.delete(key);
      }
    }
    return dead;
  }

  async closeAll() {
    for (const s of this.open.values()) await s.client.close().catch(() => {});
    this.open.clear();
  }
}
