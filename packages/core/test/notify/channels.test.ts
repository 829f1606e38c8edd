import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  boundEvent,
  defaultSendDeps,
  deliver,
  runSendmail,
  dotStuff,
  enqueue,
  notifyStateOf,
  parseConfig,
  pingHeartbeat,
  resolveChannels,
  type NotifyEvent,
} from '../../src/index';

const AT = '2026-12-01T10:00:00.000Z';
const EVENT: NotifyEvent = boundEvent({ kind: 'open', check: 'failed-units', subject: 'nginx.service', severity: 'crit', summary: 'unit nginx.service has failed', at: AT, knownFix: { action: 'systemctl restart nginx.service', successes: 3, failures: 1 } });

interface Received { method: string; url: string; headers: IncomingMessage['headers']; body: string }
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function httpReceiver(status = 200, hang = false): Promise<{ base: string; got: Received[] }> {
  const got: Received[] = [];
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (!hang) res.writeHead(status).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const port = (server.address() as { port: number }).port;
  return { base: `http://127.0.0.1:${port}`, got };
}

/** A minimal SMTP server (no TLS): enough to see what the client sends. */
async function smtpReceiver(): Promise<{ port: number; got: string[] }> {
  const got: string[] = [];
  const server: NetServer = createNetServer((sock) => {
    let buf = '';
    let data = false;
    let message = '';
    sock.write('220 test ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (data) {
          if (line === '.') { data = false; got.push(message); sock.write('250 queued\r\n'); } else message += `${line}\n`;
          continue;
        }
        got.push(line);
        if (/^EHLO/.test(line)) sock.write('250-test\r\n250 8BITMIME\r\n');
        else if (line === 'DATA') { data = true; message = ''; sock.write('354 go on\r\n'); }
        else if (line === 'QUIT') { sock.end('221 bye\r\n'); }
        else sock.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { port: (server.address() as { port: number }).port, got };
}

async function secretFile(content: string): Promise<string> {
  const f = join(await mkdtemp(join(tmpdir(), 'ldm-notify-')), 'secret');
  await writeFile(f, content);
  await chmod(f, 0o600);
  return f;
}

const deps = () => ({ ...defaultSendDeps('test-host'), now: () => new Date(AT) });

describe('channels against real local receivers', () => {
  test('webhook (json) and Slack format: the host, what is wrong and the known fix arrive', async () => {
    const r = await httpReceiver();
    const c = parseConfig({ notify: { channels: [{ kind: 'webhook', url: `${r.base}/hook` }, { kind: 'webhook', url: `${r.base}/slack`, format: 'slack' }] } }, 'c');
    const [json, slack] = await resolveChannels(c.notify, deps());
    await json!.send(EVENT, AbortSignal.timeout(5000));
    await slack!.send(EVENT, AbortSignal.timeout(5000));
    const doc = JSON.parse(r.got[0]!.body);
    expect(doc).toMatchObject({ host: 'test-host', summary: 'unit nginx.service has failed', knownFix: { action: 'systemctl restart nginx.service', successes: 3, failures: 1 } });
    expect(JSON.parse(r.got[1]!.body).text).toContain('Known fix: systemctl restart nginx.service (worked 3 of 4 times)');
  });

  test('a webhook URL from a file: its token never appears in the error', async () => {
    const r = await httpReceiver(404);
    const token = 'T0KEN-abcdef-123456';
    const file = await secretFile(`${r.base}/services/${token}\n`);
    const c = parseConfig({ notify: { channels: [{ kind: 'webhook', urlFile: file }] } }, 'c');
    const [ch] = await resolveChannels(c.notify, deps());
    const err = await ch!.send(EVENT, AbortSignal.timeout(5000)).catch((e: Error) => e);
    expect(r.got[0]!.url).toBe(`/services/${token}`);
    expect(String(err)).toMatch(/HTTP 404/);
    expect(String(err)).not.toContain(token);
  });

  test('a group-readable secret file fails the channel, naming the file', async () => {
    const file = await secretFile('https://example.invalid/x');
    await chmod(file, 0o640);
    const c = parseConfig({ notify: { channels: [{ kind: 'webhook', urlFile: file }] } }, 'c');
    const [ch] = await resolveChannels(c.notify, deps());
    await expect(ch!.send(EVENT, AbortSignal.timeout(1000))).rejects.toThrow(file);
  });

  test('ntfy: JSON publishing to the server root with the topic and the bearer token', async () => {
    const r = await httpReceiver();
    const token = await secretFile('tk_abcdefgh');
    const c = parseConfig({ notify: { channels: [{ kind: 'ntfy', server: r.base, topic: 'vm-alerts', tokenFile: token }] } }, 'c');
    const [ch] = await resolveChannels(c.notify, deps());
    await ch!.send(EVENT, AbortSignal.timeout(5000));
    expect(r.got[0]!.headers.authorization).toBe('Bearer tk_abcdefgh');
    expect(JSON.parse(r.got[0]!.body)).toMatchObject({ topic: 'vm-alerts', priority: 5, title: '[CRITICAL] test-host: unit nginx.service has failed' });
  });

  test('e-mail over SMTP: envelope, headers and body reach the server; dot-stuffing holds', async () => {
    const s = await smtpReceiver();
    const c = parseConfig({ notify: { channels: [{ kind: 'email', from: 'vm@example.com', to: ['me@example.com'], smtp: { host: '127.0.0.1', port: s.port, security: 'none' } }] } }, 'c');
    const [ch] = await resolveChannels(c.notify, deps());
    await ch!.send(EVENT, AbortSignal.timeout(5000));
    expect(s.got).toContain('MAIL FROM:<vm@example.com>');
    expect(s.got).toContain('RCPT TO:<me@example.com>');
    const message = s.got.find((l) => l.includes('Subject:'))!;
    expect(message).toContain('Subject: [CRITICAL] test-host: unit nginx.service has failed');
    expect(message).toContain('Known fix: systemctl restart nginx.service (worked 3 of 4 times)');
    expect(dotStuff('a\n.b\n..c')).toBe('a\r\n..b\r\n...c');
  });

  test('SMTP: a password is never sent without TLS; STARTTLS missing is an error that says what to set', async () => {
    const s = await smtpReceiver();
    const pw = await secretFile('hunter2-password');
    const c = parseConfig({ notify: { channels: [
      { kind: 'email', from: 'a@b.cc', to: ['c@d.ee'], smtp: { host: '127.0.0.1', port: s.port, security: 'none', user: 'u', passwordFile: pw } },
      { kind: 'email', from: 'a@b.cc', to: ['c@d.ee'], smtp: { host: '127.0.0.1', port: s.port } },
    ] } }, 'c');
    const [plain, starttls] = await resolveChannels(c.notify, deps());
    await expect(plain!.send(EVENT, AbortSignal.timeout(5000))).rejects.toThrow(/without TLS/);
    await expect(starttls!.send(EVENT, AbortSignal.timeout(5000))).rejects.toThrow(/does not offer STARTTLS/);
    expect(s.got.join('\n')).not.toContain('AUTH');
  });

  test('sendmail: the message on stdin, the recipients as arguments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-sendmail-'));
    const script = join(dir, 'sendmail');
    await writeFile(script, `#!/bin/sh\necho "$@" > ${dir}/args\ncat > ${dir}/mail\n`, { mode: 0o755 });
    const c = parseConfig({ notify: { channels: [{ kind: 'email', from: 'vm@example.com', to: ['me@example.com'], sendmail: script }] } }, 'c');
    const [ch] = await resolveChannels(c.notify, deps());
    await ch!.send(EVENT, AbortSignal.timeout(5000));
    expect((await readFile(join(dir, 'args'), 'utf8')).trim()).toBe('-oi -f vm@example.com -- me@example.com');
    expect(await readFile(join(dir, 'mail'), 'utf8')).toContain('Subject: [CRITICAL] test-host');
  });

  test('sendmail that fails, hangs or is missing: each a one-line reason, and a hung one is stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-sendmail-'));
    const failing = join(dir, 'failing');
    await writeFile(failing, '#!/bin/sh\ncat >/dev/null\necho "sendmail: recipient rejected" >&2\nexit 75\n', { mode: 0o755 });
    await expect(runSendmail([failing, '-oi'], 'x', AbortSignal.timeout(5000))).rejects.toThrow(`${failing} exited 75: sendmail: recipient rejected`);
    const hanging = join(dir, 'hanging');
    await writeFile(hanging, `#!/bin/sh\necho $$ > ${dir}/pid\nexec sleep 60\n`, { mode: 0o755 });
    const t0 = Date.now();
    await expect(runSendmail([hanging], 'x', AbortSignal.timeout(300))).rejects.toThrow(`${hanging}: timed out`);
    expect(Date.now() - t0).toBeLessThan(5000);
    const pid = Number(await readFile(join(dir, 'pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(runSendmail([join(dir, 'absent')], 'x', AbortSignal.timeout(5000))).rejects.toThrow(/absent: ENOENT/);
  });

  test('a channel that never answers costs at most the budget; its message stays queued with the reason', async () => {
    const r = await httpReceiver(200, true);
    const c = parseConfig({ notify: { budgetMs: 400, timeoutMs: 5000, channels: [{ kind: 'webhook', url: `${r.base}/slow` }] } }, 'c');
    const channels = await resolveChannels(c.notify, deps());
    const queued = enqueue(notifyStateOf({}), [EVENT], channels, new Date(AT), c.notify).state;
    const t0 = Date.now();
    const out = await deliver(queued, channels, { limits: c.notify, now: () => new Date(AT) });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(out.results[0]).toMatchObject({ ok: false, error: 'webhook webhook-1: timed out' });
    expect(out.state.pending).toHaveLength(1);
    expect(out.state.pending[0]!.attempts).toBe(1);
  });
});

describe('push heartbeat', () => {
  test('ok pings the URL; critical pings its /fail form; Uptime Kuma gets status=down', async () => {
    const r = await httpReceiver();
    const hd = { fetch: globalThis.fetch, readSecret: async () => '' };
    const hc = parseConfig({ heartbeat: { url: `${r.base}/ping/abc` } }, 'c').heartbeat;
    expect(await pingHeartbeat(hc, 'ok', 'OK', hd)).toBe('ok');
    expect(await pingHeartbeat(hc, 'warn', 'W', hd)).toBe('ok');
    expect(await pingHeartbeat(hc, 'crit', 'C', hd)).toBe('ok');
    const kuma = parseConfig({ heartbeat: { url: `${r.base}/api/push/K?status=up&msg=OK`, style: 'uptime-kuma' } }, 'c').heartbeat;
    await pingHeartbeat(kuma, 'crit', 'disk full', hd);
    expect(r.got.map((g) => g.url)).toEqual(['/ping/abc', '/ping/abc', '/ping/abc/fail', '/api/push/K?status=down&msg=disk+full']);
  });

  test('not configured: nothing sent; a dead URL: the reason, never the URL', async () => {
    const closed = createNetServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const hd = { fetch: globalThis.fetch, readSecret: async () => `http://127.0.0.1:${port}/secret-token-path` };
    expect(await pingHeartbeat(parseConfig({}, 'c').heartbeat, 'ok', '', hd)).toBeNull();
    const out = await pingHeartbeat(parseConfig({ heartbeat: { urlFile: '/x' } }, 'c').heartbeat, 'ok', '', hd);
    expect(out).toBe('ECONNREFUSED');
  });
});
