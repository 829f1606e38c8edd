/** Variables a sandboxed command gets from the server's environment; nothing else (no tokens, no sockets). */
const PASSED = /^(PATH|LANG|LANGUAGE|LC_[A-Z]+|TZ)$/;

/** Pure: the environment of a sandboxed command, its HOME the private /tmp. */
export function sandboxEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (PASSED.test(key) && value !== undefined && !value.includes('\n')) out[key] = value;
  out.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  out.HOME = '/tmp';
  out.TERM = 'dumb';
  return out;
}
