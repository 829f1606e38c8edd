// A minimal MCP client over stdio (newline-delimited JSON-RPC) for benches and the system test:
// no SDK, so it runs wherever node does, e.g. inside the system-test container.
import { spawn } from 'node:child_process';

/** Starts `argv` as an MCP server and initializes a session. */
export async function connectStdio(argv, { env = process.env } = {}) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'ignore'], env });
  const pending = new Map();
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      pending.get(msg.id)?.(msg);
      pending.delete(msg.id);
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let nextId = 1;
  const request = (method, params) => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, resolve);
      exited.then(() => reject(new Error(`the server exited during ${method}`)));
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  };
  await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'ldm-stdio', version: '1' } });
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  return {
    pid: child.pid,
    request,
    /** tools/call; resolves to the result ({isError, structuredContent, content}). */
    call: async (name, args) => {
      const r = await request('tools/call', { name, arguments: args });
      if (r.error) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
      return r.result;
    },
    close: async () => {
      child.stdin.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      child.kill();
    },
  };
}
