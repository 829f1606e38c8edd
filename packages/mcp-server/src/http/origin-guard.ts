export interface OriginPolicy {
  /** host[:port] values the Host header may carry. */
  allowedHosts: string[];
  /** Exact origins (scheme://host[:port]) a browser may send. Requests without Origin (CLI clients) pass. */
  allowedOrigins: string[];
}

export type GuardVerdict = { ok: true } | { ok: false; reason: string };

/** The Host and Origin values a server listening on host:port accepts by default. */
export function defaultOriginPolicy(host: string, port: number, extraHosts: string[] = [], extraOrigins: string[] = []): OriginPolicy {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') ? `[${host}]` : host);
  const hosts = [...names].map((n) => `${n}:${port}`);
  return {
    allowedHosts: [...hosts, ...extraHosts].map((h) => h.toLowerCase()),
    allowedOrigins: [...hosts.flatMap((h) => [`http://${h}`, `https://${h}`]), ...extraOrigins].map((o) => o.toLowerCase().replace(/\/$/, '')),
  };
}

/**
 * Pure: DNS-rebinding protection. A page on evil.example that resolves its name to 127.0.0.1 still
 * sends Host: evil.example and Origin: http://evil.example, and both are refused.
 */
export function checkOriginAndHost(headers: { host?: string; origin?: string }, policy: OriginPolicy): GuardVerdict {
  const host = headers.host?.toLowerCase();
  if (!host || !policy.allowedHosts.includes(host)) return { ok: false, reason: `Host ${JSON.stringify(headers.host ?? '')} is not allowed` };
  if (headers.origin !== undefined) {
    const origin = headers.origin.toLowerCase().replace(/\/$/, '');
    if (!policy.allowedOrigins.includes(origin)) return { ok: false, reason: `Origin ${JSON.stringify(headers.origin)} is not allowed` };
  }
  return { ok: true };
}
