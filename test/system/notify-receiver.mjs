// A webhook and heartbeat receiver for the system test's notify step: every request becomes one
// JSON line ({method, url, body}) in FILE. Usage: node notify-receiver.mjs PORT FILE
import { createServer } from 'node:http';
import { appendFileSync } from 'node:fs';

const [port, file] = process.argv.slice(2);
createServer((req, res) => {
  let body = '';
  req.on('data', (d) => {
    if (body.length < 65_536) body += d;
  });
  req.on('end', () => {
    appendFileSync(file, `${JSON.stringify({ method: req.method, url: req.url, body })}\n`);
    res.writeHead(200).end('ok');
  });
}).listen(Number(port), '127.0.0.1');
