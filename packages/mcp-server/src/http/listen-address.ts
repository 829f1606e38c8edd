import { isIP } from 'node:net';

export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses "HOST:PORT", "[v6]:PORT" or ":PORT" (loopback); port 0 picks a free port. The error names the bad value. */
export function parseListenAddress(value: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  const port = Number(m?.[3]);
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new Error(`--listen expects HOST:PORT (e.g. 127.0.0.1:8765), got ${JSON.stringify(value)}`);
  }
  const host = m[1] ?? (m[2] || '127.0.0.1');
  if (m[1] && isIP(m[1]) !== 6) throw new Error(`--listen: ${JSON.stringify(m[1])} is not an IPv6 address`);
  return { host, port };
}

/** True only for addresses that never leave the machine. "localhost" counts: it resolves to loopback. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}
