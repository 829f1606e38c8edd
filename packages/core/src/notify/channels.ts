import { readSecretFile } from './secret-file';
import { sendSmtp, type SmtpOptions } from './smtp-client';
import { channelNameOf, type ChannelConfig, type NotifyConfig } from './notify-config';
import { buildMessage, type NotifyMessage } from './build-message';
import { emailMessage } from './email-message';
import { webhookBody } from './webhook-body';
import type { NotifyEvent } from './notify-event';

/** What sending touches outside the process; tests replace any of it. */
export interface SendDeps {
  fetch: typeof fetch;
  readSecret: (path: string) => Promise<string>;
  smtp: (o: SmtpOptions) => Promise<void>;
  /** Runs sendmail with the message on stdin; rejects with its exit code and stderr. */
  sendmail: (argv: string[], input: string, signal: AbortSignal) => Promise<void>;
  now: () => Date;
  hostname: string;
}

/** A channel ready to send: its secrets read (or the reason they could not be). */
export interface Channel {
  name: string;
  kind: ChannelConfig['kind'];
  minSeverity: 'warn' | 'crit';
  send(event: NotifyEvent, signal: AbortSignal): Promise<void>;
  /** The secret texts this channel holds, for scrubbing errors before they are logged or stored. */
  secrets: string[];
}

/** Pure: `text` with every secret replaced; a last line of defence for error texts from libraries. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[secret]');
  return out;
}

/** Resolves every configured channel: reads its secret files now, once per run. */
export async function resolveChannels(config: NotifyConfig, deps: SendDeps): Promise<Channel[]> {
  return Promise.all(config.channels.map((c, i) => resolveChannel(c, channelNameOf(c, i), config.host ?? deps.hostname, deps)));
}

async function resolveChannel(c: ChannelConfig, name: string, host: string, deps: SendDeps): Promise<Channel> {
  const base = { name, kind: c.kind, minSeverity: c.minSeverity };
  const secret = async (file: string | undefined) => (file ? deps.readSecret(file) : undefined);
  let secrets: Array<string | undefined>;
  try {
    secrets = c.kind === 'webhook' ? [await secret(c.urlFile)] : c.kind === 'ntfy' ? [await secret(c.tokenFile)] : [await secret(c.smtp?.passwordFile)];
  } catch (err) {
    const reason = (err as Error).message;
    return { ...base, secrets: [], send: () => Promise.reject(new Error(reason)) };
  }
  const held = secrets.filter((s): s is string => !!s);
  const message = (e: NotifyEvent): NotifyMessage => buildMessage(e, host);
  if (c.kind === 'webhook') {
    const url = c.url ?? secrets[0]!;
    if (!/^https?:\/\//.test(url)) return { ...base, secrets: held, send: () => Promise.reject(new Error(`${c.urlFile}: not an http(s) URL`)) };
    return {
      ...base,
      secrets: held,
      send: async (e, signal) => {
        const body = JSON.stringify(webhookBody(c.format, message(e), e, host));
        await expectOk(`webhook ${name}`, deps.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal, redirect: 'error' }));
      },
    };
  }
  if (c.kind === 'ntfy') {
    const token = secrets[0];
    return {
      ...base,
      secrets: held,
      send: async (e, signal) => {
        const m = message(e);
        const body = JSON.stringify({ topic: c.topic, title: m.title, message: m.body, priority: m.priority, tags: [m.recovered ? 'white_check_mark' : m.severity === 'crit' ? 'rotating_light' : 'warning'] });
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
        // JSON publishing (POST to the server's root) carries any title; HTTP headers would need ASCII.
        await expectOk(`ntfy ${name}`, deps.fetch(c.server.replace(/\/+$/, '') + '/', { method: 'POST', headers, body, signal, redirect: 'error' }));
      },
    };
  }
  const password = secrets[0];
  return {
    ...base,
    secrets: held,
    send: async (e, signal) => {
      const now = deps.now();
      const data = emailMessage(message(e), c.from, c.to, now, `${now.getTime().toString(36)}.${Math.random().toString(36).slice(2)}@${host}`);
      if (c.smtp) {
        await deps.smtp({ host: c.smtp.host, port: c.smtp.port, security: c.smtp.security, ...(c.smtp.user ? { user: c.smtp.user, password: password ?? '' } : {}), from: c.from, to: c.to, data, helo: host, signal });
      } else {
        await deps.sendmail([c.sendmail, '-oi', '-f', c.from, '--', ...c.to], data, signal);
      }
    },
  };
}

async function expectOk(what: string, response: Promise<Response>): Promise<void> {
  let res: Response;
  try {
    res = await response;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timed out' : e.cause?.code ?? e.cause?.message ?? e.message;
    throw new Error(`${what}: ${why}`, { cause: err });
  }
  // The body is read (bounded) only for the reason: it may echo what was sent, never a secret of ours.
  const text = res.ok ? '' : (await res.text().catch(() => '')).slice(0, 120).replace(/\s+/g, ' ');
  await res.body?.cancel().catch(() => undefined);
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status}${text ? ` (${text})` : ''}`);
}

/**
 * The real sendmail: argv without a shell, the message on stdin, stopped when `signal` aborts
 * (TERM, then KILL if it lingers). execa does the process handling here: it is loaded only when a
 * message goes out through sendmail, far from any start-up path.
 */
export async function runSendmail(argv: string[], input: string, signal: AbortSignal): Promise<void> {
  const { execa } = await import('execa');
  const r = await execa(argv[0]!, argv.slice(1), { input, cancelSignal: signal, forceKillAfterDelay: 2000, stdout: 'ignore', maxBuffer: 1000, reject: false, stripFinalNewline: true });
  if (r.isCanceled) throw new Error(`${argv[0]}: timed out`, { cause: r.cause });
  if (r.failed && r.exitCode === undefined) throw new Error(`${argv[0]}: ${(r.cause as NodeJS.ErrnoException | undefined)?.code ?? r.shortMessage}`, { cause: r.cause });
  if (r.exitCode !== 0) throw new Error(`${argv[0]} exited ${r.exitCode ?? r.signal}: ${String(r.stderr ?? '').trim().split('\n')[0] ?? ''}`);
}

/** The real dependencies. */
export function defaultSendDeps(hostname: string): SendDeps {
  return { fetch: globalThis.fetch, readSecret: (p) => readSecretFile(p), smtp: sendSmtp, sendmail: runSendmail, now: () => new Date(), hostname };
}
