import { isLoopbackHost } from './listen-address';

/** Pure: whether this combination may start. Every refusal names what to change. */
export function checkHttpStartup(host: string, hasToken: boolean, insecureNoAuth: boolean): string | null {
  if (insecureNoAuth && !isLoopbackHost(host)) return `--insecure-no-auth is only allowed on a loopback address, not ${host}`;
  if (!hasToken && !insecureNoAuth) return 'no bearer token: the HTTP transport never starts without one (setup_mcp.sh writes it)';
  return null;
}
