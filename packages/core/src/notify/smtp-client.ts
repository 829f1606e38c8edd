import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

// A small SMTP submission client (RFC 5321, STARTTLS RFC 3207, AUTH PLAIN RFC 4616): the project
// cannot add npm packages, and sending one plain-text message needs no more than this.

export interface SmtpOptions {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  user?: string;
  password?: string;
  from: string;
  to: string[];
  /** The message (headers and body), CRLF line ends, not yet dot-stuffed. */
  data: string;
  /** The name said in EHLO. */
  helo: string;
  signal: AbortSignal;
  /** Extra TLS options (tests: a CA). */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
}

const REPLY_MAX = 16_384;

/** Reads SMTP replies (multi-line: "250-…" until "250 …") from a socket. */
class ReplyReader {
  private buffer = '';
  private waiting: ((r: { code: number; text: string } | Error) => void) | null = null;
  private failure: Error | null = null;

  constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  attach(socket: Socket | TLSSocket): void {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      if (this.buffer.length > REPLY_MAX) this.fail(new Error(`reply longer than ${REPLY_MAX} bytes`));
      else this.drain();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const w = this.waiting;
    this.waiting = null;
    w?.(this.failure);
  }

  private drain(): void {
    if (!this.waiting) return;
    const lines = this.buffer.split('\r\n');
    for (let i = 0; i < lines.length - 1; i++) {
      const m = /^(\d{3})([ -])(.*)$/.exec(lines[i]!);
      if (!m) continue;
      if (m[2] === ' ') {
        const text = lines.slice(0, i + 1).map((l) => l.slice(4)).join(' ');
        this.buffer = lines.slice(i + 1).join('\r\n');
        const w = this.waiting;
        this.waiting = null;
        w({ code: Number(m[1]), text });
        return;
      }
    }
  }

  next(): Promise<{ code: number; text: string }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = (r) => (r instanceof Error ? reject(r) : resolve(r));
      this.drain();
    });
  }
}

/** Sends one message; rejects with the step and the server's answer (never the password). */
export async function sendSmtp(o: SmtpOptions): Promise<void> {
  const where = `SMTP ${o.host}:${o.port}`;
  if (o.security === 'none' && o.user) throw new Error(`${where}: refusing to send a password without TLS (smtp.security "none")`);
  let socket: Socket | TLSSocket = await open(o);
  const abort = () => socket.destroy(new Error(`timed out`));
  o.signal.addEventListener('abort', abort, { once: true });
  try {
    const reader = new ReplyReader(socket);
    const expect = async (step: string, codes: number[]) => {
      const r = await reader.next().catch((err: Error) => {
        throw new Error(`${where}: ${step}: ${err.message}`, { cause: err });
      });
      if (!codes.includes(r.code)) throw new Error(`${where}: ${step} answered ${r.code} ${r.text.slice(0, 200)}`);
      return r;
    };
    const say = (line: string) => socket.write(`${line}\r\n`);
    await expect('greeting', [220]);
    say(`EHLO ${o.helo}`);
    let ehlo = await expect('EHLO', [250]);
    if (o.security === 'starttls') {
      if (!/\bSTARTTLS\b/i.test(ehlo.text)) throw new Error(`${where}: the server does not offer STARTTLS (set smtp.security "tls" for port 465, or "none" for a local relay)`);
      say('STARTTLS');
      await expect('STARTTLS', [220]);
      socket.removeAllListeners('data');
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      socket = await upgrade(socket, o);
      reader.attach(socket);
      say(`EHLO ${o.helo}`);
      ehlo = await expect('EHLO after STARTTLS', [250]);
    }
    if (o.user) {
      say(`AUTH PLAIN ${Buffer.from(`\0${o.user}\0${o.password ?? ''}`).toString('base64')}`);
      await expect('AUTH', [235]);
    }
    say(`MAIL FROM:<${o.from}>`);
    await expect('MAIL FROM', [250]);
    for (const rcpt of o.to) {
      say(`RCPT TO:<${rcpt}>`);
      await expect(`RCPT TO ${rcpt}`, [250, 251]);
    }
    say('DATA');
    await expect('DATA', [354]);
    socket.write(`${dotStuff(o.data)}\r\n.\r\n`);
    await expect('end of DATA', [250]);
    say('QUIT');
    await reader.next().catch(() => undefined);
  } finally {
    o.signal.removeEventListener('abort', abort);
    socket.destroy();
  }
}

/** Pure: a leading dot on any line is doubled (RFC 5321 4.5.2); line ends become CRLF. */
export function dotStuff(data: string): string {
  return data.replace(/\r?\n/g, '\r\n').replace(/(^|\r\n)\./g, '$1..');
}

function open(o: SmtpOptions): Promise<Socket | TLSSocket> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      s.destroy();
      reject(new Error(`SMTP ${o.host}:${o.port}: connect timed out`));
    };
    const s: Socket | TLSSocket =
      o.security === 'tls'
        ? tlsConnect({ host: o.host, port: o.port, servername: o.host, ...o.tls }, () => done())
        : netConnect({ host: o.host, port: o.port }, () => done());
    const done = () => {
      o.signal.removeEventListener('abort', onAbort);
      s.removeListener('error', fail);
      resolve(s);
    };
    const fail = (err: Error) => {
      o.signal.removeEventListener('abort', onAbort);
      reject(new Error(`SMTP ${o.host}:${o.port}: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err }));
    };
    s.once('error', fail);
    if (o.signal.aborted) onAbort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function upgrade(socket: Socket | TLSSocket, o: SmtpOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = tlsConnect({ socket, servername: o.host, ...o.tls }, () => resolve(t));
    t.once('error', (err) => reject(new Error(`SMTP ${o.host}:${o.port}: STARTTLS handshake: ${err.message}`, { cause: err })));
  });
}
