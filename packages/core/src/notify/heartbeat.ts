import type { HeartbeatConfig } from './notify-config';

/**
 * Pure: the URL to ping for a run's status. healthchecks.io: `<url>/fail` reports a failure;
 * Uptime Kuma: its push URL with status=down. `fail` overrides either.
 */
export function heartbeatUrl(cfg: Pick<HeartbeatConfig, 'style' | 'failOn'>, url: string, fail: string | undefined, status: 'ok' | 'warn' | 'crit', message: string): string {
  const failing = status === 'crit' || (cfg.failOn === 'warn' && status === 'warn');
  if (failing && fail) return fail;
  const u = new URL(url);
  if (cfg.style === 'uptime-kuma') {
    u.searchParams.set('status', failing ? 'down' : 'up');
    u.searchParams.set('msg', message.slice(0, 200));
    return u.toString();
  }
  if (failing) u.pathname = `${u.pathname.replace(/\/+$/, '')}/fail`;
  return u.toString();
}

export interface HeartbeatDeps {
  fetch: typeof fetch;
  readSecret: (path: string) => Promise<string>;
}

/**
 * Pings the push heartbeat, if one is configured. Resolves to null (not configured), 'ok' or the
 * reason it failed, never with the URL (it carries the check's token).
 */
export async function pingHeartbeat(cfg: HeartbeatConfig, status: 'ok' | 'warn' | 'crit', message: string, deps: HeartbeatDeps): Promise<string | null> {
  if (!cfg.url && !cfg.urlFile) return null;
  try {
    const base = cfg.url ?? (await deps.readSecret(cfg.urlFile!));
    const fail = cfg.failUrl ?? (cfg.failUrlFile ? await deps.readSecret(cfg.failUrlFile) : undefined);
    const target = heartbeatUrl(cfg, base, fail, status, message);
    const res = await deps.fetch(target, {
      method: cfg.method,
      signal: AbortSignal.timeout(cfg.timeoutMs),
      redirect: 'follow',
      ...(cfg.method === 'POST' ? { body: message.slice(0, 10_000), headers: { 'content-type': 'text/plain; charset=utf-8' } } : {}),
    });
    await res.body?.cancel().catch(() => undefined);
    return res.ok ? 'ok' : `HTTP ${res.status}`;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return 'timed out';
    // Our own errors name a file; fetch's own message may hold the URL, so only its cause is told.
    if (/^(couldn't open|refusing|the secret file)/.test(e.message)) return e.message;
    return e.cause?.code ?? e.cause?.message ?? e.name;
  }
}
